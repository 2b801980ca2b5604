package dev.bootfleet.core.rollout;

import dev.bootfleet.core.rollout.Decision.HostPhase;
import dev.bootfleet.core.rollout.FleetLockWire.ClientParams;
import dev.bootfleet.core.rollout.FleetLockWire.Kind;
import dev.bootfleet.core.rollout.FleetLockWire.Request;
import dev.bootfleet.core.rollout.RebootLeases.Full;
import dev.bootfleet.core.rollout.RebootLeases.Granted;
import dev.bootfleet.core.rollout.RebootLeases.Outcome;
import java.time.Instant;

/**
 * What a FleetLock request gets (ADR 0021), decided from the request, who sent it, the rollout's
 * decision for that moment and the leases: the server's handler reads the request, calls this, stores
 * the leases and writes the answer. Pure.
 *
 * <p>In order: a malformed request is 400 (every problem listed, the first one's kind); a caller
 * without the host's credential 401; an id other than the caller's own host 403. Then, for
 * {@code pre-reboot}: a host whose rollout does not let it reboot now 423 ({@code
 * outside_maintenance_window} when only the window stands in the way, else {@code rollout_not_ready});
 * a full group 409; else the lease, 200. For {@code steady-state}: the caller's lease goes back, 200,
 * held or not (UnlockIfHeld).
 */
public final class FleetLockGate {
  private FleetLockGate() {}

  /**
   * The answer: 200 with the lease ({@code error} null), or the error; {@code leases} to store either
   * way (expired leases dropped).
   */
  public record Answer(int status, FleetLockWire.Error error, RebootLeases.Lease lease, RebootLeases leases) {
    public boolean ok() {
      return status == 200;
    }
  }

  /**
   * @param caller the host the request's credential belongs to, or null when it carries none valid
   * @param rollout the rollout's decision at {@code now} for the caller's rollout, or null when no rollout
   *     governs the host (then only the leases decide)
   * @param windowOpen whether the caller's maintenance window is open now (true without windows, and for an urgent
   *     rollout): a host its rollout let reboot inside a window that has closed since waits for the next one
   */
  public static Answer preReboot(Request request, String caller, Decision rollout, boolean windowOpen,
      RebootLeases leases, Instant now) {
    return preReboot(request, caller, rollout, windowOpen, false, leases, now);
  }

  /**
   * As {@link #preReboot(Request, String, Decision, boolean, RebootLeases, Instant)}; with {@code starting}, the
   * server has not served a revision since it started, so it cannot tell whether a rollout governs the caller,
   * nor what one would say: no slot is given (423 {@code rollout_not_ready}; the caller asks again, as it does
   * after any refusal). A slot given then would let a governed host reboot outside its wave and window.
   */
  public static Answer preReboot(Request request, String caller, Decision rollout, boolean windowOpen,
      boolean starting, RebootLeases leases, Instant now) {
    Answer refused = identity(request, caller, leases, now);
    if (refused != null) {
      return refused;
    }
    ClientParams p = request.params();
    if (starting) {
      return refuse(Kind.ROLLOUT_NOT_READY, "the server has served no revision since it started, so it cannot tell"
          + " what the host's rollout allows; ask again", leases.expire(now));
    }
    if (rollout != null) {
      HostPhase phase = rollout.hosts().get(p.id());
      boolean allowed = phase == HostPhase.REBOOTING
          || rollout.reboot().stream().anyMatch(r -> r.host().equals(p.id()));
      if (allowed && !windowOpen) {
        // let reboot inside a window that has closed since (the decision may be a moment older than the request):
        // it waits for the next one; the lease is what the host reboots on
        return refuse(Kind.OUTSIDE_MAINTENANCE_WINDOW, "host " + p.id() + " may reboot inside its maintenance"
            + " window only", leases.expire(now));
      }
      if (!allowed) {
        boolean onlyTheWindow = phase == HostPhase.STAGED && !windowOpen && rollout.phase() == Decision.Phase.PROGRESSING;
        return refuse(onlyTheWindow ? Kind.OUTSIDE_MAINTENANCE_WINDOW : Kind.ROLLOUT_NOT_READY, onlyTheWindow
            ? "host " + p.id() + " may reboot inside its maintenance window only"
            : "the rollout does not let host " + p.id() + " reboot now (rollout " + word(rollout.phase())
                + ", host " + (phase == null ? "not in it" : word(phase)) + ")", leases.expire(now));
      }
    }
    Outcome o = leases.acquire(p.id(), p.group(), now);
    return switch (o) {
      case Granted g -> new Answer(200, null, g.lease(), g.leases());
      case Full f -> refuse(Kind.FAILED_LOCK_SEMAPHORE_FULL, "all " + f.holders().size() + " reboot slots of group "
          + p.group() + " are held", f.leases());
      default -> throw new IllegalStateException("acquire answered " + o);
    };
  }

  public static Answer steadyState(Request request, String caller, RebootLeases leases, Instant now) {
    return steadyState(request, caller, 0, leases, now);
  }

  /**
   * {@code steady-state}: the caller's lease goes back, 200, held or not (UnlockIfHeld). With a {@code
   * token} (bootfleet's agent; 0 for none, -1 for one that is not a positive integer: 400), a token that is
   * not the caller's live lease's is fenced: 409 {@code fenced_lease}, and nothing changes (the slot may be
   * another holder's by now).
   */
  public static Answer steadyState(Request request, String caller, long token, RebootLeases leases, Instant now) {
    Answer refused = identity(request, caller, leases, now);
    if (refused != null) {
      return refused;
    }
    if (token < 0) {
      return badToken(leases, now);
    }
    if (token != 0 && !leases.permits(request.params().id(), token, now)) {
      return fenced(request.params().id(), token, leases.expire(now));
    }
    return new Answer(200, null, null, leases.release(request.params().id(), now).leases());
  }

  /**
   * A heartbeat of bootfleet's agent: the lease {@code token} names kept for another TTL, 200 with it; a
   * token that is not the caller's live lease's (expired, released, replaced) is 409 {@code fenced_lease},
   * and its holder must not act on it. A heartbeat never takes a slot.
   */
  public static Answer heartbeat(Request request, String caller, long token, RebootLeases leases, Instant now) {
    Answer refused = identity(request, caller, leases, now);
    if (refused != null) {
      return refused;
    }
    if (token <= 0) {
      return badToken(leases, now);
    }
    Outcome o = leases.heartbeat(request.params().id(), token, now);
    return switch (o) {
      case RebootLeases.Renewed r -> new Answer(200, null, r.lease(), r.leases());
      case RebootLeases.Fenced f -> fenced(request.params().id(), token, f.leases());
      default -> throw new IllegalStateException("heartbeat answered " + o);
    };
  }

  private static Answer badToken(RebootLeases leases, Instant now) {
    return refuse(Kind.INVALID_CLIENT_PARAMS, "token: not a positive integer (expected the token the"
        + " pre-reboot answer gave)", leases.expire(now));
  }

  private static Answer fenced(String host, long token, RebootLeases leases) {
    return refuse(Kind.FENCED_LEASE, "lease token " + token + " is not host " + host + "'s live lease (it expired"
        + " or was replaced); take a new one with pre-reboot", leases);
  }

  private static Answer identity(Request request, String caller, RebootLeases leases, Instant now) {
    if (!request.ok()) {
      FleetLockWire.Error first = request.errors().get(0);
      String all = String.join("; ", request.errors().stream().map(FleetLockWire.Error::value).toList());
      return new Answer(first.status(), new FleetLockWire.Error(first.kind(), all, first.status()), null,
          leases.expire(now));
    }
    if (caller == null) {
      return refuse(Kind.UNAUTHORIZED, "a FleetLock caller authenticates as its host (the base URL's"
          + " user-info: host name and host token)", leases.expire(now));
    }
    if (!caller.equals(request.params().id())) {
      // The id the caller sent is not echoed: it may be any text, and a value is shown to people.
      return refuse(Kind.FORBIDDEN_CLIENT_ID, "client_params.id must be the authenticated host's name ("
          + caller + ")", leases.expire(now));
    }
    return null;
  }

  private static Answer refuse(Kind kind, String value, RebootLeases leases) {
    return new Answer(kind.status, FleetLockWire.Error.of(kind, value), null, leases);
  }

  private static String word(Enum<?> e) {
    return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
