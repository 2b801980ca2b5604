package dev.bootfleet.core.lifecycle;

import java.util.ArrayList;
import java.util.List;

/**
 * What a host's lifecycle remembers between cycles and boots, and that no status document can say: what
 * was staged and in which boot, the lost updates in a row, a hold, the images it may stage again, the
 * reboot slot it took, how the last boot went and the last revision it fully applied. An immutable value:
 * {@link HostLifecycle} returns a new one with each decision; the agent stores it in {@code state.json}
 * and the server in its store.
 *
 * @param staged what was staged, or null
 * @param lostAttempts staged updates lost in a row; {@link HostLifecycle#MAX_LOST} make a hold
 * @param hold the hold on an image, or null
 * @param restageable canonical references that may be staged again although they sit in the rollback
 *     slot (see {@code HostHistory}), oldest first, at most {@link #RESTAGEABLE_KEPT}
 * @param rebootSlot the reboot slot taken from the reboot coordinator, or null
 * @param lastBoot how the last boot went, or null
 * @param lastAppliedRevision the last revision the host was found in sync with, or null
 */
public record HostRecord(Staged staged, int lostAttempts, Hold hold, List<String> restageable, Lock rebootSlot,
    Boot lastBoot, String lastAppliedRevision) {
  /** How many images {@link #restageable} keeps. */
  public static final int RESTAGEABLE_KEPT = 10;

  public static final HostRecord EMPTY = new HostRecord(null, 0, null, List.of(), null, null, null);

  public HostRecord {
    restageable = List.copyOf(restageable);
  }

  /**
   * @param ref the canonical reference staged
   * @param transport its transport id
   * @param enforce whether the signature policy is enforced
   * @param bootId the boot in which it was staged
   * @param from what was booted then (null: not a container image)
   * @param locked whether the entry is locked (download-only, or rpm-ostree's finalization lock)
   * @param rebootBootId the boot in which the reboot that applies it was asked for, or null
   * @param rebootAt when it was asked for
   * @param checksum rpm-ostree hosts: the staged deployment's ostree commit, or null (bootc)
   * @param serial rpm-ostree hosts: its deploy serial, or null; with the commit it tells a package or
   *     kernel-argument change apart from the deployment it was built from, whose image is the same
   */
  public record Staged(String ref, String transport, boolean enforce, String bootId, String from, boolean locked,
      String rebootBootId, String rebootAt, String checksum, Integer serial) {
    public Staged(String ref, String transport, boolean enforce, String bootId, String from, boolean locked) {
      this(ref, transport, enforce, bootId, from, locked, null, null, null, null);
    }

    public Staged withLocked(boolean l) {
      return new Staged(ref, transport, enforce, bootId, from, l, rebootBootId, rebootAt, checksum, serial);
    }

    public Staged withReboot(String boot, String at) {
      return new Staged(ref, transport, enforce, bootId, from, locked, boot, at, checksum, serial);
    }

    public Staged withDeployment(String commit, Integer deploySerial) {
      return new Staged(ref, transport, enforce, bootId, from, locked, rebootBootId, rebootAt, commit, deploySerial);
    }

    Staged inBoot(String boot) {
      return new Staged(ref, transport, enforce, boot, from, locked, null, null, checksum, serial);
    }

    /** Whether this names one deployment by commit and serial (rpm-ostree), not only by image. */
    public boolean byDeployment() {
      return checksum != null && serial != null;
    }

    /** Whether the reboot that applies it was asked for in {@code boot}. */
    public boolean rebootAskedIn(String boot) {
      return boot.equals(rebootBootId);
    }
  }

  /**
   * @param outcome the boot outcome that made it: explicit-rollback, bootloader-fallback or
   *     staged-update-lost
   * @param rollbackReverted after a bootloader fallback: whether the queued return to the failed image
   *     was reverted, so that the fallback sticks (done at most once per hold)
   */
  public record Hold(String ref, String outcome, String reason, String since, boolean rollbackReverted) {
    public Hold withRollbackReverted() {
      return new Hold(ref, outcome, reason, since, true);
    }
  }

  public record Lock(boolean held, String bootId, String at) {}

  public record Boot(String bootId, String outcome, String ref, String at) {}

  public HostRecord withStaged(Staged s) {
    return new HostRecord(s, lostAttempts, hold, restageable, rebootSlot, lastBoot, lastAppliedRevision);
  }

  public HostRecord withHold(Hold h) {
    return new HostRecord(staged, lostAttempts, h, restageable, rebootSlot, lastBoot, lastAppliedRevision);
  }

  public HostRecord withLostAttempts(int n) {
    return new HostRecord(staged, n, hold, restageable, rebootSlot, lastBoot, lastAppliedRevision);
  }

  public HostRecord withRebootSlot(Lock l) {
    return new HostRecord(staged, lostAttempts, hold, restageable, l, lastBoot, lastAppliedRevision);
  }

  public HostRecord withLastBoot(Boot b) {
    return new HostRecord(staged, lostAttempts, hold, restageable, rebootSlot, b, lastAppliedRevision);
  }

  public HostRecord withLastAppliedRevision(String r) {
    return new HostRecord(staged, lostAttempts, hold, restageable, rebootSlot, lastBoot, r);
  }

  /** {@code ref} may be staged again although it sits in the rollback slot (the newest last). */
  public HostRecord remember(String ref) {
    List<String> r = new ArrayList<>(restageable);
    r.remove(ref);
    r.add(ref);
    while (r.size() > RESTAGEABLE_KEPT) {
      r.remove(0);
    }
    return new HostRecord(staged, lostAttempts, hold, r, rebootSlot, lastBoot, lastAppliedRevision);
  }

  /** {@code ref} may no longer be staged again from the rollback slot. */
  public HostRecord forget(String ref) {
    List<String> r = new ArrayList<>(restageable);
    r.remove(ref);
    return new HostRecord(staged, lostAttempts, hold, r, rebootSlot, lastBoot, lastAppliedRevision);
  }

  /**
   * What an operator's {@code clear-hold} does: the held image may be staged again, and the lost-update
   * count starts afresh.
   */
  public HostRecord clearHold() {
    if (hold == null) {
      return this;
    }
    return remember(hold.ref()).withHold(null).withLostAttempts(0);
  }
}
