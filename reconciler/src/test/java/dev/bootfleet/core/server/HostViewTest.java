package dev.bootfleet.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.status.Reason;
import dev.bootfleet.core.status.SyncStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import dev.bootfleet.core.plan.Plan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostViewTest {
  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  @ParameterizedTest(name = "reported {0} s ago -> {1}")
  @CsvSource({"0, in-sync", "900, in-sync", "901, unknown", "86400, unknown"})
  void shown_isUnknown_onlyWhenReportsStoppedLongerThanTheLimit(long ago, String status) {
    HostPlan inSync = new HostPlan("web-01", SyncStatus.IN_SYNC, "runs what Git names", List.of(), List.of(),
        "quay.io/x@sha256:" + "a".repeat(64), "quay.io/x@sha256:" + "a".repeat(64));
    HostPlan shown = HostView.shown(inSync, NOW.minusSeconds(ago), NOW, Duration.ofSeconds(900));
    assertThat(shown.status().id()).isEqualTo(status);
    if (status.equals("unknown")) {
      assertThat(shown.why()).isEqualTo(Reason.NO_OBSERVED_STATE);
      assertThat(shown.reason()).contains(NOW.minusSeconds(ago).toString());
      assertThat(shown.actions()).isEmpty();
    }
  }

  @Test
  void shownPlan_turnsOnlyTheSilentHostsUnknown_andKeepsTheRest() {
    String image = "quay.io/x@sha256:" + "a".repeat(64);
    HostPlan fresh = new HostPlan("web-01", SyncStatus.IN_SYNC, "runs what Git names", List.of(), List.of(), image, image);
    HostPlan silent = new HostPlan("web-02", SyncStatus.IN_SYNC, "runs what Git names", List.of(), List.of(), image, image);
    HostPlan never = new HostPlan("web-03", SyncStatus.UNKNOWN, "no status document", List.of(), List.of(), image, null);
    Plan plan = new Plan(Plan.Mode.OBSERVED, "main@sha1:x", null, NOW, List.of(fresh, silent, never), List.of("old-01"));
    Plan shown = HostView.shown(plan, Map.of("web-01", NOW.minusSeconds(10), "web-02", NOW.minusSeconds(3600)), NOW,
        Duration.ofSeconds(900));
    assertThat(shown.hosts()).extracting(h -> h.status().id()).containsExactly("in-sync", "unknown", "unknown");
    assertThat(shown.hosts().get(0)).isSameAs(fresh);
    assertThat(shown.hosts().get(2)).isSameAs(never);
    assertThat(shown.unmanagedHosts()).containsExactly("old-01");
    assertThat(shown.revision()).isEqualTo(plan.revision());
    assertThat(shown.generatedAt()).isEqualTo(NOW);
  }
}
