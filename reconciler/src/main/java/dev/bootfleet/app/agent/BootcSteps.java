package dev.bootfleet.app.agent;

import dev.bootfleet.core.lifecycle.HostLifecycle;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.observed.ObservedStateException;
import dev.bootfleet.core.plan.Action;
import dev.bootfleet.core.port.HostDriver;
import dev.bootfleet.core.port.HostPower;
import java.io.IOException;
import java.util.List;

/**
 * One cycle's plan carried out on a bootc host: {@code bootc switch} stages (recorded before anything
 * else happens), a download-only lock keeps a staged entry from being applied by a reboot the agent did
 * not ask for, and the reboot goes through the reboot policy and the host's {@link HostPower}.
 */
final class BootcSteps implements OsSteps {
  private final HostDriver.Bootc bootc;
  private final HostPower power;
  private final boolean defers;
  private final StepContext c;
  /** Whether the plan unlocks the staged entry before its reboot. */
  private boolean unlock;

  BootcSteps(HostDriver.Bootc bootc, HostPower power, boolean defers, StepContext c) {
    this.bootc = bootc;
    this.power = power;
    this.defers = defers;
    this.c = c;
  }

  @Override
  public void run(List<Action> actions) throws IOException {
    for (Action a : actions) {
      try {
        switch (a) {
          case Action.Stage s -> stage(s);
          case Action.UnlockStaged u -> unlock = true;
          case Action.CancelStaged x -> cancelStaged(x);
          case Action.CancelRollback x -> cancelRollback(x);
          case Action.SetKargs k -> c.rep.step("set-kargs", String.join(" ", k.append()), "skipped",
              "not supported by this driver");
          case Action.Reboot r -> reboot();
          default -> c.rep.step(a.type(), c.target, "skipped", "not supported by this driver");
        }
      } catch (HostDriver.HostException | ObservedStateException e) {
        c.rep.step(a.type(), c.target, "failed", e.getMessage());
        c.rep.problem(e.getMessage());
        return; // the next cycle starts again from what bootc reports
      }
    }
  }

  private void stage(Action.Stage s) throws HostDriver.HostException, IOException {
    bootc.switchTo(s.ref(), s.transport(), s.enforceSignaturePolicy());
    c.record(HostLifecycle.staged(c.record(), c.want.image(), c.bootId, c.host, false));
    c.rep.step("stage", s.ref(), "done", "bootc switch" + (s.from() == null ? "" : "; from " + s.from()));
  }

  private void cancelStaged(Action.CancelStaged x) throws HostDriver.HostException {
    if (c.host.staged() != null && c.host.staged().downloadOnly()) {
      c.rep.step("cancel-staged", x.ref(), "done", "already locked: the next boot discards it");
    } else {
      bootc.lockStaged();
      c.rep.step("cancel-staged", x.ref(), "done", "locked (bootc upgrade --download-only): the next boot"
          + " discards it; bootc has no verb to drop it");
    }
  }

  private void cancelRollback(Action.CancelRollback x) throws HostDriver.HostException, ObservedStateException {
    ObservedHost now = HostDrivers.parse(bootc.status(), bootc);
    if (now.rollbackQueued()) { // bootc rollback toggles: only when one is still queued
      bootc.revertQueuedRollback();
      c.rep.step("cancel-rollback", x.ref(), "done", "bootc rollback reverted the queued rollback");
    }
  }

  @Override
  public void rollBack(String from, HostLifecycle.RollbackStep step) throws IOException {
    try {
      if (step.queue()) {
        bootc.rollback();
        c.record(HostLifecycle.rolledBack(c.record(), c.host, c.bootId));
        c.rep.step("rollback", from, "done", "bootc rollback: the server rejected " + from);
      } else if (c.record().staged() == null) { // queued, but the record lost it: the reboot is recorded all the same
        c.record(HostLifecycle.rolledBack(c.record(), c.host, c.bootId));
      }
      c.rebootIntoRollback(power);
    } catch (HostDriver.HostException e) {
      c.rep.step(step.queue() ? "rollback" : "reboot", from, "failed", e.getMessage());
      c.rep.problem(e.getMessage());
    }
  }

  private void reboot() throws HostDriver.HostException, IOException {
    if (c.rebootAwaited("reboot")) {
      return;
    }
    if (c.record().staged() == null) { // staged by someone else (or the state was lost): record it for after the boot
      boolean locked = c.host.staged() != null && c.host.staged().downloadOnly();
      c.record(HostLifecycle.staged(c.record(), c.want.image(), c.bootId, c.host, locked));
    }
    String wait = c.mayReboot();
    if (wait != null) {
      if (defers && !c.record().staged().locked() && !unlock) {
        bootc.lockStaged();
        c.record(c.record().withStaged(c.record().staged().withLocked(true)));
        c.rep.step("lock-staged", c.target, "done", "so that only the agent's reboot applies it");
      }
      c.rep.step("reboot", c.target, "waiting", wait);
      return;
    }
    HostLifecycle.RebootHow how = HostLifecycle.rebootHow(false, c.host);
    if (c.softRebootAsked) {
      try {
        how = HostLifecycle.rebootHow(true, HostDrivers.parse(bootc.status(), bootc)); // the entry staged now
      } catch (HostDriver.HostException | ObservedStateException e) {
        how = HostLifecycle.fullReboot("bootc status could not be read: " + e.getMessage());
      }
    }
    if (how.soft()) {
      try {
        bootc.prepareSoftReboot(); // unlocks it too
        c.record(c.record().withStaged(c.record().staged().withLocked(false)));
        c.rep.step("prepare-soft-reboot", c.target, "done", "bootc upgrade --from-downloaded --soft-reboot=required");
      } catch (HostDriver.HostException e) {
        how = HostLifecycle.fullReboot("bootc could not prepare it: " + e.getMessage());
      }
    }
    if (!how.soft() && (unlock || c.record().staged().locked())) {
      try {
        bootc.unlockStaged();
      } catch (HostDriver.HostException e) {
        c.giveBack();
        throw e;
      }
      c.record(c.record().withStaged(c.record().staged().withLocked(false)));
      c.rep.step("unlock-staged", c.target, "done", "bootc upgrade --from-downloaded");
    }
    String lost = c.confirmSlot();
    if (lost != null) {
      c.rep.step("reboot", c.target, "waiting", lost);
      return;
    }
    c.rebootNow(power, how);
  }
}
