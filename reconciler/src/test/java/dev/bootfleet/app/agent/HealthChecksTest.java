package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health checks against a systemctl script and real commands: each check can turn the answer. */
class HealthChecksTest {
  @TempDir
  Path tmp;

  private HealthChecks.Result run(FakeSystemctl sys, boolean greenboot, List<String> units, List<String> command,
      Duration timeout) {
    return new HealthChecks(new AgentConfig.Health(sys.command(), greenboot, true, units, command, timeout)).run();
  }

  @Test
  void allGood_isHealthy_greenbootAbsentIsNotACheck() throws Exception {
    FakeSystemctl sys = new FakeSystemctl(tmp).unit("boot-complete.target", "loaded", "active", "active")
        .unit("nginx.service", "loaded", "active", "running");
    HealthChecks.Result r = run(sys, true, List.of("nginx.service"), List.of("/bin/true"), Duration.ofSeconds(10));
    assertThat(r.health()).isEqualTo("healthy");
    assertThat(r.checks()).extracting(HealthChecks.Check::name)
        .containsExactly("boot-complete.target", "unit nginx.service", "command");
  }

  @Test
  void greenbootFailed_isFailed_andNamed() throws Exception {
    FakeSystemctl sys = new FakeSystemctl(tmp).unit("boot-complete.target", "loaded", "inactive", "dead")
        .unit("greenboot-healthcheck.service", "loaded", "failed", "failed");
    HealthChecks.Result r = run(sys, true, List.of(), List.of(), Duration.ofSeconds(10));
    assertThat(r.health()).isEqualTo("failed");
    assertThat(r.failing()).startsWith("greenboot: greenboot-healthcheck.service failed");
  }

  @Test
  void greenbootStillRunning_orBootNotComplete_isPending() throws Exception {
    FakeSystemctl sys = new FakeSystemctl(tmp).unit("boot-complete.target", "loaded", "inactive", "dead")
        .unit("greenboot-healthcheck.service", "loaded", "activating", "start");
    HealthChecks.Result r = run(sys, true, List.of(), List.of(), Duration.ofSeconds(10));
    assertThat(r.health()).isEqualTo("pending");
    sys.unit("greenboot-healthcheck.service", "loaded", "active", "exited")
        .unit("boot-complete.target", "loaded", "active", "active");
    assertThat(run(sys, true, List.of(), List.of(), Duration.ofSeconds(10)).health()).isEqualTo("healthy");
  }

  @Test
  void aUnitNotActive_orUnknown_isFailed() throws Exception {
    FakeSystemctl sys = new FakeSystemctl(tmp).unit("boot-complete.target", "loaded", "active", "active")
        .unit("nginx.service", "loaded", "failed", "failed");
    HealthChecks.Result r = run(sys, false, List.of("nginx.service", "db.service"), List.of(), Duration.ofSeconds(10));
    assertThat(r.health()).isEqualTo("failed");
    assertThat(r.failing()).isEqualTo("unit nginx.service: is failed/failed (expected active); unit db.service: is"
        + " not-found (expected a loaded unit)");
  }

  @Test
  void theCommand_exitNonZero_orTooSlow_isFailed() throws Exception {
    FakeSystemctl sys = new FakeSystemctl(tmp).unit("boot-complete.target", "loaded", "active", "active");
    Path check = tmp.resolve("check.sh");
    Files.writeString(check, "#!/bin/sh\necho 'port 443 closed' >&2\nexit 3\n");
    Files.setPosixFilePermissions(check, PosixFilePermissions.fromString("rwxr-xr-x"));
    HealthChecks.Result r = run(sys, false, List.of(), List.of(check.toString()), Duration.ofSeconds(10));
    assertThat(r.health()).isEqualTo("failed");
    assertThat(r.failing()).isEqualTo("command: health command exited 3: port 443 closed");

    HealthChecks.Result slow = run(sys, false, List.of(), List.of("/bin/sleep", "30"), Duration.ofSeconds(1));
    assertThat(slow.health()).isEqualTo("failed");
    assertThat(slow.failing()).isEqualTo("command: health command: timed out after 1 s (stopped it)");
  }

  @Test
  void systemctlMissing_isFailed_notAnException() {
    HealthChecks.Result r = new HealthChecks(new AgentConfig.Health(List.of(tmp.resolve("nope").toString()), true,
        true, List.of(), List.of(), Duration.ofSeconds(5))).run();
    assertThat(r.health()).isEqualTo("failed");
    assertThat(r.failing()).startsWith("systemd: systemctl show");
  }

  @Test
  void simulatedSystemd_answersGreenbootByTheBootedImage_andBootComplete() {
    AgentConfig.Health greenboot = new AgentConfig.Health(AgentConfig.Health.DEFAULT_SYSTEMCTL, true, true, List.of(),
        List.of(), Duration.ofSeconds(10));
    boolean[] passes = {true};
    HealthChecks checks = new HealthChecks(greenboot, SimulatedAgent.systemd(() -> passes[0]));
    HealthChecks.Result ok = checks.run();
    assertThat(ok.health()).isEqualTo("healthy");
    assertThat(ok.checks()).extracting(HealthChecks.Check::name).containsExactly("greenboot", "boot-complete.target");
    passes[0] = false;
    HealthChecks.Result bad = checks.run();
    assertThat(bad.health()).isEqualTo("failed");
    assertThat(bad.failing()).startsWith("greenboot: greenboot-healthcheck.service failed");
  }

  @Test
  void simulatedSystemd_knowsNoOtherUnit() {
    HealthChecks.Result r = new HealthChecks(new AgentConfig.Health(AgentConfig.Health.DEFAULT_SYSTEMCTL, false,
        false, List.of("nginx.service"), List.of(), Duration.ofSeconds(10)), SimulatedAgent.systemd(() -> true)).run();
    assertThat(r.failing()).isEqualTo("unit nginx.service: is not-found (expected a loaded unit)");
  }
}
