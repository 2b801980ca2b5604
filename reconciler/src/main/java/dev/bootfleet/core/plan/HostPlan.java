package dev.bootfleet.core.plan;

import dev.bootfleet.core.status.PlanStatus;

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
    String desiredImage, String bootedImage) {
  public HostPlan {
    if (reason == null || reason.contains("\n")) {
      throw new IllegalArgumentException("reason must be one line");
    }
    actions = List.copyOf(actions);
    notes = List.copyOf(notes);
  }

  public boolean has(Class<? extends Action> type) {
    return actions.stream().anyMatch(type::isInstance);
  }
}
