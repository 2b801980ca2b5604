package dev.bootfleet.core.port;

/**
 * Who else must agree before a host reboots: a FleetLock server today ({@code
 * adapters.fleetlock.FleetLockCoordinator}), the reconciler server's reboot leases tomorrow. A slot is
 * taken before the reboot and given back once the host is in steady state again.
 */
public interface RebootCoordinator {
  /** No coordination: every reboot may go ahead, and no slot is ever held. */
  RebootCoordinator NONE = new RebootCoordinator() {
    @Override
    public Answer acquire() {
      return new Granted(false);
    }

    @Override
    public String release() {
      return null;
    }

    @Override
    public boolean coordinates() {
      return false;
    }
  };

  /** What the coordinator said to a reboot. */
  sealed interface Answer permits Granted, Denied {}

  /** Reboot now; {@code slotTaken} when a slot was taken for it (and must be given back). */
  record Granted(boolean slotTaken) implements Answer {}

  /** Not now, and why, in one line (an unreachable coordinator is a denial too). */
  record Denied(String why) implements Answer {}

  /** Asks for a reboot slot. Never throws: what goes wrong is a {@link Denied}. */
  Answer acquire();

  /**
   * Right before the reboot, after what the host did since {@link #acquire} (applying the staged image):
   * whether the slot is still this host's, renewing it for the reboot. Null: go ahead; else why not (one
   * line), and the slot is gone (a lease that expired and was fenced). Without leases, always null.
   */
  default String confirm() {
    return null;
  }

  /** Says the host is in steady state, giving back any slot: null when done, else why not (one line). */
  String release();

  /** Whether slots are taken at all (else {@link #release()} need never be called). */
  boolean coordinates();
}
