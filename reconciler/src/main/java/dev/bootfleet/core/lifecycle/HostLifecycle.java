package dev.bootfleet.core.lifecycle;

import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.HostDriverKind;
import dev.bootfleet.core.manifest.ImageSpec;
import dev.bootfleet.core.manifest.Transport;
import dev.bootfleet.core.observed.BootEntry;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.plan.Action;
import dev.bootfleet.core.plan.BootCheck;
import dev.bootfleet.core.plan.BootCheck.Outcome;
import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.plan.Observation;
import dev.bootfleet.core.plan.Planner;
import dev.bootfleet.core.status.Reason;
import dev.bootfleet.core.status.SyncStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A host's lifecycle around the plan, as pure decisions: what a boot proved, when a hold starts and
 * ends, when a staged update counts as lost, what a held host may still do, when a reboot asked for is
 * still awaited, and when a reboot slot goes back. Each method takes the host's {@link HostRecord}, what
 * it observes now and the time, and returns what to record, report and run; it does no I/O. The agent
 * carries the decisions out on its host (app.agent.Agent); the server and the fleet simulator drive the
 * same decisions for hosts they hold in memory. docs/adr/0012-host-lifecycle.md.
 */
public final class HostLifecycle {
  /** Staged updates lost at this many boots in a row make a hold: no endless stage-reboot-lose loop. */
  public static final int MAX_LOST = 3;
  /** After asking for a reboot, wait this long in the same boot before asking again. */
  public static final Duration REBOOT_GRACE = Duration.ofMinutes(30);

  private HostLifecycle() {}

  /**
   * What a boot proved about what was staged.
   *
   * @param outcome {@link Outcome#NONE} when nothing was staged
   * @param image the image the outcome is about, or null
   * @param note the sentence for the report and the log, or null when there is nothing to say
   */
  public record AfterBoot(HostRecord record, Outcome outcome, String image, String note) {
    /** Whether a boot came to an end this cycle (the report's {@code boot} block). */
    public boolean decided() {
      return note != null;
    }
  }

  public static AfterBoot afterBoot(HostRecord r, String bootId, ObservedHost host, Instant now) {
    HostRecord.Staged s = r.staged();
    Outcome outcome = s == null ? Outcome.NONE : s.byDeployment() ? DeploymentCheck.classify(s, bootId, host)
        : BootCheck.classify(new BootCheck.Staged(spec(s), s.bootId(), s.locked(), s.rebootBootId() != null),
            bootId, host);
    String ref = s == null ? null : s.ref();
    HostRecord done = r.withStaged(null);
    return switch (outcome) {
      case NONE -> new AfterBoot(r, outcome, null, null);
      case PENDING -> new AfterBoot(s.bootId().equals(bootId) ? r : r.withStaged(s.inBoot(bootId)), outcome, null,
          null); // a reboot kept it staged: it stays pending in this boot
      case CONVERGED -> {
        HostRecord n = done.withLostAttempts(0);
        if (s.from() != null && !canonical(s.from()).equals(ref)) {
          n = n.remember(canonical(s.from())); // left on purpose: Git may name it again (a revert)
        }
        yield booted(n, bootId, outcome, ref, now, "booted " + ref);
      }
      case STAGED_DISCARDED -> booted(done, bootId, outcome, ref, now, "a reboot the agent did not ask for"
          + " discarded the locked staged entry of " + ref + " (as meant); it is staged again");
      case STAGED_LOST -> {
        int lost = r.lostAttempts() + 1;
        AfterBoot b = booted(done.withLostAttempts(lost), bootId, outcome, ref, now, "the host booted its old image"
            + " and the staged update of " + ref + " is gone (finalization lost or failed; see journalctl -u"
            + " ostree-finalize-staged -b -1); attempt " + lost + " of " + MAX_LOST);
        yield lost >= MAX_LOST ? held(b, now, Reason.lost(ref, MAX_LOST)) : b;
      }
      case BOOTLOADER_FALLBACK -> held(booted(done, bootId, outcome, ref, now, "the bootloader fell back from " + ref
          + " to the previous image"), now, Reason.fellBack(ref, false));
      case EXPLICIT_ROLLBACK -> held(booted(done, bootId, outcome, ref, now, "the host rolled back from " + ref), now,
          Reason.rolledBack(ref) + " (bootfleet agent clear-hold)");
    };
  }

  private static AfterBoot booted(HostRecord r, String bootId, Outcome outcome, String ref, Instant now, String note) {
    return new AfterBoot(r.withLastBoot(new HostRecord.Boot(bootId, outcome.id(), ref, now.toString())), outcome,
        ref, "boot: " + outcome.id() + ": " + note);
  }

  private static AfterBoot held(AfterBoot b, Instant now, String reason) {
    HostRecord r = b.record().forget(b.image())
        .withHold(new HostRecord.Hold(b.image(), b.outcome().id(), reason, now.toString(), false));
    return new AfterBoot(r, b.outcome(), b.image(), b.note());
  }

  /** Whether a hold ended, and the sentence that says why (null when it did not). */
  public record Settled(HostRecord record, String note) {}

  /**
   * A hold ends when Git names another image (the lost-update count starts afresh), or when the host
   * runs the held image after all.
   */
  public static Settled settleHold(HostRecord r, DesiredHost want, ObservedHost host, Planner planner) {
    HostRecord.Hold h = r.hold();
    if (h == null) {
      return new Settled(r, null);
    }
    String target = want.image().switchTarget();
    if (!h.ref().equals(target)) {
      return new Settled(r.withHold(null).withLostAttempts(0), "the hold on " + h.ref() + " ends: Git names " + target);
    }
    if (planner.planHost(want, new Observation(host, null)).status() == SyncStatus.IN_SYNC) {
      return new Settled(r.withHold(null), "the hold on " + h.ref() + " ends: the host runs it");
    }
    return new Settled(r, null);
  }

  /**
   * What to do with a host's plan once its live changes (/etc, Flatpaks) are made.
   *
   * @param run the OS actions to carry out, in order
   * @param hold the hold the report shows: the record's, or one the plan found (no outcome, no since);
   *     null when the host is not held
   * @param skipped the OS actions a hold leaves out
   * @param keepFallback after a bootloader fallback: revert the rollback that queues the failed image
   *     again, so that no reboot boots it before Git or an operator says so; once per hold
   */
  public record Verdict(SyncStatus status, Reason why, String reason, HostRecord.Hold hold, List<Action> run,
      List<Action> skipped, boolean keepFallback) {}

  /**
   * @param liveChangeFailed whether a live change (/etc, Flatpaks) of this cycle failed or was refused: a
   *     host is never in sync after a step that failed, whatever it reports now
   */
  public static Verdict judge(HostRecord r, HostPlan plan, ObservedHost host, boolean liveChangeFailed) {
    List<Action> os = plan.actions().stream().filter(HostLifecycle::changesOs).toList();
    HostRecord.Hold h = r.hold();
    if (h != null) {
      boolean keep = Outcome.BOOTLOADER_FALLBACK.id().equals(h.outcome()) && !h.rollbackReverted()
          && host.rollbackQueued();
      return new Verdict(SyncStatus.HELD, Reason.ofHold(h.outcome()), h.reason(), h, List.of(), os, keep);
    }
    if (plan.status() == SyncStatus.HELD) {
      // Held by what the host reports alone (no hold of the record's: none yet, or an operator cleared it).
      // A fallback that still queues the failed image is kept all the same: after a clear-hold the next
      // cycle then stages the image again instead of staying held for good.
      boolean keep = plan.why() == Reason.BOOTLOADER_FALLBACK && host.rollbackQueued();
      HostRecord.Hold seen = new HostRecord.Hold(plan.desiredImage(), null, plan.reason(), null, false);
      return new Verdict(SyncStatus.HELD, plan.why(), plan.reason(), seen, List.of(), os, keep);
    }
    if (liveChangeFailed) {
      String failed = "a change to /etc or the Flatpaks failed (see the problems)";
      return new Verdict(SyncStatus.DRIFTED, Reason.APPLY_FAILED, plan.status() == SyncStatus.IN_SYNC
          ? failed + "; the host is not known to match Git" : plan.reason() + "; " + failed, null, os, List.of(), false);
    }
    return new Verdict((SyncStatus) plan.status(), plan.why(), plan.reason(), null, os, List.of(), false);
  }

  /**
   * The OS actions of a verdict under the server's rollout part (ADR 0021, "Server"): with {@code unstage},
   * nothing is staged or rebooted into and a staged deployment is cancelled (once: an entry already locked
   * download-only is left as it is). Without it the actions stand; {@code reboot: false} is the reboot
   * policy's answer, not a change of plan (the staged entry is locked until the reboot is allowed).
   */
  public static List<Action> underRollout(List<Action> run, boolean unstage, ObservedHost host) {
    if (!unstage) {
      return run;
    }
    List<Action> kept = new java.util.ArrayList<>(run.stream().filter(a -> !(a instanceof Action.Stage)
        && !(a instanceof Action.Reboot) && !(a instanceof Action.UnlockStaged)
        && !(a instanceof Action.CancelStaged)).toList());
    if (host.staged() != null && !host.staged().downloadOnly()) {
      kept.add(new Action.CancelStaged(imageOf(host.staged())));
    }
    return List.copyOf(kept);
  }

  /**
   * What the agent does about {@code rollout.rollbackFrom} on a host of {@code kind} (ADR 0021, "Agent:
   * rollback on every driver"): null when nothing (the host does not boot that digest, or has nothing to go
   * back to); else whether to queue the previous deployment now ({@code queue}: false when it is queued
   * already, and only the reboot into it remains) and whether to drop a staged deployment first.
   *
   * <ul>
   *   <li>bootc and rpm-ostree: {@code rollback}, a toggle. A queued rollback is the guard within a boot (never
   *       issued twice), the next boot leaves the digest: one failure, one rollback. rpm-ostree refuses it while
   *       a deployment is staged ({@code Staged deployment (remove with cleanup -p)}), so that is dropped first
   *       ({@code cleanup -p}); bootc drops it itself.
   *   <li>plain ostree (2022.7 has no {@code rollback}): the rollback deployment's commit is deployed again
   *       ({@code admin deploy --stage}); a staged deployment of that commit is the queued rollback.
   * </ul>
   */
  public static RollbackStep rollbackFrom(String rollbackFrom, ObservedHost host, HostDriverKind kind) {
    if (!boots(rollbackFrom, host) || host.rollback() == null && !host.rollbackQueued()) {
      return null;
    }
    boolean queued = host.rollbackQueued() || kind == HostDriverKind.OSTREE && redeployed(host);
    if (queued) {
      return new RollbackStep(false, false);
    }
    return new RollbackStep(true, kind == HostDriverKind.RPM_OSTREE && host.staged() != null);
  }

  /**
   * @param queue run the driver's rollback now (false: it is queued, only the reboot remains)
   * @param dropStaged drop the staged deployment first (rpm-ostree's {@code cleanup -p})
   */
  public record RollbackStep(boolean queue, boolean dropStaged) {}

  /** Plain ostree: the staged deployment is the rollback deployment's commit deployed again. */
  private static boolean redeployed(ObservedHost host) {
    BootEntry s = host.staged();
    BootEntry r = host.rollback();
    return s != null && r != null && s.ostreeChecksum() != null && s.ostreeChecksum().equals(r.ostreeChecksum());
  }

  /**
   * Whether to roll back now from {@code rollbackFrom} (a digest the server rejected, the target's
   * {@code rollout.rollbackFrom}): only while the host boots that digest, has a deployment to go back to, and
   * no rollback is queued yet. {@code rollback} toggles, so the queued one is the guard within a boot, and the
   * next boot leaves the digest: one failure gives one rollback.
   */
  public static boolean rollBack(String rollbackFrom, ObservedHost host) {
    return boots(rollbackFrom, host) && host.rollback() != null && !host.rollbackQueued();
  }

  /** Whether {@code host} boots the image of {@code digest} (null: no). */
  public static boolean boots(String digest, ObservedHost host) {
    String rollbackFrom = digest;
    if (rollbackFrom == null || host.booted() == null) {
      return false;
    }
    BootEntry b = host.booted();
    String ref = imageOf(b);
    return ref != null && ref.endsWith("@" + rollbackFrom)
        || b.image() != null && rollbackFrom.equals(b.image().imageDigest());
  }

  /**
   * How the reboot into the staged entry goes (ADR 0021, "Agent: soft reboot"): soft (userspace only, the kernel
   * kept) when the rollout asks for {@code soft-reboot} and bootc reports the staged entry {@code
   * softRebootCapable} (same kernel, initramfs and kernel arguments: bootc.md section 6); else a full reboot,
   * with the sentence that says why when a soft one was asked for.
   */
  public static RebootHow rebootHow(boolean softAsked, ObservedHost host) {
    if (!softAsked) {
      return new RebootHow(false, null);
    }
    if (host.staged() != null && host.staged().softRebootCapable()) {
      return new RebootHow(true, "soft reboot: the staged entry is soft-reboot capable (the kernel is kept)");
    }
    return fullReboot("the staged entry is not soft-reboot capable (its kernel or kernel arguments differ)");
  }

  /** A soft reboot asked for that cannot be: a full reboot, and why. */
  public static RebootHow fullReboot(String why) {
    return new RebootHow(false, "full reboot: the rollout asks for soft-reboot, but " + why);
  }

  /** @param why the sentence for the report; null when no soft reboot was asked for */
  public record RebootHow(boolean soft, String why) {}

  /** The record once the rollback was queued in {@code bootId}: the previous deployment is what the reboot boots. */
  public static HostRecord rolledBack(HostRecord r, ObservedHost host, String bootId) {
    return rolledBack(r, host, host.rollback(), bootId, false);
  }

  /**
   * The record once the rollback was queued in {@code bootId}: {@code next} is the deployment the reboot boots
   * (the rollback entry, or on plain ostree the one deployed again), told by deployment (commit and serial)
   * when {@code byDeployment} (rpm-ostree and plain ostree, whose after-boot check goes by deployment).
   */
  public static HostRecord rolledBack(HostRecord r, ObservedHost host, BootEntry next, String bootId,
      boolean byDeployment) {
    String back = imageOf(next);
    String transport = next.image() != null ? next.image().image().transport()
        : next.origin() != null ? Transport.OSTREE.id() : Transport.REGISTRY.id();
    HostRecord.Staged s = new HostRecord.Staged(back, transport, false, bootId, imageOf(host.booted()), false);
    if (byDeployment && next.ostreeChecksum() != null && next.deploySerial() != null) {
      s = s.withDeployment(next.ostreeChecksum(), next.deploySerial());
    }
    return r.withStaged(s);
  }

  /** The record once the queued return to the failed image was reverted (see {@link Verdict#keepFallback}). */
  public static HostRecord fallbackKept(HostRecord r) {
    return r.hold() == null ? r : r.withHold(r.hold().withRollbackReverted());
  }

  private static boolean changesOs(Action a) {
    return !a.isFlatpak() && !(a instanceof Action.WriteFile) && !(a instanceof Action.RemoveFile);
  }

  /** The record once {@code image} was staged in {@code bootId}, over what {@code host} booted. */
  public static HostRecord staged(HostRecord r, ImageSpec image, String bootId, ObservedHost host, boolean locked) {
    return r.withStaged(new HostRecord.Staged(image.switchTarget(), image.transport().id(),
        image.enforceSignaturePolicy(), bootId, imageOf(host.booted()), locked));
  }

  /**
   * The reboot asked for in this boot, while it is still to come: the sentence to report, or null when a
   * reboot may be asked for (again).
   */
  public static String awaitedReboot(HostRecord r, String bootId, Instant now) {
    HostRecord.Staged s = r.staged();
    if (s != null && s.rebootAskedIn(bootId) && s.rebootAt() != null
        && Instant.parse(s.rebootAt()).plus(REBOOT_GRACE).isAfter(now)) {
      return "requested at " + s.rebootAt() + "; waiting for it";
    }
    return null;
  }

  /** The record once the reboot coordinator gave a slot in {@code bootId}. */
  public static HostRecord slotTaken(HostRecord r, String bootId, Instant now) {
    return r.withRebootSlot(new HostRecord.Lock(true, bootId, now.toString()));
  }

  /** The record as the reboot is asked for: written before it is, so the next boot knows it was asked. */
  public static HostRecord rebootAsked(HostRecord r, String bootId, Instant now) {
    return r.withStaged(r.staged().withReboot(bootId, now.toString()));
  }

  /** The record when the reboot could not be asked for after all: it may be asked for again at once. */
  public static HostRecord rebootFailed(HostRecord r) {
    return r.staged() == null ? r : r.withStaged(r.staged().withReboot(null, null));
  }

  /**
   * Whether to tell the reboot coordinator the host is in steady state: once the boot a slot was taken
   * in is over, and once when the agent starts (as Zincati does), never while a reboot asked for is
   * pending.
   */
  public static boolean releaseSlot(HostRecord r, String bootId, boolean firstCycle) {
    boolean rebootPending = r.staged() != null && r.staged().rebootAskedIn(bootId);
    boolean heldFromBefore = r.rebootSlot() != null && r.rebootSlot().held() && !bootId.equals(r.rebootSlot().bootId());
    return !rebootPending && (heldFromBefore || firstCycle);
  }

  /** The record at the end of a cycle that found the host {@code status} against {@code revision}. */
  public static HostRecord concluded(HostRecord r, SyncStatus status, String revision) {
    return status == SyncStatus.IN_SYNC && revision != null ? r.withLastAppliedRevision(revision) : r;
  }

  static ImageSpec spec(HostRecord.Staged s) {
    Transport t = Transport.of(s.transport());
    if (t == Transport.OSTREE) {
      return ImageSpec.of(dev.bootfleet.core.manifest.OstreeTarget.parse(s.ref()));
    }
    return new ImageSpec(s.ref(), t, s.enforce(), t == Transport.OCI ? null : ImageRef.parse(s.ref()));
  }

  /** The form Git's references take ({@code ImageSpec.switchTarget}); an unparsable one as it is. */
  static String canonical(String ref) {
    try {
      return ImageRef.parse(ref).canonical();
    } catch (IllegalArgumentException e) {
      return ref;
    }
  }

  /**
   * The image reference of a deployment, or {@code REMOTE:REF@COMMIT} of one that follows an ostree ref
   * (the form of an ostree target's name); null when it has neither.
   */
  public static String imageOf(BootEntry e) {
    if (e != null && e.image() == null && e.origin() != null) {
      return e.origin().target();
    }
    return e == null || e.image() == null ? null : e.image().image().image();
  }
}
