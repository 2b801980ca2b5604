package dev.bootfleet.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.status.Reason;
import dev.bootfleet.core.status.SyncStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
}
