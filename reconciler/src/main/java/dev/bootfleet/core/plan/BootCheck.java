package dev.bootfleet.core.plan;

import dev.bootfleet.core.manifest.ImageSpec;
import dev.bootfleet.core.observed.ObservedHost;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Tells, after a boot, what became of an image the agent staged (docs/adr/0006, bootc.md section 10):
 * it runs now (converged), the staged entry vanished (finalization lost or failed), the bootloader fell
 * back to the previous deployment, or someone rolled back from it. Pure.
 */
public final class BootCheck {
  /** How a staged image fared across a boot. The ids are what reports and logs say. */
  public enum Outcome {
    /** Nothing staged by the agent. */
    NONE("none"),
    /** Staged, and no boot since (or the staged entry is still there). */
    PENDING("pending"),
    /** The host booted the staged image. */
    CONVERGED("converged"),
    /** The agent rebooted for it, yet the host booted the old image and nothing is staged. */
    STAGED_LOST("staged-update-lost"),
    /** The entry was locked (download-only) and a reboot the agent did not ask for discarded it: as meant. */
    STAGED_DISCARDED("staged-entry-discarded"),
    /** The new image did not boot; the bootloader chose the old one, and the new one is queued again. */
    BOOTLOADER_FALLBACK("bootloader-fallback"),
    /** The host booted the old image with the new one in the rollback slot, not queued: a rollback. */
    EXPLICIT_ROLLBACK("explicit-rollback");

    private final String id;

    Outcome(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    @Override
    public String toString() {
      return id;
    }
  }

  /**
   * What the agent recorded when it staged an image.
   *
   * @param image what it staged
   * @param bootId the boot in which it staged it
   * @param locked whether it locked the entry (download-only) so that only its own reboot applies it
   * @param rebootRequested whether it asked for the reboot that should apply it
   */
  public record Staged(ImageSpec image, String bootId, boolean locked, boolean rebootRequested) {}

  private static final Planner MATCH = new Planner(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

  private BootCheck() {}

  public static Outcome classify(Staged record, String bootId, ObservedHost host) {
    if (record == null) {
      return Outcome.NONE;
    }
    if (record.bootId().equals(bootId) || MATCH.matches(record.image(), host.staged())) {
      return Outcome.PENDING;
    }
    if (MATCH.matches(record.image(), host.booted())) {
      return Outcome.CONVERGED;
    }
    if (MATCH.matches(record.image(), host.rollback())) {
      return host.rollbackQueued() ? Outcome.BOOTLOADER_FALLBACK : Outcome.EXPLICIT_ROLLBACK;
    }
    return record.locked() && !record.rebootRequested() ? Outcome.STAGED_DISCARDED : Outcome.STAGED_LOST;
  }
}
