package dev.bootfleet.app.agent;

import dev.bootfleet.core.agent.MaintenanceWindows;
import dev.bootfleet.core.port.RebootCoordinator;
import java.time.Instant;

/**
 * When the agent may reboot: inside a maintenance window (none configured: any time), and then only
 * with a slot from the reboot coordinator (a FleetLock server, when one is configured). The slot is
 * asked for last, so a host outside its window never holds one.
 */
final class RebootPolicy {
  private final MaintenanceWindows windows;
  private final RebootCoordinator coordinator;

  RebootPolicy(MaintenanceWindows windows, RebootCoordinator coordinator) {
    this.windows = windows;
    this.coordinator = coordinator;
  }

  boolean coordinates() {
    return coordinator.coordinates();
  }

  RebootCoordinator.Answer decide(Instant now) {
    if (!windows.isOpen(now)) {
      return new RebootCoordinator.Denied("outside the maintenance windows; the next opens at "
          + windows.nextOpening(now).map(Instant::toString).orElse("(never)"));
    }
    return coordinator.acquire();
  }

  /** Right before the reboot: null when the slot is still the host's, else why not (it is gone). */
  String confirm() {
    return coordinator.confirm();
  }

  /** Reports steady state (gives back any slot); null on success, else why not. */
  String release() {
    return coordinator.release();
  }
}
