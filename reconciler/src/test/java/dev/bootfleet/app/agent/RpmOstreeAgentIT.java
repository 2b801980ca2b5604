package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.bootfleet.adapters.fs.ObservedDir;
import dev.bootfleet.app.cli.Main;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.testing.FlatpakRepo;
import dev.bootfleet.testing.FleetLockServer;
import dev.bootfleet.testing.RegistryServer;
import dev.bootfleet.testing.TestImages;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent on an rpm-ostree host end to end: a real registry, a real Git fleet repository, the
 * rpm-ostree simulator through bin/rpm-ostree-sim and no bootc (so the agent detects rpm-ostree). A
 * Silverblue-like host gets its image rebased, packages layered and removed and kernel arguments set in
 * one staged deployment, applied by one finalize-deployment inside the window; every fault ends in the
 * right report and never in a loop; a registered Zincati holds the host with the fix.
 */
class RpmOstreeAgentIT {
  static RegistryServer registry;
  static TestImages.Image v1;
  static TestImages.Image v2;
  static TestImages.Image v3;

  @TempDir
  Path tmp;

  @BeforeAll
  static void registry() throws Exception {
    registry = RegistryServer.start();
    TestImages images = new TestImages(registry);
    v1 = images.push("fleet/silverblue", "42.1");
    v2 = images.push("fleet/silverblue", "42.2");
    v3 = images.push("fleet/silverblue", "42.3");
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  static String ref(TestImages.Image i) {
    return "ostree-unverified-registry:" + i.byDigest();
  }

  static String spec(TestImages.Image image, String more) {
    return """
        image:
          ref: %s
        etc:
          - path: /etc/motd
            content: "hello\\n"
        %s""".formatted(image.pinned(), more);
  }

  static final String DESKTOP = """
      packages:
        install: [htop, zsh]
        remove: [firefox]
      kargs:
        append: [mitigations=off]
        delete: [rhgb]
      """;

  AgentWorld world(TestImages.Image booted, String spec, String reboot) throws Exception {
    AgentWorld w = AgentWorld.rpmOstree(tmp);
    w.rpm.ok("sim-init", ref(booted));
    w.commitSpec(spec);
    return w.start(reboot, "");
  }

  long finalizes(AgentWorld w) throws Exception {
    return w.commands("finalize-deployment");
  }

  @Test
  void desktopHost_rebasePackagesAndKargs_inOneStagedDeployment_oneFinalizeInTheWindow() throws Exception {
    try (FleetLockServer lock = FleetLockServer.start(1)) {
      AgentWorld w = AgentWorld.rpmOstree(tmp.resolve("desk"));
      w.rpm.ok("sim-init", ref(v1));
      w.commitSpec(spec(v2, DESKTOP));
      w.start(AgentWorld.MONDAY_WINDOW + """
          fleetLock:
            url: %s
            group: desktops
          """.formatted(lock.baseUri()), "");

      CycleReport staged = w.cycle();
      assertThat(staged.driver()).isEqualTo("rpm-ostree");
      assertThat(staged.status()).as(staged.reason()).isEqualTo("drifted");
      assertThat(staged.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result).containsExactly(
          tuple("write-file", "done"), tuple("rebase", "done"), tuple("remove-packages", "done"),
          tuple("set-kargs", "done"), tuple("finalize", "waiting"));
      assertThat(staged.reboot()).startsWith("waiting: outside the maintenance windows");
      ObservedHost h = w.host();
      assertThat(h.staged().downloadOnly()).as("finalization-locked").isTrue();
      assertThat(h.staged().image().imageDigest()).isEqualTo(v2.digest());
      assertThat(h.staged().layering().packages()).containsExactly("htop", "zsh");
      assertThat(h.staged().layering().baseRemovals()).containsExactly("firefox");
      assertThat(w.rpm.ok("kargs")).contains("mitigations=off").doesNotContain("rhgb");
      JsonNode etc = JsonMapper.shared().readTree(w.reports.resolve("web-01.etc.json").toFile());
      assertThat(etc.path("kargs").toString()).contains("mitigations=off").doesNotContain("ostree=");

      CycleReport waiting = w.cycle(); // nothing new to stage: one deployment, waiting for the window
      assertThat(waiting.steps()).extracting(CycleReport.Step::type).containsExactly("finalize");
      assertThat(w.commands("rebase")).isEqualTo(1);
      assertThat(finalizes(w)).isZero();

      w.clock.set(Instant.parse("2026-11-30T02:10:00Z")); // Monday, inside the window
      CycleReport reboot = w.cycle();
      assertThat(reboot.reboot()).isEqualTo("requested");
      assertThat(lock.holders("desktops")).containsExactly("web-01");
      assertThat(finalizes(w)).isEqualTo(1);
      assertThat(Files.readAllLines(w.simDir.resolve("commands.log"))).filteredOn(l -> l.startsWith("finalize"))
          .containsExactly("finalize-deployment --allow-unlocked " + v2.digest());

      CycleReport after = w.cycle();
      assertThat(after.bootOutcome()).isEqualTo("converged");
      assertThat(after.status()).as(after.reason()).isEqualTo("in-sync");
      assertThat(lock.holders("desktops")).isEmpty();
      ObservedHost booted = w.host();
      assertThat(booted.booted().image().imageDigest()).isEqualTo(v2.digest());
      assertThat(booted.booted().layering().packages()).containsExactly("htop", "zsh");
      assertThat(w.commands("sim-reboot")).isZero(); // only finalize-deployment rebooted it
      assertThat(Files.readAllLines(w.simDir.resolve("commands.log"))).noneMatch(l -> l.contains("--bypass-driver"))
          .filteredOn(l -> l.startsWith("rebase") || l.startsWith("override") || l.startsWith("kargs --"))
          .allMatch(l -> l.contains("--lock-finalization"));

      // The reports are what `bootfleet drift --observed` reads, and it agrees.
      ObservedDir.Result seen = ObservedDir.read(w.reports);
      assertThat(seen.problems()).isEmpty();
      assertThat(seen.observations().get("web-01").etc().kargs()).contains("mitigations=off");
      assertThat(Main.run("drift", "--repo", w.repo.toString(), "--observed", w.reports.toString(),
          "--detailed-exitcode")).isZero();
      JsonNode agent = JsonMapper.shared().readTree(w.reports.resolve("web-01.agent.json").toFile());
      assertThat(agent.path("driver").asString()).isEqualTo("rpm-ostree");
      assertThat(agent.path("driverDetection").asString()).contains("bootc is not installed");
      w.close();
    }
  }

  /**
   * The end-to-end case: real Git, a real registry, real Flatpak (a user installation fed from a
   * file:// repository built on the spot) and the rpm-ostree simulator. The OS part (rebase, packages,
   * kargs) waits for one finalize in the window; the Flatpaks install at once, and a later pin moves
   * live, with no reboot.
   */
  @Test
  void desktopHost_flatpaksApplyLive_theOsPartWithOneFinalize() throws Exception {
    try (FlatpakRepo apps = FlatpakRepo.create()) {
      String editor1 = apps.app("org.bootfleet.Editor");
      String editor2 = apps.app("org.bootfleet.Editor");
      apps.app("org.bootfleet.Viewer");
      // A .flatpakrepo file, as signed remotes are added (Flathub's); without GPGKey for the test repo.
      String repoFile = apps.repoFileUrl();
      String flatpaks = """
          flatpak:
            remotes:
              - name: test
                url: %s
                installation: user
            apps:
              - id: org.bootfleet.Editor
                remote: test
                installation: user
                commit: %s
              - id: org.bootfleet.Viewer
                remote: test
                installation: user
          """;
      AgentWorld w = AgentWorld.rpmOstree(tmp.resolve("desk"));
      w.rpm.ok("sim-init", ref(v1));
      w.commitSpec(spec(v2, DESKTOP + flatpaks.formatted(repoFile, editor1)));
      List<String> flatpak = new ArrayList<>(List.of("/usr/bin/env"));
      apps.env().forEach((k, v) -> flatpak.add(k + "=" + v));
      flatpak.add(FlatpakRepo.binary().toString());
      w.start(AgentWorld.MONDAY_WINDOW, "flatpak: [" + String.join(", ", flatpak) + "]");

      CycleReport first = w.cycle();
      assertThat(first.problems()).isEmpty();
      assertThat(first.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result).containsExactly(
          tuple("write-file", "done"), tuple("flatpak-remote-add", "done"), tuple("flatpak-install", "done"),
          tuple("flatpak-install", "done"), tuple("rebase", "done"), tuple("remove-packages", "done"),
          tuple("set-kargs", "done"), tuple("finalize", "waiting"));
      assertThat(apps.flatpak("info", "--user", "--show-commit", apps.ref("org.bootfleet.Editor")).strip())
          .as("the pinned commit, not the newest").isEqualTo(editor1);
      assertThat(apps.flatpak("list", "--user", "--app", "--columns=application")).contains("org.bootfleet.Viewer");
      JsonNode report = JsonMapper.shared().readTree(w.reports.resolve("web-01.etc.json").toFile());
      assertThat(report.path("flatpak").path("apps").toString()).contains(editor1, "org.bootfleet.Viewer");
      assertThat(finalizes(w)).isZero();

      CycleReport second = w.cycle(); // the apps are in place: only the OS part waits
      assertThat(second.steps()).extracting(CycleReport.Step::type).containsExactly("finalize");

      w.clock.set(Instant.parse("2026-11-30T02:10:00Z")); // Monday, inside the window
      assertThat(w.cycle().reboot()).isEqualTo("requested");
      CycleReport after = w.cycle();
      assertThat(after.bootOutcome()).isEqualTo("converged");
      assertThat(after.status()).as(after.reason()).isEqualTo("in-sync");
      assertThat(finalizes(w)).as("one reboot for the OS part").isEqualTo(1);
      assertThat(Main.run("drift", "--repo", w.repo.toString(), "--observed", w.reports.toString(),
          "--detailed-exitcode")).isZero();

      // Git moves the pin: a live update, no stage, no reboot.
      w.commitSpec(spec(v2, DESKTOP + flatpaks.formatted(repoFile, editor2)));
      assertThat(Main.run("drift", "--repo", w.repo.toString(), "--observed", w.reports.toString(),
          "--detailed-exitcode")).as("drift shows Flatpak drift").isEqualTo(2);
      CycleReport moved = w.cycle();
      assertThat(moved.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
          .containsExactly(tuple("flatpak-update", "done"));
      assertThat(moved.steps().get(0).detail()).contains(editor2);
      assertThat(moved.status()).as(moved.reason()).isEqualTo("in-sync");
      assertThat(apps.flatpak("info", "--user", "--show-commit", apps.ref("org.bootfleet.Editor")).strip())
          .isEqualTo(editor2);
      assertThat(finalizes(w)).isEqualTo(1);
      assertThat(w.commands("rebase")).isEqualTo(1);

      // Git drops the pin: the app is unmasked and follows its branch again; then nothing more to do.
      String unpinnedSpec = (DESKTOP + flatpaks.formatted(repoFile, editor2)).lines()
          .filter(l -> !l.strip().equals("commit: " + editor2)).collect(java.util.stream.Collectors.joining("\n", "", "\n"));
      w.commitSpec(spec(v2, unpinnedSpec));
      CycleReport unpinned = w.cycle();
      assertThat(unpinned.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
          .containsExactly(tuple("flatpak-update", "done"));
      assertThat(unpinned.steps().get(0).detail()).contains("unpinned");
      assertThat(apps.flatpak("mask", "--user")).doesNotContain("org.bootfleet.Editor");
      assertThat(w.cycle().steps()).isEmpty();
      w.close();
    }
  }

  @Test
  void lostFinalization_ofAPackageChange_isRetriedThenHeld_neverALoop() throws Exception {
    try (AgentWorld w = world(v1, spec(v1, ""), "")) {
      assertThat(w.cycle().status()).isEqualTo("in-sync");
      w.commitSpec(spec(v1, "packages: {install: [htop]}")); // same image: only the deployment tells
      w.rpm.ok("sim-fault", "lose-staged", "--times", "100");

      List<String> outcomes = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        CycleReport r = w.cycle();
        outcomes.add(r.bootOutcome() + "/" + r.status());
      }
      assertThat(outcomes).containsExactly("null/drifted", "staged-update-lost/drifted",
          "staged-update-lost/drifted", "staged-update-lost/held", "null/held", "null/held");
      assertThat(finalizes(w)).isEqualTo(3);
      assertThat(w.commands("install")).isEqualTo(3);
      assertThat(w.state().record.hold().outcome()).isEqualTo("staged-update-lost");
    }
  }

  @Test
  void bootloaderFallback_isHeld() throws Exception {
    try (AgentWorld w = world(v1, spec(v2, ""), "")) {
      w.rpm.ok("sim-fault", "bootloader-fallback");
      assertThat(w.cycle().reboot()).isEqualTo("requested");

      CycleReport r = w.cycle();
      assertThat(r.bootOutcome()).isEqualTo("bootloader-fallback");
      assertThat(r.status()).isEqualTo("held");
      assertThat(w.cycle().status()).isEqualTo("held");
      assertThat(finalizes(w)).isEqualTo(1);
      assertThat(w.commands("rebase")).isEqualTo(1);
      // The failed deployment was first in boot order again; one rollback keeps the fallback, never a second.
      assertThat(w.commands("rollback")).isEqualTo(1);
      assertThat(r.steps()).extracting(CycleReport.Step::type).contains("keep-fallback");

      w.rpm.ok("sim-reboot"); // a reboot the agent did not plan
      CycleReport after = w.cycle();
      assertThat(w.host().booted().image().imageDigest()).as("still on the image it fell back to")
          .isEqualTo(v1.digest());
      assertThat(after.status()).isEqualTo("held");
      assertThat(after.hold()).isNotNull();
      assertThat(w.commands("rollback")).isEqualTo(1);
    }
  }

  @Test
  void explicitRollback_isHeld_untilGitNamesAnotherImage() throws Exception {
    try (AgentWorld w = world(v1, spec(v2, ""), "")) {
      w.rpm.ok("sim-fault", "explicit-rollback");
      w.cycle();

      CycleReport r = w.cycle();
      assertThat(r.bootOutcome()).isEqualTo("explicit-rollback");
      assertThat(r.status()).isEqualTo("held");
      assertThat(w.commands("rebase")).isEqualTo(1);

      w.commitSpec(spec(v3, ""));
      CycleReport next = w.cycle();
      assertThat(next.notes()).anyMatch(n -> n.contains("ends: Git names"));
      assertThat(w.cycle().bootOutcome()).isEqualTo("converged");
      assertThat(w.host().booted().image().imageDigest()).isEqualTo(v3.digest());
    }
  }

  @Test
  void aRebootTheAgentDidNotAskFor_dropsTheLockedDeployment_whichIsStagedAgain() throws Exception {
    try (AgentWorld w = world(v1, spec(v2, ""), AgentWorld.MONDAY_WINDOW)) {
      w.cycle();
      w.rpm.ok("sim-reboot"); // someone reboots the host outside the window

      CycleReport r = w.cycle();
      assertThat(r.bootOutcome()).isEqualTo("staged-entry-discarded");
      assertThat(r.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
          .contains(tuple("rebase", "done"), tuple("finalize", "waiting"));
      assertThat(w.host().booted().image().imageDigest()).isEqualTo(v1.digest());
      assertThat(w.host().staged().image().imageDigest()).isEqualTo(v2.digest());
    }
  }

  @Test
  void zincatiRegistered_holdsTheHostWithTheFix_andChangesNothing() throws Exception {
    try (AgentWorld w = world(v1, spec(v2, "packages: {install: [htop]}"), "")) {
      w.rpm.ok("sim-register-driver", "Zincati", "zincati.service");

      CycleReport r = w.cycle();
      assertThat(r.status()).isEqualTo("held");
      assertThat(r.reason()).contains("Zincati (zincati.service)").contains("90-disable-auto-updates.toml");
      assertThat(w.file("/etc/motd")).isEqualTo("hello\n"); // /etc is still applied
      assertThat(Files.readAllLines(w.simDir.resolve("commands.log")))
          .noneMatch(l -> l.startsWith("rebase") || l.startsWith("install") || l.startsWith("kargs --")
              || l.startsWith("finalize"));
    }
  }

  /** What the server serves once it rejected {@code rejected}: the kept image, and the digest to roll back from. */
  static dev.bootfleet.core.port.DesiredStateSource.Rollout rejected(TestImages.Image rejected) {
    return new dev.bootfleet.core.port.DesiredStateSource.Rollout(false, "DigestRejected", "rejected",
        rejected.digest(), false);
  }

  static final dev.bootfleet.core.port.DesiredStateSource.Rollout GO =
      new dev.bootfleet.core.port.DesiredStateSource.Rollout(true, null, null, null, false);

  @Test
  void rejectedDigest_rpmOstreeRollbackOnce_andAPlainRebootIntoThePreviousDeployment() throws Exception {
    java.util.concurrent.atomic.AtomicReference<dev.bootfleet.core.port.DesiredStateSource.Rollout> part =
        new java.util.concurrent.atomic.AtomicReference<>(GO);
    AgentWorld w = AgentWorld.rpmOstree(tmp);
    w.rpm.ok("sim-init", ref(v1));
    w.commitSpec(spec(v2, ""));
    w.startWithRollout("", part::get);
    w.cycle();
    assertThat(w.cycle().bootOutcome()).isEqualTo("converged");
    assertThat(w.host().booted().image().imageDigest()).isEqualTo(v2.digest());

    w.commitSpec(spec(v1, "")); // the server serves the image the host kept, and says roll back from v2
    part.set(rejected(v2));
    CycleReport r = w.cycle();
    assertThat(r.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
        .containsExactly(tuple("rollback", "done"), tuple("reboot", "requested"));
    assertThat(w.host().booted().image().imageDigest()).isEqualTo(v1.digest());

    CycleReport after = w.cycle();
    assertThat(after.bootOutcome()).isEqualTo("converged");
    assertThat(after.status()).as(after.reason()).isEqualTo("in-sync");
    w.cycle();
    assertThat(w.commands("rollback")).isEqualTo(1);
    assertThat(w.commands("rebase")).as("only the update to v2").isEqualTo(1);
    assertThat(w.commands("sim-reboot")).as("the plain reboot into the rollback").isEqualTo(1);
  }

  @Test
  void rejectedDigest_withADeploymentStaged_cleansItUp_rollsBackOnce_andWaitsForTheWindow() throws Exception {
    java.util.concurrent.atomic.AtomicReference<dev.bootfleet.core.port.DesiredStateSource.Rollout> part =
        new java.util.concurrent.atomic.AtomicReference<>(GO);
    AgentWorld w = AgentWorld.rpmOstree(tmp);
    w.rpm.ok("sim-init", ref(v1));
    w.commitSpec(spec(v2, ""));
    w.startWithRollout(AgentWorld.MONDAY_WINDOW, part::get);
    w.clock.set(Instant.parse("2026-11-30T02:10:00Z")); // inside Monday's window
    w.cycle();
    assertThat(w.cycle().bootOutcome()).isEqualTo("converged");
    w.clock.set(Instant.parse("2026-11-30T03:30:00Z")); // the window closed
    w.rpm.ok("install", "--lock-finalization", "htop"); // a deployment staged by hand: rollback would refuse

    w.commitSpec(spec(v1, ""));
    part.set(rejected(v2));
    CycleReport first = w.cycle();
    assertThat(first.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
        .containsExactly(tuple("cancel-staged", "done"), tuple("rollback", "done"),
            tuple("reboot", "waiting"));
    assertThat(w.host().rollbackQueued()).isTrue();
    CycleReport second = w.cycle();
    assertThat(second.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
        .containsExactly(tuple("reboot", "waiting"));
    assertThat(w.commands("rollback")).as("rollback toggles: once").isEqualTo(1);
    assertThat(w.commands("cleanup")).isEqualTo(1);
    assertThat(w.host().booted().image().imageDigest()).isEqualTo(v2.digest());

    w.clock.set(Instant.parse("2026-12-07T02:05:00Z")); // the next Monday's window
    assertThat(w.cycle().reboot()).isEqualTo("requested");
    assertThat(w.host().booted().image().imageDigest()).isEqualTo(v1.digest());
    assertThat(w.cycle().status()).isEqualTo("in-sync");
    assertThat(w.commands("rollback")).isEqualTo(1);
  }
}
