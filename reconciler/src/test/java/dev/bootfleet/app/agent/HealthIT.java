package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.WebOsImages;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent's health checks end to end: a real registry, a real Git repository, the bootc simulator and a
 * systemctl script. The checks run only in the boot after a boot into a new deployment, and their answer
 * (with the failing check named) is in the agent report the server's health gate reads.
 */
class HealthIT {
  @RegisterExtension
  static final WebOsImages IMAGES = new WebOsImages();

  @TempDir
  Path tmp;

  private AgentWorld world(String extra) throws Exception {
    AgentWorld w = new AgentWorld(tmp);
    assertThat(w.sim.run("init", IMAGES.v1().byDigest()).exit()).isZero();
    w.commit(IMAGES.v1().pinned(), "hello v1");
    return w.start("", extra);
  }

  private JsonNode agentReport(AgentWorld w) throws Exception {
    return JsonMapper.shared().readTree(w.reports.resolve("web-01.agent.json").toFile());
  }

  @Test
  void afterTheBootIntoV2_aFailedUnitIsReported_thenHealthyOnceItRuns() throws Exception {
    FakeSystemctl sys = new FakeSystemctl(tmp.resolve("systemd"))
        .unit("boot-complete.target", "loaded", "active", "active")
        .unit("app.service", "loaded", "failed", "failed");
    try (AgentWorld w = world("health:\n  systemctl: " + sys.yaml() + "\n  units: [app.service]\n")) {
      CycleReport first = w.cycle();
      assertThat(first.status()).isEqualTo("in-sync");
      assertThat(first.health()).as("no new deployment booted yet: no checks").isNull();

      w.commit(IMAGES.v2().pinned(), "hello v2");
      CycleReport staged = w.cycle();
      assertThat(staged.reboot()).isEqualTo("requested");
      assertThat(staged.health()).isNull();

      CycleReport after = w.cycle();
      assertThat(after.bootOutcome()).isEqualTo("converged");
      assertThat(after.health()).isEqualTo("failed");
      assertThat(after.problems()).contains("health: failed: unit app.service: is failed/failed (expected active)");
      JsonNode rep = agentReport(w);
      assertThat(rep.path("health").asString()).isEqualTo("failed");
      assertThat(rep.path("healthChecks").toString()).contains("\"check\":\"unit app.service\",\"result\":\"failed\"");

      sys.unit("app.service", "loaded", "active", "running");
      CycleReport again = w.cycle(); // the same boot: checked again
      assertThat(again.health()).isEqualTo("healthy");
      assertThat(agentReport(w).path("health").asString()).isEqualTo("healthy");
    }
  }

  @Test
  void bootCompleteNotReached_isPending_notFailed() throws Exception {
    FakeSystemctl sys = new FakeSystemctl(tmp.resolve("systemd"))
        .unit("boot-complete.target", "loaded", "inactive", "dead")
        .unit("greenboot-healthcheck.service", "loaded", "activating", "start");
    try (AgentWorld w = world("health:\n  systemctl: " + sys.yaml() + "\n")) {
      w.cycle();
      w.commit(IMAGES.v2().pinned(), "hello v2");
      w.cycle();
      CycleReport after = w.cycle();
      assertThat(after.bootOutcome()).isEqualTo("converged");
      assertThat(after.health()).isEqualTo("pending");
      assertThat(after.problems()).isEmpty();
    }
  }

  @Test
  void withoutAHealthSection_theReportSaysNothingOfHealth() throws Exception {
    try (AgentWorld w = world("")) {
      w.cycle();
      w.commit(IMAGES.v2().pinned(), "hello v2");
      w.cycle();
      CycleReport after = w.cycle();
      assertThat(after.bootOutcome()).isEqualTo("converged");
      assertThat(after.health()).isNull();
      assertThat(agentReport(w).path("health").isNull()).isTrue();
    }
  }
}
