package dev.bootfleet.adapters.http;

/**
 * What the FleetLock routes ask of the server (implemented in {@code app.server}): the reboot leases
 * (ADR 0021). The HTTP side reads the protocol header and at most a capped body, and names the caller
 * its credential authenticates (null when none does); the answer is the status and the JSON body to send.
 */
public interface RebootLocks {
  /** An answer: 200 with the lease, or a FleetLock error {@code {"kind", "value"}}. */
  record Answer(int status, String json) {}

  /** {@code POST /v1/pre-reboot}: takes (or keeps) a reboot slot. */
  Answer preReboot(String caller, String protocolHeader, String body);

  /** {@code POST /v1/steady-state}: gives the slot back. */
  Answer steadyState(String caller, String protocolHeader, String body);

  /** {@code POST /v1/reboot-lease/heartbeat}: keeps a lease alive, or says it is fenced. */
  Answer heartbeat(String caller, String protocolHeader, String body);
}
