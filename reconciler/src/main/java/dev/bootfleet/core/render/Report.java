package dev.bootfleet.core.render;

import dev.bootfleet.core.status.SyncStatus;
import dev.bootfleet.core.status.PlanStatus;

import dev.bootfleet.core.plan.HostPlan;

import dev.bootfleet.core.plan.Plan;
import java.util.List;

/**
 * What is rendered: a whole plan, or a drift report (the same plan, showing only the hosts that differ
 * from Git). Every renderer reads one of these.
 */
public record Report(Plan plan, Kind kind) {
  public enum Kind { PLAN, DRIFT }

  public static Report plan(Plan plan) {
    return new Report(plan, Kind.PLAN);
  }

  public static Report drift(Plan plan) {
    return new Report(plan, Kind.DRIFT);
  }

  /** The hosts shown: all of them in a plan, the ones that differ in a drift report. */
  public List<HostPlan> hosts() {
    return kind == Kind.PLAN ? plan.hosts() : plan.hosts().stream().filter(h -> h.status().differs()).toList();
  }

  /** The closing line: the plan summary, or {@code Drift: 3 of 8 hosts differ from Git (...)}. */
  public String summaryLine() {
    if (kind == Kind.PLAN) {
      return plan.summary().line(plan.mode());
    }
    var s = plan.summary();
    int differ = s.drifted() + s.held() + s.unknown();
    int total = plan.hosts().size();
    String line = "Drift: " + differ + " of " + total + (total == 1 ? " host differs" : " hosts differ")
        + " from Git (" + s.drifted() + " drifted, " + s.held() + " held, " + s.unknown() + " unknown)";
    if (!plan.unmanagedHosts().isEmpty()) {
      line += ", " + plan.unmanagedHosts().size() + " unmanaged";
    }
    return line;
  }

  /** {@code write-file x2, flatpak x4, rebase, finalize}: action types in order, repeats counted. */
  static String actionList(HostPlan h) {
    if (h.actions().isEmpty()) {
      return "-";
    }
    StringBuilder b = new StringBuilder();
    String last = null;
    int n = 0;
    for (var a : h.actions()) {
      // Flatpak changes are many small live steps: one "flatpak xN" entry keeps the table readable.
      String type = a.isFlatpak() ? "flatpak" : a.type();
      if (type.equals(last)) {
        n++;
        continue;
      }
      if (last != null) {
        b.append(n > 1 ? " x" + n : "").append(", ");
      }
      b.append(type);
      last = type;
      n = 1;
    }
    return b.append(n > 1 ? " x" + n : "").toString();
  }

  static boolean isFailure(PlanStatus s) {
    return s == SyncStatus.DRIFTED || s == SyncStatus.HELD;
  }
}
