package dev.bootfleet.adapters.fleetlock;

import dev.bootfleet.core.port.RebootCoordinator;
import dev.bootfleet.core.text.Text;
import java.io.IOException;

/** A FleetLock server as the {@link RebootCoordinator}: a slot is its semaphore, taken and given back. */
public final class FleetLockCoordinator implements RebootCoordinator {
  private final FleetLockClient lock;

  public FleetLockCoordinator(FleetLockClient lock) {
    this.lock = lock;
  }

  @Override
  public Answer acquire() {
    try {
      FleetLockClient.Answer a = lock.preReboot();
      return a.ok() ? new Granted(true)
          : new Denied("FleetLock " + lock.describe() + " gave no reboot slot: " + a.describe());
    } catch (IOException e) {
      return new Denied(unreachable(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Denied("interrupted while asking FleetLock");
    }
  }

  @Override
  public String release() {
    try {
      FleetLockClient.Answer a = lock.steadyState();
      return a.ok() ? null : "FleetLock steady-state refused: " + a.describe();
    } catch (IOException e) {
      return unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while telling FleetLock";
    }
  }

  @Override
  public boolean coordinates() {
    return true;
  }

  private String unreachable(IOException e) {
    return "FleetLock " + lock.describe() + " cannot be reached: " + Text.oneLine(String.valueOf(e.getMessage()),
        e.getClass().getSimpleName());
  }
}
