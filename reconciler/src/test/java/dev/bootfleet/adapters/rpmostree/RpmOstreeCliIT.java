package dev.bootfleet.adapters.rpmostree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.observed.RpmOstreeStatusParser;
import dev.bootfleet.core.port.HostDriver.HostException;
import dev.bootfleet.testing.Example;
import dev.bootfleet.testing.RegistryServer;
import dev.bootfleet.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RpmOstreeCli against the rpm-ostree simulator run as a process (bin/rpm-ostree-sim, the built jar),
 * with images in a real registry: the safe forms, what they skip (and so never run), and one-line errors.
 */
class RpmOstreeCliIT {
  static RegistryServer registry;
  static TestImages.Image v1;
  static TestImages.Image v2;

  @TempDir
  Path dir;
  RpmOstreeCli cli;
  String ref1;
  String ref2;

  @BeforeAll
  static void registry() throws Exception {
    registry = RegistryServer.start();
    TestImages images = new TestImages(registry);
    v1 = images.push("cli/kinoite", "42.1");
    v2 = images.push("cli/kinoite", "42.2");
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  static List<String> sim(Path dir) {
    return List.of(Example.projectRoot().resolve("bin/rpm-ostree-sim").toString(), "--state-dir", dir.toString());
  }

  @BeforeEach
  void init() throws Exception {
    ref1 = "ostree-unverified-registry:" + v1.byDigest();
    ref2 = "ostree-unverified-registry:" + v2.byDigest();
    cli = new RpmOstreeCli(sim(dir), Duration.ofSeconds(60));
    Process p = new ProcessBuilder(concat(sim(dir), "sim-init", ref1)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  static List<String> concat(List<String> a, String... b) {
    List<String> all = new java.util.ArrayList<>(a);
    all.addAll(List.of(b));
    return all;
  }

  ObservedHost host() throws Exception {
    return RpmOstreeStatusParser.parse(cli.status(), "sim");
  }

  List<String> log() throws Exception {
    return Files.readAllLines(dir.resolve("commands.log"));
  }

  @Test
  void safeForms_stackIntoOneLockedDeployment_andSkipWhatRpmOstreeWouldRefuse() throws Exception {
    assertThat(cli.kargs()).contains("rw", "quiet").noneMatch(k -> k.startsWith("ostree="));

    assertThat(cli.rebase(ref2, List.of("htop"), List.of("fish"))).isTrue(); // fish is not requested: dropped
    assertThat(cli.rebase(ref2, List.of("htop", "tmux"), List.of())).isTrue(); // same ref: only the install
    assertThat(cli.install(List.of("htop", "tmux"))).isFalse(); // exit 77
    assertThat(cli.uninstall(List.of("fish"))).isFalse();
    assertThat(cli.removeBasePackages(List.of("nano"))).isTrue();
    assertThat(cli.removeBasePackages(List.of("nano"))).isFalse();
    assertThat(cli.setKargs(List.of("mitigations=off", "quiet"), List.of("rhgb"))).isTrue();
    assertThat(cli.setKargs(List.of("mitigations=off"), List.of("rhgb"))).isFalse();
    assertThat(cli.setKargs(List.of("mitigations=auto"), List.of())).isTrue(); // another value of a present key
    assertThat(cli.kargs()).contains("mitigations=off", "mitigations=auto").doesNotContain("rhgb");
    assertThat(cli.revertQueuedRollback()).isFalse(); // staged: rollback would refuse, and it toggles

    ObservedHost staged = host();
    assertThat(staged.staged().downloadOnly()).as("finalization-locked").isTrue();
    assertThat(staged.staged().image().imageDigest()).isEqualTo(v2.digest());
    assertThat(staged.staged().layering().packages()).containsExactly("htop", "tmux");
    assertThat(staged.staged().layering().baseRemovals()).containsExactly("nano");
    assertThat(log()).filteredOn(l -> l.startsWith("rebase")).containsExactly(
        "rebase --lock-finalization --install htop " + ref2);
    assertThat(log()).filteredOn(l -> l.startsWith("override")).hasSize(1);
    assertThat(log()).noneMatch(l -> l.startsWith("rollback"));
    assertThat(log()).filteredOn(l -> !l.startsWith("sim-")).allMatch(l -> l.contains("--lock-finalization"));

    String boot = Files.readString(dir.resolve("boot_id"));
    assertThat(cli.finalizeStaged()).isEqualTo(v2.digest());
    assertThat(Files.readString(dir.resolve("boot_id"))).isNotEqualTo(boot);
    ObservedHost after = host();
    assertThat(after.booted().image().imageDigest()).isEqualTo(v2.digest());
    assertThat(after.booted().layering().packages()).containsExactly("htop", "tmux");
    assertThat(after.staged()).isNull();
    assertThat(cli.kargs()).contains("mitigations=off");
  }

  @Test
  void cleanupAndRollback_onlyWhenThereIsSomethingToUndo() throws Exception {
    assertThat(cli.cleanupPending()).isFalse();
    cli.rebase(ref2, List.of(), List.of());
    assertThat(cli.cleanupPending()).isTrue();
    assertThat(host().staged()).isNull();
    assertThat(cli.revertQueuedRollback()).isFalse(); // none queued
    assertThat(log()).noneMatch(l -> l.startsWith("rollback")).filteredOn(l -> l.startsWith("cleanup")).hasSize(1);

    cli.rebase(ref2, List.of(), List.of());
    cli.finalizeStaged();
    Process p = new ProcessBuilder(concat(sim(dir), "rollback")).start(); // someone queues a rollback
    assertThat(p.waitFor()).isZero();
    assertThat(host().rollbackQueued()).isTrue();
    assertThat(cli.revertQueuedRollback()).isTrue();
    assertThat(host().rollbackQueued()).isFalse();
  }

  @Test
  void errors_areOneLine_withTheCommandAndRpmOstreesMessage() throws Exception {
    assertThatThrownBy(() -> cli.finalizeStaged()).isInstanceOf(HostException.class)
        .hasMessageContaining("nothing is staged");
    Process p = new ProcessBuilder(concat(sim(dir), "sim-register-driver", "Zincati", "zincati.service")).start();
    assertThat(p.waitFor()).isZero();
    assertThatThrownBy(() -> cli.rebase(ref2, List.of(), List.of())).isInstanceOf(HostException.class)
        .hasMessage("rpm-ostree rebase --lock-finalization " + ref2 + ": exit 1: error: Updates and deployments are"
            + " driven by Zincati (zincati.service)");

    HostException missing = org.junit.jupiter.api.Assertions.assertThrows(HostException.class,
        () -> new RpmOstreeCli(List.of(dir.resolve("no-such-rpm-ostree").toString()), Duration.ofSeconds(5)).status());
    assertThat(missing.cannotStart()).isTrue();
    assertThat(missing.getMessage()).startsWith("rpm-ostree status --json: cannot start ").doesNotContain("\n");
  }

  @Test
  void slowCall_isStoppedAtTheTimeout() throws Exception {
    Process p = new ProcessBuilder(concat(sim(dir), "sim-fault", "slow-download", "--seconds", "30")).start();
    assertThat(p.waitFor()).isZero();
    RpmOstreeCli impatient = new RpmOstreeCli(sim(dir), Duration.ofSeconds(4));
    assertThatThrownBy(() -> impatient.rebase(ref2, List.of(), List.of())).hasMessage("rpm-ostree rebase"
        + " --lock-finalization " + ref2 + ": timed out after 4 s (stopped it)");
    assertThat(host().staged()).isNull();
  }
}
