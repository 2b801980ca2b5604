package dev.bootfleet.core.server;

import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.plan.Plan;
import dev.bootfleet.core.status.Reason;
import dev.bootfleet.core.status.SyncStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the server shows of a host: its plan, unless its reports stopped. A host silent for longer than
 * the stale limit is never shown as in sync: it is {@code unknown} ({@link Reason#NO_OBSERVED_STATE}),
 * saying when it last reported. Pure.
 */
public final class HostView {
  private HostView() {}

  /**
   * @param lastReport when the host last reported, or null when never
   */
  public static HostPlan shown(HostPlan plan, Instant lastReport, Instant now, Duration stale) {
    if (lastReport == null || !Duration.between(lastReport, now).minus(stale).isPositive()) {
      return plan;
    }
    String reason = "no report since " + lastReport + " (more than " + stale.toSeconds()
        + " s ago); the last one said: " + plan.status().id();
    return new HostPlan(plan.name(), SyncStatus.UNKNOWN, reason, List.of(), plan.notes(), plan.desiredImage(),
        plan.bootedImage(), Reason.NO_OBSERVED_STATE);
  }

  /**
   * A whole plan as the server shows it: each host through {@link #shown(HostPlan, Instant, Instant, Duration)}
   * with its own last report. {@code /v1/plan} and {@code /v1/drift} show it, and so does the CLI with
   * {@code --server}, where {@code now} is the server's time (a CI runner's clock may be off).
   *
   * @param lastReports when each host last reported (a host missing from it: never)
   */
  public static Plan shown(Plan plan, Map<String, Instant> lastReports, Instant now, Duration stale) {
    List<HostPlan> hosts = plan.hosts().stream()
        .map(h -> shown(h, lastReports.get(h.name()), now, stale)).toList();
    return new Plan(plan.mode(), plan.revision(), plan.baseRevision(), plan.generatedAt(), hosts,
        plan.unmanagedHosts());
  }
}
