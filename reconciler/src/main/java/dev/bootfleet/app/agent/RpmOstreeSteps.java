package dev.bootfleet.app.agent;

import dev.bootfleet.core.lifecycle.HostLifecycle;
import dev.bootfleet.core.lifecycle.HostRecord;
import dev.bootfleet.core.manifest.OstreeTarget;
import dev.bootfleet.core.observed.BootEntry;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.observed.ObservedStateException;
import dev.bootfleet.core.plan.Action;
import dev.bootfleet.core.port.HostDriver;
import dev.bootfleet.core.port.HostPower;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * One cycle's plan carried out on an rpm-ostree host. Each OS change ({@code rebase}, {@code install},
 * {@code uninstall}, {@code override remove}, {@code kargs}) is staged finalization-locked onto the first
 * deployment, so they stack into one staged deployment; the agent records that deployment (commit and
 * serial) for the check after the boot; {@code finalize} goes through the same reboot policy as bootc's
 * reboot (windows, FleetLock) and runs {@code rpm-ostree finalize-deployment}, which reboots the host.
 */
final class RpmOstreeSteps implements OsSteps {
  private final HostDriver.RpmOstree driver;
  private final HostDriver.Ostree ostree;
  private final StepContext c;
  /** The plain reboot into a rolled-back deployment: nothing is staged to finalize then. */
  private final HostPower power;
  private final CycleReport rep;
  private final String target;
  /** Receives the kernel arguments of the next boot after the agent changed them. */
  private final Consumer<List<String>> kargs;
  /** Whether an OS change was staged in this cycle and not yet recorded. */
  private boolean changed;

  RpmOstreeSteps(HostDriver.RpmOstree driver, HostDriver.Ostree ostree, HostPower power, StepContext c,
      Consumer<List<String>> kargs) {
    this.power = power;
    this.driver = driver;
    this.ostree = ostree;
    this.c = c;
    this.rep = c.rep;
    this.target = c.target;
    this.kargs = kargs;
  }

  @Override
  public void run(List<Action> actions) throws IOException {
    for (Action a : actions) {
      try {
        switch (a) {
          case Action.WriteFile w -> { }
          case Action.RemoveFile r -> { }
          case Action.Rebase r -> {
            addDeclaredRemote();
            done("rebase", r.ref(), driver.rebase(r.ref(), r.revision(), r.install(),
                    r.uninstall()), "rpm-ostree rebase --lock-finalization" + packages(" --install ", r.install())
                    + packages(" --uninstall ", r.uninstall()) + (r.revision() == null ? "" : " (revision "
                    + r.revision() + ")") + (r.from() == null ? "" : "; from " + r.from()));
          }
          case Action.Deploy d -> done("deploy", d.commit(), driver.deploy(d.commit(), d.install(), d.uninstall()),
              "rpm-ostree deploy --lock-finalization" + packages(" --install ", d.install())
                  + packages(" --uninstall ", d.uninstall()) + (d.from() == null ? "" : "; from " + d.from()));
          case Action.InstallPackages p -> done("install-packages", String.join(" ", p.packages()),
              driver.install(p.packages()), "rpm-ostree install --idempotent --lock-finalization");
          case Action.RemovePackages p -> {
            if (!p.layered().isEmpty()) {
              done("remove-packages", String.join(" ", p.layered()), driver.uninstall(p.layered()),
                  "rpm-ostree uninstall --idempotent --lock-finalization");
            }
            if (!p.base().isEmpty()) {
              done("remove-packages", String.join(" ", p.base()), driver.removeBasePackages(p.base()),
                  "rpm-ostree override remove --lock-finalization");
            }
          }
          case Action.SetKargs k -> {
            boolean c = driver.setKargs(k.append(), k.delete());
            done("set-kargs", describe(k), c, "rpm-ostree kargs --lock-finalization");
            if (c) {
              kargs.accept(driver.kargs());
            }
          }
          case Action.CancelStaged x -> {
            boolean d = driver.cleanupPending();
            rep.step("cancel-staged", x.ref(), d ? "done" : "unchanged", d ? "rpm-ostree cleanup -p"
                : "nothing was pending");
            if (d && c.record().staged() != null && c.record().staged().rebootBootId() == null) {
              c.record(c.record().withStaged(null)); // the agent's own staged entry, if it was one, is gone on purpose
            }
          }
          case Action.CancelRollback x -> {
            boolean d = driver.revertQueuedRollback();
            rep.step("cancel-rollback", x.ref(), d ? "done" : "unchanged", d
                ? "rpm-ostree rollback reverted the queued rollback" : "no rollback queued (or a staged deployment)");
          }
          case Action.Finalize f -> finalizeStaged();
          default -> rep.step(a.type(), target, "skipped", "not supported by this driver");
        }
      } catch (HostDriver.HostException | ObservedStateException e) {
        rep.step(a.type(), target, "failed", e.getMessage());
        rep.problem(e.getMessage());
        recordIfChanged(); // what did get staged is the agent's: the boot check needs to know it
        return; // the next cycle starts again from what rpm-ostree reports
      }
    }
    recordIfChanged();
  }

  /**
   * {@code rpm-ostree rollback} from a rejected digest: a staged deployment is dropped first ({@code cleanup -p},
   * since rollback refuses while one is staged), the rollback is queued once ({@link HostLifecycle#rollbackFrom}),
   * recorded by deployment, and a plain reboot under the reboot policy boots it (nothing is left to finalize).
   */
  @Override
  public void rollBack(String from, HostLifecycle.RollbackStep step) throws IOException {
    String type = "rollback";
    try {
      if (step.dropStaged()) {
        type = "cancel-staged";
        driver.cleanupPending();
        rep.step("cancel-staged", target, "done", "rpm-ostree cleanup -p: rpm-ostree rollback refuses while a"
            + " deployment is staged");
        type = "rollback";
      }
      if (step.queue()) {
        driver.rollback();
        c.record(HostLifecycle.rolledBack(c.record(), c.host, c.host.rollback(), c.bootId, true));
        rep.step("rollback", from, "done", "rpm-ostree rollback: the server rejected " + from);
      } else if (c.record().staged() == null) { // queued, but the record lost it: the reboot is recorded all the same
        c.record(HostLifecycle.rolledBack(c.record(), c.host, c.host.rollback(), c.bootId, true));
      }
      type = "reboot";
      c.rebootIntoRollback(power);
    } catch (HostDriver.HostException e) {
      rep.step(type, from, "failed", e.getMessage());
      rep.problem(e.getMessage());
    }
  }

  /**
   * Before a rebase: the ostree remote Git declares with its URL, added when the host lacks it (GPG
   * verification on, ADR 0020), so that a host can be pointed at a new remote; rpm-ostree reads ostree's
   * remotes. A remote that exists with another URL is refused (the rebase then does not run).
   */
  private void addDeclaredRemote() throws HostDriver.HostException {
    OstreeTarget declared = c.want.image().ostree();
    if (declared != null && declared.url() != null && ostree.addRemote(declared.remote(), declared.url())) {
      rep.step("ostree-remote-add", declared.remote(), "done", "ostree remote add " + declared.url()
          + " (GPG verification on)");
    }
  }

  private void done(String type, String what, boolean c, String how) {
    changed |= c;
    rep.step(type, what, c ? "done" : "unchanged", c ? how : how + ": already so (exit 77)");
  }

  private static String packages(String flag, List<String> names) {
    StringBuilder b = new StringBuilder();
    names.forEach(n -> b.append(flag).append(n));
    return b.toString();
  }

  private static String describe(Action.SetKargs k) {
    StringBuilder b = new StringBuilder();
    k.append().forEach(a -> b.append(b.length() == 0 ? "" : " ").append('+').append(a));
    k.delete().forEach(d -> b.append(b.length() == 0 ? "" : " ").append('-').append(d));
    return b.toString();
  }

  private void recordIfChanged() throws IOException {
    if (!changed) {
      return;
    }
    changed = false;
    try {
      ObservedHost now = HostDrivers.parse(driver.status(), driver);
      record(now.staged());
    } catch (HostDriver.HostException | ObservedStateException e) {
      rep.problem("cannot read what was staged: " + e.getMessage());
    }
  }

  /** Records {@code staged} as the agent's: the image Git names, by commit and serial. */
  private void record(BootEntry staged) throws IOException {
    if (staged == null) {
      return;
    }
    HostRecord r = HostLifecycle.staged(c.record(), c.want.image(), c.bootId, c.host, staged.downloadOnly());
    c.record(r.withStaged(r.staged().withDeployment(staged.ostreeChecksum(), staged.deploySerial())));
  }

  private void finalizeStaged() throws HostDriver.HostException, ObservedStateException, IOException {
    if (c.rebootAwaited("finalize")) {
      return;
    }
    recordIfChanged();
    BootEntry staged = HostDrivers.parse(driver.status(), driver).staged();
    if (staged == null) {
      rep.step("finalize", target, "skipped", "nothing is staged");
      return;
    }
    HostRecord.Staged mine = c.record().staged();
    if (mine == null || !mine.byDeployment() || !mine.checksum().equals(staged.ostreeChecksum())
        || !mine.serial().equals(staged.deploySerial())) {
      record(staged); // staged by someone else, or the state was lost: record it for after the boot
    }
    String wait = c.mayReboot();
    if (wait != null) {
      if (!staged.downloadOnly()) {
        rep.note("the staged deployment is not finalization-locked: any reboot applies it");
      }
      rep.step("finalize", target, "waiting", wait);
      return;
    }
    c.rebootAsked();
    try {
      String checksum = driver.finalizeStaged();
      rep.step("finalize", target, "requested", "rpm-ostree finalize-deployment " + checksum);
    } catch (HostDriver.HostException e) {
      c.rebootFailed("finalize", e.getMessage());
    }
  }
}
