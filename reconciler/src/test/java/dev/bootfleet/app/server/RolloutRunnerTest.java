package dev.bootfleet.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.adapters.store.SqlFleetStore;
import dev.bootfleet.core.rollout.FleetLockGate;
import dev.bootfleet.core.rollout.FleetLockWire;
import dev.bootfleet.core.rollout.RebootLeases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollout runner's lease gate before its first decision (a server just restarted from its store). */
class RolloutRunnerTest {
  @TempDir
  Path data;

  @Test
  void gate_beforeTheFirstDecision_letsNoHostReboot() {
    try (SqlFleetStore store = SqlFleetStore.embedded(data)) {
      RolloutRunner runner = new RolloutRunner(store);
      runner.load();

      LeaseService.Gate gate = runner.gate("web-01", Instant.EPOCH);

      assertThat(gate).isNotNull();
      FleetLockGate.Answer a = FleetLockGate.preReboot(FleetLockWire.read("true",
          "{\"client_params\": {\"id\": \"web-01\", \"group\": \"default\"}}"), "web-01", gate.decision(), gate.windowOpen(),
          new RebootLeases(Duration.ofMinutes(10), Map.of(), 1, Map.of(), 0), Instant.EPOCH);
      assertThat(a.status()).isEqualTo(423);
      assertThat(a.error().kind()).isEqualTo("rollout_not_ready");
    }
  }
}
