package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.adapters.fs.ObservedDir;
import dev.bootfleet.app.cli.Main;
import dev.bootfleet.testing.BootcSchema;
import dev.bootfleet.testing.Example;
import dev.bootfleet.testing.FleetLockServer;
import dev.bootfleet.testing.RegistryServer;
import dev.bootfleet.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent end to end: a real registry (docker-registry), a real Git repository, the bootc simulator
 * through bin/bootc-sim (the built jar), and a FleetLock server. A commit bumps a digest, the agent
 * stages, the window opens, the host reboots and reports in sync; each fault gives the right report and
 * no loop.
 */
class AgentIT {
  static RegistryServer registry;
  static TestImages images;
  static TestImages.Image v1;
  static TestImages.Image v2;
  static TestImages.Image v3;

  @TempDir
  Path tmp;

  @BeforeAll
  static void registry() throws Exception {
    registry = RegistryServer.start();
    images = new TestImages(registry);
    v1 = images.push("fleet/web-os", "42.1");
    v2 = images.push("fleet/web-os", "42.2");
    v3 = images.push("fleet/web-os", "42.3");
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  AgentWorld world(String reboot) throws Exception {
    AgentWorld w = new AgentWorld(tmp);
    assertThat(w.sim.run("init", v1.byDigest()).exit()).isZero();
    w.commit(v1.pinned(), "hello v1");
    return w.start(reboot, "");
  }

  static final String ANY_TIME = "";

  @Test
  void commitBumpsDigest_agentStages_windowOpens_hostRebootsAndReportsInSync() throws Exception {
    try (FleetLockServer lock = FleetLockServer.start(1); AgentWorld w = new AgentWorld(tmp)) {
      w.sim.run("init", v1.byDigest());
      w.commit(v1.pinned(), "hello v1");
      w.start(AgentWorld.MONDAY_WINDOW + """
          fleetLock:
            url: %s
            group: web
          """.formatted(lock.baseUri()), "");

      CycleReport first = w.cycle();
      assertThat(first.status()).isEqualTo("in-sync");
      assertThat(w.file("/etc/motd")).isEqualTo("hello v1\n");
      assertThat(lock.requests()).containsExactly("steady-state web-01"); // Zincati's unlock at start

      w.commit(v2.pinned(), "hello v2");
      CycleReport staged = w.cycle();
      assertThat(staged.status()).isEqualTo("drifted");
      assertThat(staged.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
          .contains(org.assertj.core.groups.Tuple.tuple("stage", "done"),
              org.assertj.core.groups.Tuple.tuple("lock-staged", "done"),
              org.assertj.core.groups.Tuple.tuple("reboot", "waiting"));
      assertThat(staged.reboot()).startsWith("waiting: outside the maintenance windows; the next opens at"
          + " 2026-11-30T02:00:00Z");
      assertThat(w.file("/etc/motd")).isEqualTo("hello v2\n"); // files are live at once
      assertThat(w.host().staged().downloadOnly()).isTrue();
      assertThat(w.host().staged().image().imageDigest()).isEqualTo(v2.digest());

      CycleReport again = w.cycle(); // still outside: nothing new, no second switch
      assertThat(again.reboot()).startsWith("waiting: outside");
      assertThat(w.commands("switch")).isEqualTo(1);
      assertThat(lock.holders("web")).isEmpty();

      w.clock.set(Instant.parse("2026-11-30T02:10:00Z")); // Monday, inside the window
      lock.hold("web", "web-02"); // another host has the group's only slot
      CycleReport denied = w.cycle();
      assertThat(denied.reboot()).startsWith("waiting: FleetLock " + lock.baseUri() + " (group web, id web-01) gave no"
          + " reboot slot: 500 failed_lock: semaphore full");
      assertThat(w.reboots()).isZero();
      assertThat(w.host().staged().downloadOnly()).as("still locked").isTrue();
      lock.release("web", "web-02");

      CycleReport reboot = w.cycle();
      assertThat(reboot.reboot()).isEqualTo("requested");
      assertThat(lock.holders("web")).containsExactly("web-01");
      assertThat(w.reboots()).isEqualTo(1);
      assertThat(w.booted()).isEqualTo(v2.byDigest());

      CycleReport after = w.cycle();
      assertThat(after.bootOutcome()).isEqualTo("converged");
      assertThat(after.status()).isEqualTo("in-sync");
      assertThat(lock.holders("web")).isEmpty();
      assertThat(lock.requests()).containsSubsequence("pre-reboot web-01", "steady-state web-01");
      assertThat(w.commands("switch --apply")).isZero();
      assertThat(Files.readAllLines(w.simDir.resolve("commands.log"))).noneMatch(l -> l.contains("--apply"));

      // The reports are what `bootfleet drift --observed` reads, and it agrees.
      String status = Files.readString(w.reports.resolve("web-01.json"));
      assertThat(BootcSchema.errors(status)).isEmpty();
      ObservedDir.Result seen = ObservedDir.read(w.reports);
      assertThat(seen.problems()).isEmpty();
      assertThat(seen.observations()).containsOnlyKeys("web-01");
      assertThat(seen.observations().get("web-01").etc().files()).extracting(f -> f.path())
          .containsExactly("/etc/bootfleet-demo/secret.conf", "/etc/motd");
      assertThat(seen.observations().get("web-01").etc().files().get(0).content()).isNull(); // 0600: no content
      assertThat(Main.run("drift", "--repo", w.repo.toString(), "--observed", w.reports.toString(),
          "--detailed-exitcode")).isZero();
      JsonNode agentReport = JsonMapper.shared().readTree(w.reports.resolve("web-01.agent.json").toFile());
      assertThat(agentReport.path("boot").path("outcome").asString()).isEqualTo("converged");
      assertThat(agentReport.toString()).doesNotContain("s3cr3t");
    }
  }

  @Test
  void agentReport_carriesTheCyclesOwnDuration() throws Exception {
    try (AgentWorld w = world(ANY_TIME)) {
      long t0 = System.nanoTime();
      CycleReport r = w.cycle();
      long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.status()).isEqualTo("in-sync");
      JsonNode report = JsonMapper.shared().readTree(w.reports.resolve("web-01.agent.json").toFile());
      assertThat(report.has("durationMs")).as(report.toString()).isTrue();
      assertThat(report.path("durationMs").isIntegralNumber()).as(report.toString()).isTrue();
      long ms = report.path("durationMs").asLong();
      assertThat(ms).isEqualTo(r.durationMs());
      // Measured inside the cycle (System.nanoTime): never more than the time around the call.
      assertThat(ms).isNotNegative().isLessThanOrEqualTo(elapsedMs);
    }
  }

  @Test
  void aCycle_removesTheTemporaryStateFilesAKilledAgentLeft() throws Exception {
    try (AgentWorld w = world(ANY_TIME)) {
      w.cycle();
      Path left = w.stateDir.resolve(".state.json.bootfleet-0123456789abcdef.tmp");
      Files.writeString(left, "{\"apiVersion\": \"bootfleet.dev/v1alpha1\", \"ki");
      Path mine = w.stateDir.resolve("notes.tmp"); // not a name bootfleet writes: kept
      Files.writeString(mine, "an operator's file");
      CycleReport r = w.cycle();
      assertThat(left).doesNotExist();
      assertThat(mine).exists();
      assertThat(r.notes()).contains("removed 1 temporary state file(s) left by an interrupted write");
      assertThat(r.status()).isEqualTo("in-sync");
    }
  }

  @Test
  void failingSwitch_isReported_thenTheNextCycleStages() throws Exception {
    try (AgentWorld w = world(ANY_TIME)) {
      w.cycle();
      w.commit(v2.pinned(), "v2");
      w.sim.run("fault", "switch-fails");

      CycleReport failed = w.cycle();
      assertThat(failed.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("write-file", "done"),
              org.assertj.core.groups.Tuple.tuple("stage", "failed"));
      assertThat(failed.problems()).singleElement().asString().startsWith("bootc switch --quiet --transport registry "
          + v2.byDigest() + ": exit 1: error: Switching: Pulling: Importing: (simulated fault)");
      assertThat(w.reboots()).isZero();

      CycleReport ok = w.cycle();
      assertThat(ok.reboot()).isEqualTo("requested");
      assertThat(w.cycle().status()).isEqualTo("in-sync");
      assertThat(w.booted()).isEqualTo(v2.byDigest());
    }
  }

  @Test
  void lostStagedUpdate_isRetried_thenHeldAfterThreeBoots_neverALoop() throws Exception {
    try (AgentWorld w = world(ANY_TIME)) {
      w.commit(v2.pinned(), "v2");
      w.sim.run("fault", "lose-staged", "--times", "100");

      List<String> outcomes = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        CycleReport r = w.cycle();
        outcomes.add(r.bootOutcome() + "/" + r.status());
      }
      assertThat(outcomes).containsExactly("null/drifted", "staged-update-lost/drifted", "staged-update-lost/drifted",
          "staged-update-lost/held", "null/held", "null/held", "null/held");
      assertThat(w.reboots()).isEqualTo(3);
      assertThat(w.commands("switch")).isEqualTo(3);
      assertThat(w.state().record.hold().outcome()).isEqualTo("staged-update-lost");

      w.commit(v3.pinned(), "v3"); // Git names another digest: the hold ends
      w.sim.run("fault", "clear");
      CycleReport r = w.cycle();
      assertThat(r.notes()).anyMatch(n -> n.startsWith("the hold on " + v2.byDigest() + " ends: Git names"));
      assertThat(w.cycle().status()).isEqualTo("in-sync");
      assertThat(w.booted()).isEqualTo(v3.byDigest());
    }
  }

  @Test
  void bootloaderFallback_isReportedAndHeld() throws Exception {
    try (AgentWorld w = world(ANY_TIME)) {
      w.commit(v2.pinned(), "v2");
      w.sim.run("fault", "bootloader-fallback");
      w.cycle();

      CycleReport r = w.cycle();
      assertThat(r.bootOutcome()).isEqualTo("bootloader-fallback");
      assertThat(r.status()).isEqualTo("held");
      assertThat(r.reason()).contains("the bootloader fell back from " + v2.byDigest());
      for (int i = 0; i < 3; i++) {
        assertThat(w.cycle().status()).isEqualTo("held");
      }
      assertThat(w.reboots()).isEqualTo(1);
      assertThat(w.commands("switch")).isEqualTo(1);
    }
  }

  @Test
  void absentFileThatCannotBeRemoved_isNeverInSync() throws Exception {
    try (AgentWorld w = new AgentWorld(tmp)) {
      w.sim.run("init", v1.byDigest());
      w.commitSpec("""
          image:
            ref: %s
          etc:
            - path: /etc/motd
              state: absent
          """.formatted(v1.pinned()));
      Files.createDirectories(w.root.resolve("etc/motd")); // a folder where Git wants no file
      w.start(ANY_TIME, "");

      CycleReport r = w.cycle();
      assertThat(r.status()).isEqualTo("drifted");
      assertThat(r.why().id()).isEqualTo("ApplyFailed");
      assertThat(r.drift()).extracting(CycleReport.Drift::path).contains("/etc/motd");
      assertThat(r.problems()).anyMatch(p -> p.contains("/etc/motd"));
      assertThat(r.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
          .contains(org.assertj.core.groups.Tuple.tuple("remove-file", "refused"));
      assertThat(w.cycle().status()).isEqualTo("drifted");
      // The /etc report names the path, so drift over the reports says the host differs too.
      assertThat(ObservedDir.read(w.reports).observations().get("web-01").etc().notFiles())
          .extracting(n -> n.path()).containsExactly("/etc/motd");
      assertThat(Main.run("drift", "--repo", w.repo.toString(), "--observed", w.reports.toString(),
          "--detailed-exitcode")).isEqualTo(2);
    }
  }

  @Test
  void bootloaderFallback_sticks_untilAnOperatorClearsTheHold() throws Exception {
    try (AgentWorld w = world(ANY_TIME)) {
      w.commit(v2.pinned(), "v2");
      w.sim.run("fault", "bootloader-fallback");
      w.cycle();

      CycleReport r = w.cycle();
      assertThat(r.bootOutcome()).isEqualTo("bootloader-fallback");
      assertThat(r.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
          .contains(org.assertj.core.groups.Tuple.tuple("keep-fallback", "done"));
      assertThat(w.host().rollbackQueued()).as("the failed image is no longer queued").isFalse();

      w.sim.run("reboot"); // a reboot the agent did not plan
      CycleReport after = w.cycle();
      assertThat(w.booted()).as("still on the image it fell back to").isEqualTo(v1.byDigest());
      assertThat(after.status()).isEqualTo("held");
      assertThat(after.hold()).as("the report agrees with its status").isNotNull();
      assertThat(w.commands("rollback")).as("one rollback for the failure").isEqualTo(1);

      AgentCommand.ClearHold clear = new AgentCommand.ClearHold();
      assertThat(new picocli.CommandLine(clear).execute("--config", w.base.resolve("agent.yaml").toString())).isZero();
      CycleReport again = w.cycle();
      assertThat(again.status()).isNotEqualTo("held");
      assertThat(again.hold()).isNull();
      assertThat(again.steps()).extracting(CycleReport.Step::type).contains("stage", "reboot");
      assertThat(w.cycle().status()).isEqualTo("in-sync");
      assertThat(w.booted()).isEqualTo(v2.byDigest());
      assertThat(w.commands("rollback")).isEqualTo(1);
    }
  }

  @Test
  void explicitRollback_isHeld_etcIsReapplied_andAnOperatorCanClearIt() throws Exception {
    try (AgentWorld w = world(ANY_TIME)) {
      w.commit(v2.pinned(), "v2");
      w.sim.run("fault", "explicit-rollback");
      w.cycle();
      Files.writeString(w.root.resolve("etc/motd"), "the older deployment's motd\n"); // its own /etc came back

      CycleReport r = w.cycle();
      assertThat(r.bootOutcome()).isEqualTo("explicit-rollback");
      assertThat(r.status()).isEqualTo("held");
      assertThat(r.hold().reason()).contains("bootfleet agent clear-hold");
      assertThat(w.file("/etc/motd")).isEqualTo("v2\n");
      assertThat(r.drift()).extracting(CycleReport.Drift::path).containsExactly("/etc/motd");
      assertThat(w.cycle().status()).isEqualTo("held");
      assertThat(w.commands("switch")).isEqualTo(1);

      AgentCommand.ClearHold clear = new AgentCommand.ClearHold();
      assertThat(new picocli.CommandLine(clear).execute("--config", w.base.resolve("agent.yaml").toString())).isZero();
      CycleReport again = w.cycle();
      assertThat(again.steps()).extracting(CycleReport.Step::type).contains("stage", "reboot");
      CycleReport after = w.cycle();
      assertThat(after.bootOutcome()).isEqualTo("converged");
      assertThat(w.booted()).isEqualTo(v2.byDigest());
    }
  }

  @Test
  void gitRevert_toAnImageTheAgentLeftOnPurpose_switchesBack_notHeld() throws Exception {
    try (AgentWorld w = world(ANY_TIME)) {
      w.commit(v2.pinned(), "v2");
      w.cycle();
      assertThat(w.cycle().bootOutcome()).isEqualTo("converged");

      w.commit(v1.pinned(), "back to v1"); // booted v2, rollback v1: looks like a rollback, is a revert
      CycleReport r = w.cycle();
      assertThat(r.status()).isEqualTo("drifted");
      assertThat(r.reason()).contains("again (the agent left it on purpose");
      assertThat(w.cycle().bootOutcome()).isEqualTo("converged");
      assertThat(w.booted()).isEqualTo(v1.byDigest());
    }
  }

  @Test
  void slowDownload_isWaitedFor_orStoppedAtTheTimeout() throws Exception {
    try (AgentWorld w = new AgentWorld(tmp)) {
      w.sim.run("init", v1.byDigest());
      w.commit(v1.pinned(), "v1");
      // The simulator is a JVM: its own start-up counts against the timeout, so leave it room (a loaded
      // 2-core machine took over a second to start it).
      w.start(ANY_TIME, "bootcTimeout: 4");
      w.commit(v2.pinned(), "v2");
      w.sim.run("fault", "slow-download", "--seconds", "30");

      CycleReport timedOut = w.cycle();
      assertThat(timedOut.problems()).singleElement().asString().endsWith(": timed out after 4 s (stopped it)");
      assertThat(w.host().staged()).isNull();

      w.sim.run("fault", "slow-download", "--seconds", "1"); // within the timeout: the agent waits for it
      CycleReport ok = w.cycle();
      assertThat(ok.problems()).isEmpty();
      assertThat(ok.reboot()).isEqualTo("requested");
      assertThat(w.booted()).isEqualTo(v2.byDigest());
    }
  }

  @Test
  void launcher_runsOneCycle_andBadConfigIsOneLinePerProblem() throws Exception {
    try (AgentWorld w = world(ANY_TIME)) {
      Path bin = Example.projectRoot().resolve("bin/bootfleet");
      Process p = new ProcessBuilder(bin.toString(), "agent", "--once", "--config", w.base.resolve("agent.yaml")
          .toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains("bootfleet-agent: in-sync: booted the desired image");
      assertThat(out).containsPattern("bootfleet-agent: in-sync: booted the desired image.* \\(cycle \\d+ ms\\)\n");

      Path bad = w.base.resolve("bad.yaml");
      Files.writeString(bad, """
          host: Web_01
          fleet: {branch: main}
          interval: soon
          reboot:
            windows:
              - days: [Sonday]
                start: "25:00"
                lengthMinutes: 60
          """);
      Process q = new ProcessBuilder(bin.toString(), "agent", "--once", "--config", bad.toString()).start();
      String err = new String(q.getErrorStream().readAllBytes());
      assertThat(q.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(q.exitValue()).isEqualTo(1);
      assertThat(err.lines().toList()).containsExactly(
          bad + ":1:7: error: host: \"Web_01\" is not a host name (expected a DNS-1123 name such as web-01)",
          bad + ":2:8: error: fleet.url: is missing (expected the fleet repository's Git URL or path)",
          bad + ":3:11: error: interval: \"soon\" is not a whole number from 10 to 86400",
          bad + ":6:14: error: reboot.windows[0].days[0]: \"Sonday\" is not a day (expected Mon..Sun or Monday..Sunday)",
          bad + ":7:14: error: reboot.windows[0].start: \"25:00\" is not a time (expected hh:mm, 24 h, e.g. \"23:30\";"
              + " quote it)");
    }
  }
}
