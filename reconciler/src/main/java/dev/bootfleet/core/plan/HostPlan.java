package dev.bootfleet.core.plan;

import dev.bootfleet.core.status.PlanStatus;

import dev.bootfleet.core.status.Condition;
import dev.bootfleet.core.status.Reason;
import dev.bootfleet.core.status.SyncStatus;
import java.util.List;

/**
 * The plan for one host.
 *
 * @param reason one line saying why the host has this status
 * @param actions what to do, in order
 * @param notes things worth knowing that need no action (no /etc report, a /usr overlay, ...)
 * @param desiredImage the image Git names (for a removed host in a change plan: the old one)
 * @param bootedImage the image the host runs (change plans: the base revision's image), or null
 */
public record HostPlan(String name, PlanStatus status, String reason, List<Action> actions, List<String> notes,
    String desiredImage, String bootedImage, Reason why) {
  public HostPlan {
    if (reason == null || reason.contains("\n")) {
      throw new IllegalArgumentException("reason must be one line");
    }
    actions = List.copyOf(actions);
    notes = List.copyOf(notes);
    if (why == null && status instanceof SyncStatus s) {
      why = defaultReason(s, actions);
    }
    if (why != null && why.status() != status) {
      throw new IllegalArgumentException(why + " is not a reason for a " + status + " host");
    }
  }

  /** A plan whose condition reason follows from its status and actions. */
  public HostPlan(String name, PlanStatus status, String reason, List<Action> actions, List<String> notes,
      String desiredImage, String bootedImage) {
    this(name, status, reason, actions, notes, desiredImage, bootedImage, null);
  }

  private static Reason defaultReason(SyncStatus s, List<Action> actions) {
    return switch (s) {
      case IN_SYNC -> Reason.RECONCILIATION_SUCCEEDED;
      case HELD -> Reason.UPDATE_BLOCKED;
      case UNKNOWN -> Reason.NO_OBSERVED_STATE;
      case DRIFTED -> actions.stream().anyMatch(a -> a instanceof Action.Stage || a instanceof Action.Rebase
          || a instanceof Action.Deploy)
          ? Reason.STAGE_PENDING : actions.stream().allMatch(a -> a instanceof Action.Reboot
              || a instanceof Action.Finalize || a instanceof Action.UnlockStaged)
          ? Reason.REBOOT_PENDING : Reason.DRIFT_DETECTED;
    };
  }

  /** The host's Ready, Reconciling and Stalled conditions; none for a change plan. */
  public List<Condition> conditions() {
    return why == null ? List.of() : Condition.of(why, reason);
  }

  public boolean has(Class<? extends Action> type) {
    return actions.stream().anyMatch(type::isInstance);
  }
}
