package dev.bootfleet.app.agent;

import dev.bootfleet.adapters.fleetlock.FleetLockClient;
import dev.bootfleet.core.agent.MaintenanceWindows;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.time.Instant;

/**
 * When the agent may reboot: inside a maintenance window (none configured: any time), and then only
 * with a FleetLock slot when a FleetLock server is configured. The slot is taken last, so a host
 * outside its window never holds one.
 */
final class RebootPolicy {
  private final MaintenanceWindows windows;
  private final FleetLockClient lock;

  RebootPolicy(MaintenanceWindows windows, FleetLockClient lock) {
    this.windows = windows;
    this.lock = lock;
  }

  sealed interface Decision {}

  /** Reboot now; {@code slotTaken} when a FleetLock slot was taken for it. */
  record Go(boolean slotTaken) implements Decision {}

  /** Not now, and why (one line). */
  record Wait(String why) implements Decision {}

  boolean usesFleetLock() {
    return lock != null;
  }

  Decision decide(Instant now) {
    if (!windows.isOpen(now)) {
      return new Wait("outside the maintenance windows; the next opens at "
          + windows.nextOpening(now).map(Instant::toString).orElse("(never)"));
    }
    if (lock == null) {
      return new Go(false);
    }
    try {
      FleetLockClient.Answer a = lock.preReboot();
      return a.ok() ? new Go(true) : new Wait("FleetLock " + lock.describe() + " gave no reboot slot: " + a.describe());
    } catch (IOException e) {
      return new Wait("FleetLock " + lock.describe() + " cannot be reached: " + Text.oneLine(String.valueOf(e.getMessage()),
          e.getClass().getSimpleName()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Wait("interrupted while asking FleetLock");
    }
  }

  /** Reports steady state (gives back any slot); null on success, else why not. */
  String release() {
    if (lock == null) {
      return null;
    }
    try {
      FleetLockClient.Answer a = lock.steadyState();
      return a.ok() ? null : "FleetLock steady-state refused: " + a.describe();
    } catch (IOException e) {
      return "FleetLock " + lock.describe() + " cannot be reached: " + Text.oneLine(String.valueOf(e.getMessage()),
          e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while telling FleetLock";
    }
  }
}
