package dev.bootfleet.core.plan;

import dev.bootfleet.core.status.SyncStatus;
import dev.bootfleet.core.status.ChangeKind;
import dev.bootfleet.core.status.PlanStatus;

import java.util.List;

/** Counts over a plan, and the one-line Terraform-style summary. */
public record Summary(int toStage, int toReboot, int etcChanges, int kargsChanges, int packageChanges,
    int flatpakChanges, int inSync, int drifted, int held, int unknown, int added, int removed, int changed,
    int unchanged) {

  static Summary of(List<HostPlan> hosts) {
    int stage = 0, reboot = 0, etc = 0, kargs = 0, packages = 0, flatpaks = 0;
    java.util.Map<PlanStatus, Integer> by = new java.util.HashMap<>();
    for (HostPlan h : hosts) {
      by.merge(h.status(), 1, Integer::sum);
      if (h.has(Action.Stage.class) || h.has(Action.Rebase.class) || h.has(Action.Deploy.class)) {
        stage++;
      }
      if (h.has(Action.Reboot.class) || h.has(Action.Finalize.class)) { // a host that stages then reboots: both
        reboot++;
      }
      for (Action a : h.actions()) {
        if (a instanceof Action.WriteFile || a instanceof Action.RemoveFile) {
          etc++;
        } else if (a instanceof Action.SetKargs) {
          kargs++;
        } else if (a instanceof Action.InstallPackages || a instanceof Action.RemovePackages) {
          packages++;
        } else if (a instanceof Action.Rebase r && !(r.install().isEmpty() && r.uninstall().isEmpty())) {
          packages++;
        } else if (a instanceof Action.Deploy d && !(d.install().isEmpty() && d.uninstall().isEmpty())) {
          packages++;
        } else if (a.isFlatpak()) {
          flatpaks++;
        }
      }
    }
    return new Summary(stage, reboot, etc, kargs, packages, flatpaks, by.getOrDefault(SyncStatus.IN_SYNC, 0),
        by.getOrDefault(SyncStatus.DRIFTED, 0), by.getOrDefault(SyncStatus.HELD, 0),
        by.getOrDefault(SyncStatus.UNKNOWN, 0), by.getOrDefault(ChangeKind.ADDED, 0),
        by.getOrDefault(ChangeKind.REMOVED, 0), by.getOrDefault(ChangeKind.CHANGED, 0),
        by.getOrDefault(ChangeKind.UNCHANGED, 0));
  }

  /**
   * {@code Plan: 3 to stage, 1 to reboot, 2 /etc changes, 5 in sync, 1 held, 0 unknown}; kargs, package
   * and Flatpak changes appear only when there are some. A rebase counts as a stage, a finalize as a
   * reboot; a host that stages and then reboots counts under both.
   */
  public String line(Plan.Mode mode) {
    StringBuilder b = new StringBuilder("Plan: ").append(toStage).append(" to stage, ");
    if (mode == Plan.Mode.OBSERVED) {
      b.append(toReboot).append(" to reboot, ");
    }
    b.append(etcChanges).append(" /etc ").append(etcChanges == 1 ? "change" : "changes");
    if (kargsChanges > 0) {
      b.append(", ").append(kargsChanges).append(" kargs ").append(kargsChanges == 1 ? "change" : "changes");
    }
    if (packageChanges > 0) {
      b.append(", ").append(packageChanges).append(" package ").append(packageChanges == 1 ? "change" : "changes");
    }
    if (flatpakChanges > 0) {
      b.append(", ").append(flatpakChanges).append(" Flatpak ").append(flatpakChanges == 1 ? "change" : "changes");
    }
    if (mode == Plan.Mode.OBSERVED) {
      b.append(", ").append(inSync).append(" in sync, ").append(held).append(" held, ")
          .append(unknown).append(" unknown");
    } else {
      b.append(", ").append(added).append(" added, ").append(removed).append(" removed, ")
          .append(changed).append(" changed, ").append(unchanged).append(" unchanged");
    }
    return b.toString();
  }
}
