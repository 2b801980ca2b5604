package dev.bootfleet.app.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.observed.BootcStatusParser;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.testing.BootcSchema;
import dev.bootfleet.testing.RegistryServer;
import dev.bootfleet.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bootc simulator against a real registry: bootc's state machine (staged, booted, rollback,
 * download-only, rollback as a toggle), per-architecture digests from an index, and every fault. Every
 * status document it prints is checked against upstream's host-v1.schema.json.
 */
class BootcSimTest {
  static RegistryServer registry;
  static TestImages images;
  static TestImages.Image v1;
  static TestImages.Image v2;
  static TestImages.Index multi;

  @TempDir
  Path dir;
  SimHost sim;

  @BeforeAll
  static void registry() throws Exception {
    registry = RegistryServer.start();
    images = new TestImages(registry);
    v1 = images.push("sim/os", "v1");
    v2 = images.push("sim/os", "v2");
    multi = images.pushIndex("sim/multi", "v1");
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @BeforeEach
  void init() {
    sim = new SimHost(dir);
    assertThat(sim.run("init", v1.byDigest()).exit()).isZero();
  }

  @AfterEach
  void everyStatusValidates() {
    assertThat(BootcSchema.errors(sim.status())).isEmpty();
    assertThat(BootcSchema.errors(sim.run("status", "--format=json", "--booted").out())).isEmpty();
  }

  ObservedHost host() throws Exception {
    String json = sim.status();
    assertThat(BootcSchema.errors(json)).as("schema errors of %s", json).isEmpty();
    return BootcStatusParser.parse(json, "sim");
  }

  static String ref(ObservedHost h, String which) {
    var e = switch (which) {
      case "staged" -> h.staged();
      case "booted" -> h.booted();
      default -> h.rollback();
    };
    return e == null ? null : e.image().image().image();
  }

  @ParameterizedTest
  @ValueSource(strings = {"init", "status", "switch", "upgrade", "rollback", "reboot", "fault", "soft-reboot",
      "soft-reboots"})
  void help_isShown_forEveryCommand(String command) {
    SimHost.Run r = sim.run(command, "--help");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("Usage: bootc-sim " + command);
  }

  @Test
  void status_isCanonicalJsonOnOneLine_likeBootc() {
    String json = sim.status();

    assertThat(json).startsWith("{\"apiVersion\":\"org.containers.bootc/v1\",\"kind\":\"BootcHost\"")
        .doesNotContain("\n").contains("\"staged\":null").doesNotContain("signature");
  }

  @Test
  void switch_stagesWithTheRegistrysDigest_andRebootAppliesIt() throws Exception {
    assertThat(sim.run("switch", "--transport", "registry", v2.byDigest()).out()).contains("Queued for next boot");
    ObservedHost staged = host();
    assertThat(ref(staged, "staged")).isEqualTo(v2.byDigest());
    assertThat(staged.staged().image().imageDigest()).isEqualTo(v2.digest());
    assertThat(staged.specImage().image()).isEqualTo(v2.byDigest());

    String bootBefore = Files.readString(dir.resolve("boot_id"));
    assertThat(sim.run("reboot").exit()).isZero();

    ObservedHost after = host();
    assertThat(ref(after, "booted")).isEqualTo(v2.byDigest());
    assertThat(ref(after, "rollback")).isEqualTo(v1.byDigest());
    assertThat(after.staged()).isNull();
    assertThat(Files.readString(dir.resolve("boot_id"))).isNotEqualTo(bootBefore);
  }

  /**
   * bootc 1.7's soft reboot (bootc.md section 6): a staged entry is soft-reboot capable unless its kernel
   * arguments differ; {@code --soft-reboot=required} prepares it or fails with bootc's words, and {@code
   * systemctl soft-reboot} enters it with the kernel, and so the boot id, kept (systemd counts soft reboots).
   */
  @Test
  void softReboot_entersAPreparedCapableEntry_keepingTheBootId() throws Exception {
    sim.run("switch", v2.byDigest());
    sim.run("upgrade", "--download-only");
    assertThat(host().staged().softRebootCapable()).isTrue();
    assertThat(host().booted().softRebootCapable()).isFalse();
    SimHost.Run prepared = sim.run("upgrade", "--from-downloaded", "--soft-reboot=required");
    assertThat(prepared.exit()).as(prepared.err()).isZero();
    assertThat(prepared.out()).contains("preparing for soft-reboot");
    assertThat(host().staged().downloadOnly()).isFalse();
    String bootBefore = Files.readString(dir.resolve("boot_id"));

    assertThat(sim.run("soft-reboot").exit()).isZero();

    ObservedHost after = host();
    assertThat(ref(after, "booted")).isEqualTo(v2.byDigest());
    assertThat(ref(after, "rollback")).isEqualTo(v1.byDigest());
    assertThat(Files.readString(dir.resolve("boot_id"))).isEqualTo(bootBefore);
    assertThat(sim.run("soft-reboots").out().strip()).isEqualTo("1");
    sim.run("reboot");
    assertThat(sim.run("soft-reboots").out().strip()).as("a new kernel counts afresh").isEqualTo("0");
  }

  @Test
  void softReboot_required_failsWhenTheKernelArgumentsChange_andAutoFallsBack() throws Exception {
    sim.run("fault", "kargs-change");
    sim.run("switch", v2.byDigest());
    assertThat(host().staged().softRebootCapable()).isFalse();

    SimHost.Run required = sim.run("upgrade", "--from-downloaded", "--soft-reboot=required");
    assertThat(required.exit()).isEqualTo(1);
    assertThat(required.err()).contains("Soft reboot was required but staged deployment is not soft-reboot capable");
    assertThat(sim.run("upgrade", "--from-downloaded", "--soft-reboot=auto").exit()).isZero();
    sim.run("soft-reboot"); // nothing prepared: userspace restarts on the same deployment
    assertThat(ref(host(), "booted")).isEqualTo(v1.byDigest());
    assertThat(ref(host(), "staged")).isEqualTo(v2.byDigest());
    assertThat(sim.run("upgrade", "--soft-reboot=sometimes").exit()).isEqualTo(2);
  }

  @Test
  void aDamagedStateFile_isOneLine_notAStackTrace() throws Exception {
    Path bad = Files.createDirectories(dir.resolve("bad"));
    Files.writeString(bad.resolve("sim.json"), "{\"booted\": [");

    SimHost.Run r = new SimHost(bad).run("status", "--format=json");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: cannot read " + bad.resolve("sim.json") + ": Cannot deserialize")
        .doesNotContain("\tat ").hasLineCount(1);
  }

  @Test
  void switch_toTheSameSpec_isUnchanged() {
    SimHost.Run r = sim.run("switch", v1.byDigest());

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Image specification is unchanged.");
  }

  @Test
  void switch_anIndex_recordsTheChildForTheHostsArchitecture() throws Exception {
    Path armDir = Files.createDirectories(dir.resolve("arm"));
    SimHost arm = new SimHost(armDir);
    assertThat(arm.run("init", "--arch", "arm64", v1.byDigest()).exit()).isZero();

    assertThat(arm.run("switch", multi.pinned()).exit()).isZero();

    ObservedHost h = BootcStatusParser.parse(arm.status(), "arm");
    assertThat(h.staged().image().imageDigest()).isEqualTo(multi.child("linux/arm64"));
    assertThat(h.staged().image().architecture()).isEqualTo("arm64");
    assertThat(h.staged().image().image().image()).isEqualTo(multi.pinned()); // stored verbatim
    assertThat(BootcSchema.errors(arm.status())).isEmpty();
  }

  @Test
  void switch_toAMissingImage_failsLikeBootc() {
    SimHost.Run r = sim.run("switch", registry.host() + "/sim/os@sha256:" + "0".repeat(64));

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: Switching: Pulling: ").contains("manifest unknown");
  }

  @Test
  void enforcedSignaturePolicy_isPartOfTheSpec() throws Exception {
    assertThat(sim.run("switch", "--enforce-container-sigpolicy", v1.byDigest()).out())
        .contains("Queued for next boot"); // same image, other signature mode: a new spec
    assertThat(host().staged().image().image().signature()).isEqualTo("containerPolicy");
  }

  @Test
  void downloadOnly_entryIsDiscardedByAReboot_unlessUnlocked() throws Exception {
    sim.run("switch", v2.byDigest());
    sim.run("upgrade", "--download-only");
    assertThat(host().staged().downloadOnly()).isTrue();

    sim.run("upgrade", "--from-downloaded");
    assertThat(host().staged().downloadOnly()).isFalse();

    sim.run("upgrade", "--download-only");
    sim.run("reboot");
    ObservedHost h = host();
    assertThat(ref(h, "booted")).isEqualTo(v1.byDigest());
    assertThat(h.staged()).isNull();
  }

  @Test
  void rollback_isAToggle_andFailsWithoutARollbackEntry() throws Exception {
    SimHost.Run none = sim.run("rollback");
    assertThat(none.exit()).isEqualTo(1);
    assertThat(none.err()).contains("No rollback available");

    sim.run("switch", v2.byDigest());
    sim.run("reboot");
    sim.run("rollback");
    assertThat(host().rollbackQueued()).isTrue();
    assertThat(sim.run("rollback").out()).contains("Reverting queued rollback state");
    assertThat(host().rollbackQueued()).isFalse();
  }

  @Test
  void fault_switchFails_once() throws Exception {
    sim.run("fault", "switch-fails");

    SimHost.Run r = sim.run("switch", v2.byDigest());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: ");
    assertThat(host().staged()).isNull();
    assertThat(sim.run("switch", v2.byDigest()).exit()).isZero();
  }

  @Test
  void fault_loseStaged_bootsTheOldImage() throws Exception {
    sim.run("switch", v2.byDigest());
    sim.run("fault", "lose-staged");
    sim.run("reboot");

    ObservedHost h = host();
    assertThat(ref(h, "booted")).isEqualTo(v1.byDigest());
    assertThat(h.staged()).isNull();
    assertThat(h.rollback()).isNull();
  }

  @Test
  void fault_bootloaderFallback_queuesTheNewImageInTheRollbackSlot() throws Exception {
    sim.run("switch", v2.byDigest());
    sim.run("fault", "bootloader-fallback");
    sim.run("reboot");

    ObservedHost h = host();
    assertThat(ref(h, "booted")).isEqualTo(v1.byDigest());
    assertThat(ref(h, "rollback")).isEqualTo(v2.byDigest());
    assertThat(h.rollbackQueued()).isTrue();
  }

  @Test
  void fault_explicitRollback_leavesTheNewImageInTheRollbackSlot_notQueued() throws Exception {
    sim.run("switch", v2.byDigest());
    sim.run("fault", "explicit-rollback");
    sim.run("reboot");

    ObservedHost h = host();
    assertThat(ref(h, "booted")).isEqualTo(v1.byDigest());
    assertThat(ref(h, "rollback")).isEqualTo(v2.byDigest());
    assertThat(h.rollbackQueued()).isFalse();
  }

  @Test
  void fault_slowDownload_holdsTheSysrootLock_whileStatusStillAnswers() throws Exception {
    sim.run("fault", "slow-download", "--seconds", "2");
    Thread t = new Thread(() -> sim.run("switch", v2.byDigest()));
    t.start();
    Thread.sleep(500);

    assertThat(host().staged()).isNull(); // still downloading
    t.join(10_000);
    assertThat(ref(host(), "staged")).isEqualTo(v2.byDigest());
  }

  @Test
  void apply_rebootsAndNeverReturns() throws Exception {
    Thread t = new Thread(() -> sim.run("switch", "--apply", v2.byDigest()));
    t.start();
    long until = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < until && !sim.status().contains("\"booted\":{\"cachedUpdate\":null,"
        + "\"downloadOnly\":false,\"image\":{\"architecture\":\"amd64\",\"image\":{\"image\":\"" + v2.byDigest())) {
      Thread.sleep(100);
    }
    assertThat(ref(host(), "booted")).isEqualTo(v2.byDigest());
    Thread.sleep(300);
    assertThat(t.isAlive()).as("bootc switch --apply returned").isTrue();
    t.interrupt();
    t.join(5_000);
  }
}
