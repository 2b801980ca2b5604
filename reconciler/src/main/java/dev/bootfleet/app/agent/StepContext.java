package dev.bootfleet.app.agent;

import dev.bootfleet.core.lifecycle.HostLifecycle;
import dev.bootfleet.core.lifecycle.HostRecord;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.port.HostDriver;
import dev.bootfleet.core.port.HostPower;
import dev.bootfleet.core.port.RebootCoordinator;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;

/**
 * What one cycle's OS steps share: the host as it was observed, this boot, the record they change (saved
 * before each step that can end the boot), the report, and the reboot, which both drivers ask for the
 * same way: not twice in one boot ({@link HostLifecycle#awaitedReboot}), only when the reboot policy
 * allows it, with any slot given back when it fails.
 */
final class StepContext {
  final DesiredHost want;
  final ObservedHost host;
  final String bootId;
  final CycleReport rep;
  final String target;
  private final AgentState st;
  private final StateStore store;
  private final Clock clock;
  private final RebootPolicy policy;
  /** Why the server's rollout does not let the host reboot now ({@code reboot: false}), or null. */
  private final String rolloutWait;
  /** Whether the server's rollout asks for a soft reboot ({@code rebootMode: soft-reboot}). */
  boolean softRebootAsked;

  StepContext(DesiredHost want, ObservedHost host, String bootId, CycleReport rep, AgentState st, StateStore store,
      Clock clock, RebootPolicy policy) {
    this(want, host, bootId, rep, st, store, clock, policy, null);
  }

  StepContext(DesiredHost want, ObservedHost host, String bootId, CycleReport rep, AgentState st, StateStore store,
      Clock clock, RebootPolicy policy, String rolloutWait) {
    this.rolloutWait = rolloutWait;
    this.want = want;
    this.host = host;
    this.bootId = bootId;
    this.rep = rep;
    this.target = want.image().switchTarget();
    this.st = st;
    this.store = store;
    this.clock = clock;
    this.policy = policy;
  }

  HostRecord record() {
    return st.record;
  }

  /** Replaces the record and saves it at once: what a step did must survive the reboot it may cause. */
  void record(HostRecord r) throws IOException {
    st.record = r;
    store.save(st);
  }

  Instant now() {
    return clock.instant();
  }

  /** Whether a reboot asked for in this boot is still to come (then reported as {@code step} waiting). */
  boolean rebootAwaited(String step) {
    String awaited = HostLifecycle.awaitedReboot(st.record, bootId, now());
    if (awaited == null) {
      return false;
    }
    rep.reboot = awaited;
    rep.step(step, target, "waiting", awaited);
    return true;
  }

  /**
   * Asks the server's rollout ({@code reboot: false} waits), then the reboot policy (windows, then the coordinator): null when the reboot may go ahead (a slot
   * taken is recorded), else why not, already in the report.
   */
  String mayReboot() {
    if (rolloutWait != null) { // the server's rollout first: no slot is taken for a reboot it does not allow
      rep.reboot = "waiting: " + rolloutWait;
      return rolloutWait;
    }
    RebootCoordinator.Answer a = policy.decide(now());
    if (a instanceof RebootCoordinator.Denied d) {
      rep.reboot = "waiting: " + d.why();
      return d.why();
    }
    if (((RebootCoordinator.Granted) a).slotTaken()) {
      st.record = HostLifecycle.slotTaken(st.record, bootId, now());
      rep.fleetLock = "slot taken";
    }
    return null;
  }

  /**
   * Right before the reboot: null when the slot is still this host's (a lease renewed for the reboot), else
   * why not, in the report, and the slot no longer recorded as held (the server fenced it).
   */
  String confirmSlot() {
    HostRecord.Lock slot = st.record.rebootSlot();
    if (slot == null || !slot.held()) {
      return null;
    }
    String why = policy.confirm();
    if (why != null) {
      st.record = st.record.withRebootSlot(null);
      rep.reboot = "waiting: " + why;
      rep.fleetLock = "slot lost";
    }
    return why;
  }

  /**
   * The reboot into a queued rollback (every driver: a plain reboot boots the deployment now first), under the
   * reboot policy but not the rollout's {@code reboot: false}: not twice in one boot, only when the policy
   * allows it, on a slot that is still this host's.
   */
  void rebootIntoRollback(HostPower power) throws IOException {
    if (rebootAwaited("reboot")) {
      return;
    }
    String wait = mayReboot();
    if (wait == null) {
      wait = confirmSlot();
    }
    if (wait != null) {
      rep.step("reboot", target, "waiting", wait);
      return;
    }
    rebootNow(power);
  }

  /** Records, durably, that the reboot is asked for now: the next boot tells what became of it. */
  void rebootAsked() throws IOException {
    record(HostLifecycle.rebootAsked(st.record, bootId, now()));
    rep.reboot = "requested";
  }

  /** The reboot could not be asked for: it may be asked for again, and any slot goes back. */
  /** Reboots the host now: the request recorded first, then the power port; its refusal fails the step. */
  void rebootNow(HostPower power) throws IOException {
    rebootNow(power, HostLifecycle.rebootHow(false, host));
  }

  /**
   * Reboots the host now, soft ({@link HostPower#softReboot()}) or full as {@code how} says: the request recorded
   * first, then the power port; its refusal fails the step. The report says which it was ({@code rebootMode}).
   */
  void rebootNow(HostPower power, HostLifecycle.RebootHow how) throws IOException {
    rebootAsked();
    try {
      if (how.soft()) {
        power.softReboot();
      } else {
        power.reboot();
      }
    } catch (HostDriver.HostException e) {
      rebootFailed("reboot", e.getMessage());
      return;
    }
    rep.rebootMode = how.soft() ? "soft-reboot" : "reboot";
    rep.step("reboot", target, "requested", (how.soft() ? power.describeSoftReboot() : power.describeReboot())
        + (how.why() == null ? "" : " (" + how.why() + ")"));
    if (how.why() != null) {
      rep.note("reboot: " + how.why());
    }
  }

  void rebootFailed(String step, String why) {
    st.record = HostLifecycle.rebootFailed(st.record);
    rep.reboot = "failed: " + why;
    rep.step(step, target, "failed", why);
    rep.problem(why);
    giveBack();
  }

  /** Gives back a reboot slot taken in this cycle whose reboot will not happen. */
  void giveBack() {
    HostRecord.Lock slot = st.record.rebootSlot();
    if (slot == null || !slot.held()) {
      return;
    }
    String why = policy.release();
    if (why == null) {
      st.record = st.record.withRebootSlot(null);
      rep.fleetLock = "slot given back";
    } else {
      rep.problem(why);
    }
  }
}
