package dev.bootfleet.core.lifecycle;

import dev.bootfleet.core.observed.BootEntry;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.plan.BootCheck;
import dev.bootfleet.core.plan.BootCheck.Outcome;

/**
 * {@link BootCheck} for what was staged on an rpm-ostree host, told by deployment (ostree commit and
 * deploy serial) rather than by image: a package or kernel-argument change keeps the image, so only the
 * deployment says whether the host booted it, fell back from it or lost it. The outcomes and their
 * meaning are {@link BootCheck}'s.
 */
final class DeploymentCheck {
  private DeploymentCheck() {}

  static Outcome classify(HostRecord.Staged record, String bootId, ObservedHost host) {
    if (record == null) {
      return Outcome.NONE;
    }
    if (record.bootId().equals(bootId) || same(record, host.staged())) {
      return Outcome.PENDING;
    }
    if (same(record, host.booted())) {
      return Outcome.CONVERGED;
    }
    if (same(record, host.rollback())) {
      return host.rollbackQueued() ? Outcome.BOOTLOADER_FALLBACK : Outcome.EXPLICIT_ROLLBACK;
    }
    return record.locked() && record.rebootBootId() == null ? Outcome.STAGED_DISCARDED : Outcome.STAGED_LOST;
  }

  private static boolean same(HostRecord.Staged record, BootEntry e) {
    return e != null && record.checksum().equals(e.ostreeChecksum()) && record.serial().equals(e.deploySerial());
  }
}
