package dev.bootfleet.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.adapters.store.SqlFleetStore;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.port.FleetStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What {@code GET /v1/rollouts/{id}} shows of a run: its windows described, its hosts counted per wave. */
class RolloutRunnerShowTest {
  /** A Monday: 02:30 UTC is 03:30 in Berlin (UTC+1 in March before the DST change). */
  static final Instant MONDAY = Instant.parse("2026-03-02T02:30:00Z");

  @TempDir
  Path tmp;

  private ObjectNode shown(String spec, Instant now, List<FleetStore.Lease> leases) throws Exception {
    Fleet f = RolloutRunnerTest.ringed(tmp.resolve("repo"), List.of("c1", "w1", "w2"), """
          waves:
            - {name: canary, selector: {matchLabels: {ring: canary}}}
          maxUnavailable: 3
        """ + spec);
    try (SqlFleetStore store = SqlFleetStore.embedded(tmp.resolve("store"))) {
      if (!leases.isEmpty()) {
        store.changeLeases(l -> new FleetStore.LeaseChange<>(new FleetStore.Leases(leases, 9), null));
      }
      RolloutRunner runner = new RolloutRunner(store);
      runner.fleet(f);
      Map<String, FleetStore.StoredReport> reports = new HashMap<>();
      Map<String, ObservedHost> observed = new HashMap<>();
      RolloutRunnerTest.reportOld(List.of("c1", "w1", "w2"), now, reports, observed);
      runner.decide(f, reports::get, observed::get, now, true, null);
      return runner.show("os", 10, now);
    }
  }

  @Test
  void show_describesEachWindow_openNowOrWhenItNextOpens() throws Exception {
    ObjectNode r = shown("""
          windows:
            time_zone: Europe/Berlin
            weekly: [{days: [Wed, Mon], start_time: "02:00", length_minutes: 240}]
            cron: [{schedule: "0 0 3 ? * SAT", duration: 2h}]
        """, MONDAY, List.of());

    JsonNode w = r.get("windows");
    assertThat(w.isArray()).as("windows is a list: %s", w).isTrue();
    assertThat(w).hasSize(2);
    JsonNode weekly = w.get(0);
    assertThat(weekly.get("form").asString()).isEqualTo("weekly");
    assertThat(weekly.get("days").toString()).isEqualTo("[\"Mon\",\"Wed\"]");
    assertThat(weekly.get("start_time").asString()).isEqualTo("02:00");
    assertThat(weekly.get("length_minutes").asInt()).isEqualTo(240);
    assertThat(weekly.get("time_zone").asString()).isEqualTo("Europe/Berlin");
    assertThat(weekly.get("open").asBoolean()).as("03:30 in Berlin on a Monday: %s", weekly).isTrue();
    assertThat(weekly.get("nextOpensAt").isNull()).isTrue();
    JsonNode cron = w.get(1);
    assertThat(cron.get("form").asString()).isEqualTo("cron");
    assertThat(cron.get("expression").asString()).isEqualTo("0 0 3 ? * SAT");
    assertThat(cron.get("duration").asString()).isEqualTo("2h");
    assertThat(cron.get("zone").asString()).isEqualTo("Europe/Berlin");
    assertThat(cron.get("open").asBoolean()).isFalse();
    assertThat(cron.get("nextOpensAt").asString()).as("Saturday 03:00 in Berlin").isEqualTo("2026-03-07T02:00:00Z");
  }

  @Test
  void show_closedWeeklyWindow_givesItsNextOpening_inUtcWhenTheZoneIsTheHosts() throws Exception {
    ObjectNode r = shown("""
          windows:
            time_zone: host
            weekly: [{days: [Tue], start_time: "22:15", length_minutes: 30}]
        """, MONDAY, List.of());

    JsonNode weekly = r.get("windows").get(0);
    assertThat(weekly.get("time_zone").asString()).isEqualTo("host");
    assertThat(weekly.get("evaluatedIn").asString()).isEqualTo("UTC");
    assertThat(weekly.get("open").asBoolean()).isFalse();
    assertThat(weekly.get("nextOpensAt").asString()).isEqualTo("2026-03-03T22:15:00Z");
  }

  @Test
  void show_countsHostsHoldingALiveLease_asLeased_apartFromRebooted() throws Exception {
    List<FleetStore.Lease> leases = List.of(
        new FleetStore.Lease("w1", "default", 8, MONDAY.minusSeconds(60), MONDAY.plusSeconds(240)),
        new FleetStore.Lease("w2", "default", 9, MONDAY.minusSeconds(600), MONDAY.minusSeconds(1))); // expired
    ObjectNode r = shown("", MONDAY, leases);

    JsonNode rest = r.get("waves").get(1);
    assertThat(rest.get("name").asString()).isEqualTo("rest");
    JsonNode c = rest.get("counts");
    assertThat(c.get("leased").asInt()).as("w1 holds a live lease, w2's expired: %s", c).isEqualTo(1);
    assertThat(c.get("rebooted").asInt()).isZero();
    int total = 0;
    for (var e : c.properties()) {
      total += e.getValue().asInt();
    }
    assertThat(total).as("each host counted once: %s", c).isEqualTo(rest.get("hosts").asInt());
    assertThat(r.get("waves").get(0).get("counts").get("leased").asInt()).isZero();
  }

  @Test
  void show_noWindows_isAnEmptyList() throws Exception {
    assertThat(shown("", MONDAY, List.of()).get("windows").toString()).isEqualTo("[]");
  }
}
