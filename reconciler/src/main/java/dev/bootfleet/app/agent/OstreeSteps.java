package dev.bootfleet.app.agent;

import dev.bootfleet.core.lifecycle.HostLifecycle;
import dev.bootfleet.core.manifest.OstreeTarget;
import dev.bootfleet.core.observed.BootEntry;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.observed.ObservedStateException;
import dev.bootfleet.core.plan.Action;
import dev.bootfleet.core.port.HostDriver;
import dev.bootfleet.core.port.HostPower;
import java.io.IOException;
import java.util.List;

/**
 * One cycle's plan carried out on a plain ostree host (ADR 0020): a {@code stage} of an ostree target adds
 * the remote Git declares (GPG verification on), pulls the pinned commit and deploys it with an origin that
 * follows the ref, recorded by deployment (commit and serial) for the after-boot check; the reboot goes
 * through the reboot policy and the host's {@link HostPower}, as on a bootc host. ostree 2022 has no
 * finalization lock, so a staged deployment waiting for its window is applied by any reboot before it.
 */
final class OstreeSteps implements OsSteps {
  private final HostDriver.Ostree ostree;
  private final HostPower power;
  private final StepContext c;

  OstreeSteps(HostDriver.Ostree ostree, HostPower power, StepContext c) {
    this.ostree = ostree;
    this.power = power;
    this.c = c;
  }

  @Override
  public void run(List<Action> actions) throws IOException {
    for (Action a : actions) {
      try {
        switch (a) {
          case Action.Stage s -> stage(s);
          case Action.CancelStaged x -> {
            boolean d = ostree.cancelStaged();
            c.rep.step("cancel-staged", x.ref(), d ? "done" : "unchanged", d ? "ostree admin undeploy"
                : "nothing was staged");
          }
          case Action.CancelRollback x -> {
            boolean d = ostree.revertQueuedRollback();
            c.rep.step("cancel-rollback", x.ref(), d ? "done" : "unchanged", d
                ? "ostree admin undeploy of the queued deployment" : "no rollback queued");
          }
          case Action.Reboot r -> reboot();
          default -> c.rep.step(a.type(), c.target, "skipped", "not supported by this driver");
        }
      } catch (HostDriver.HostException | ObservedStateException e) {
        c.rep.step(a.type(), c.target, "failed", e.getMessage());
        c.rep.problem(e.getMessage());
        return; // the next cycle starts again from what ostree reports
      }
    }
  }

  /**
   * Plain ostree from a rejected digest: ostree 2022.7 has no {@code rollback}, so the rollback deployment's commit
   * is deployed again with its origin ({@code admin deploy --stage}), once ({@link HostLifecycle#rollbackFrom}: a
   * staged deployment of that commit is the queued rollback), recorded by deployment, and rebooted into under the
   * reboot policy. Unlike bootc's rollback, /etc is merged from the booted deployment.
   */
  @Override
  public void rollBack(String from, HostLifecycle.RollbackStep step) throws IOException {
    try {
      if (step.queue()) {
        BootEntry back = c.host.rollback();
        if (back.origin() == null || back.ostreeChecksum() == null) {
          throw new HostDriver.HostException("the rollback deployment has no origin to deploy again; roll back by"
              + " hand (ostree admin deploy of the previous commit)");
        }
        String stateroot = c.host.booted().stateroot() != null ? c.host.booted().stateroot() : "default";
        ostree.redeploy(stateroot, back.origin().refspec(), back.ostreeChecksum());
        ObservedHost now = HostDrivers.parse(ostree.status(), ostree);
        c.record(HostLifecycle.rolledBack(c.record(), c.host, now.staged() != null ? now.staged() : back, c.bootId,
            true));
        c.rep.step("rollback", from, "done", "ostree admin deploy --stage of the rollback deployment's commit "
            + back.origin().target() + ": the server rejected " + from);
      } else if (c.record().staged() == null) { // queued, but the record lost it: the reboot is recorded all the same
        BootEntry next = c.host.rollbackQueued() || c.host.staged() == null ? c.host.rollback() : c.host.staged();
        c.record(HostLifecycle.rolledBack(c.record(), c.host, next, c.bootId, true));
      }
      c.rebootIntoRollback(power);
    } catch (HostDriver.HostException | ObservedStateException e) {
      c.rep.step(step.queue() ? "rollback" : "reboot", from, "failed", e.getMessage());
      c.rep.problem(e.getMessage());
    }
  }

  private void stage(Action.Stage s) throws HostDriver.HostException, ObservedStateException, IOException {
    OstreeTarget t = OstreeTarget.parse(s.ref());
    OstreeTarget declared = c.want.image().ostree();
    if (declared != null && declared.url() != null) {
      boolean added = ostree.addRemote(declared.remote(), declared.url());
      if (added) {
        c.rep.step("ostree-remote-add", declared.remote(), "done", "ostree remote add " + declared.url()
            + " (GPG verification on)");
      }
    }
    ostree.pull(t.remote(), t.ref(), t.commit());
    String stateroot = c.host.booted() != null ? c.host.booted().stateroot() : "default";
    ostree.deploy(stateroot, t.remote(), t.ref(), t.commit());
    ObservedHost now = HostDrivers.parse(ostree.status(), ostree);
    var r = HostLifecycle.staged(c.record(), c.want.image(), c.bootId, c.host, false);
    if (now.staged() != null) {
      r = r.withStaged(r.staged().withDeployment(now.staged().ostreeChecksum(), now.staged().deploySerial()));
    }
    c.record(r);
    c.rep.step("stage", s.ref(), "done", "ostree pull and ostree admin deploy --stage"
        + (s.from() == null ? "" : "; from " + s.from()));
  }

  private void reboot() throws HostDriver.HostException, IOException {
    if (c.rebootAwaited("reboot")) {
      return;
    }
    if (c.record().staged() == null) { // staged by someone else (or the state was lost): record it for after the boot
      c.record(HostLifecycle.staged(c.record(), c.want.image(), c.bootId, c.host, false));
    }
    String wait = c.mayReboot();
    if (wait != null) {
      c.rep.step("reboot", c.target, "waiting", wait);
      return;
    }
    c.rebootNow(power);
  }
}
