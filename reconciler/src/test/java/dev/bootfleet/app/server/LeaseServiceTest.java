package dev.bootfleet.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.adapters.http.RebootLocks;
import dev.bootfleet.adapters.store.SqlFleetStore;
import dev.bootfleet.core.rollout.Decision;
import dev.bootfleet.testing.MutableClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease service on a real embedded store: a rollout that governs the host answers 423 through
 * FleetLockGate and takes no slot; a host no rollout governs gets the slots alone.
 */
class LeaseServiceTest {
  static final Instant NOW = Instant.parse("2026-11-30T02:10:00Z");

  @TempDir
  Path data;

  static Decision rollout(Decision.Phase phase, Decision.HostPhase host) {
    return new Decision(phase, List.of(), List.of(), List.of(), List.of(), List.of(), null, List.of(),
        Map.of("web-01", host));
  }

  static String body(String id) {
    return "{\"client_params\": {\"id\": \"" + id + "\", \"group\": \"web\"}}";
  }

  @Test
  void aGoverningRollout_answers423_andTakesNoSlot_whileOtherHostsGetSlots() {
    List<String> log = new ArrayList<>();
    try (SqlFleetStore store = SqlFleetStore.embedded(data)) {
      LeaseService s = new LeaseService(store, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(15), Map.of(), 1,
          new ServerMetrics(), log::add);
      Map<String, LeaseService.Gate> gates = new java.util.HashMap<>();
      s.rollouts((host, now) -> gates.get(host));

      gates.put("web-01", new LeaseService.Gate(rollout(Decision.Phase.PROGRESSING, Decision.HostPhase.STAGED), false));
      RebootLocks.Answer window = s.preReboot("web-01", "true", body("web-01"));
      gates.put("web-01", new LeaseService.Gate(rollout(Decision.Phase.PAUSED, Decision.HostPhase.STAGED), true));
      RebootLocks.Answer paused = s.preReboot("web-01", "true", body("web-01"));

      assertThat(window.status()).isEqualTo(423);
      assertThat(window.json()).startsWith("{\"kind\":\"outside_maintenance_window\",");
      assertThat(paused.status()).isEqualTo(423);
      assertThat(paused.json()).startsWith("{\"kind\":\"rollout_not_ready\",");
      assertThat(store.leases().held()).isEmpty();

      gates.put("web-02", LeaseService.Gate.STARTING);
      RebootLocks.Answer starting = s.preReboot("web-02", "true", body("web-02"));
      assertThat(starting.status()).as("no revision served since the start: no slot for anyone").isEqualTo(423);
      assertThat(starting.json()).startsWith("{\"kind\":\"rollout_not_ready\",").contains("served no revision");
      assertThat(store.leases().held()).isEmpty();
      gates.remove("web-02");

      RebootLocks.Answer other = s.preReboot("web-02", "true", body("web-02"));
      assertThat(other.status()).isEqualTo(200);
      assertThat(other.json()).contains("\"token\":1", "\"expiresAt\":\"2026-11-30T02:25:00Z\"");

      gates.put("web-01", new LeaseService.Gate(rollout(Decision.Phase.PROGRESSING, Decision.HostPhase.REBOOTING), true));
      RebootLocks.Answer full = s.preReboot("web-01", "true", body("web-01"));
      assertThat(full.status()).as("its turn, but web-02 holds the only slot").isEqualTo(409);
      assertThat(s.held()).containsExactly(Map.entry("web", 1));
      assertThat(log).singleElement().asString().contains("reboot lease 1 of group web to host web-02")
          .doesNotContain("bfh_");
    }
  }

  @Test
  void beforeTheFirstRevisionIsServed_theFleetsGateSaysStarting() {
    try (SqlFleetStore store = SqlFleetStore.embedded(data)) {
      FleetService fleet = new FleetService(store, null, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5),
          new ServerMetrics(), l -> { });
      assertThat(fleet.rolloutGate("web-01", NOW)).isSameAs(LeaseService.Gate.STARTING);
    }
  }

  @Test
  void leaseEvents_grantedRegrantedFreedExpiredAndFenced_eachOnceInTheTimeline() {
    try (SqlFleetStore store = SqlFleetStore.embedded(data)) {
      store.recordRevision(new dev.bootfleet.core.port.FleetStore.Revision("main@sha1:abc", "served", List.of(), NOW));
      MutableClock clock = new MutableClock(NOW);
      LeaseService s = new LeaseService(store, clock, Duration.ofMinutes(15), Map.of(), 1, new ServerMetrics(), l -> { });

      assertThat(s.preReboot("web-01", "true", body("web-01")).status()).isEqualTo(200); // token 1
      assertThat(s.preReboot("web-01", "true", body("web-01")).status()).isEqualTo(200); // kept: nothing new
      clock.now = NOW.plus(Duration.ofMinutes(20)); // web-01's lease expired
      assertThat(s.preReboot("web-01", "true", body("web-01")).status()).isEqualTo(200); // token 2, anew
      assertThat(s.heartbeat("web-01", "true", body("web-01").replace("}}", "}, \"token\": 1}")).status())
          .isEqualTo(409);
      assertThat(s.steadyState("web-01", "true", body("web-01")).status()).isEqualTo(200);
      assertThat(s.preReboot("web-02", "true", body("web-02")).status()).isEqualTo(200); // token 3
      clock.now = clock.now.plus(Duration.ofMinutes(20));
      assertThat(s.preReboot("web-03", "true", body("web-03")).status()).isEqualTo(200); // web-02's expired

      assertThat(types(store, "web-01")).containsExactly("lease-granted", "lease-regranted", "lease-fenced",
          "lease-freed");
      assertThat(types(store, "web-02")).containsExactly("lease-granted", "lease-expired");
      assertThat(types(store, "web-03")).containsExactly("lease-granted");
      assertThat(store.events("web-01", 10)).allSatisfy(e -> assertThat(e.revision()).isEqualTo("main@sha1:abc"));
      assertThat(store.events("web-01", 10).get(2).message()).contains("its lease 1 had expired at 2026-11-30T02:25:00Z");
    }
  }

  static List<String> types(SqlFleetStore store, String host) {
    return store.events(host, 20).reversed().stream().map(dev.bootfleet.core.port.FleetStore.Event::type).toList();
  }

}
