package dev.bootfleet.core.rollout;

import dev.bootfleet.core.image.Digest;
import dev.bootfleet.core.manifest.RolloutPolicy.RebootMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the engine decided at one instant; the server carries it out and records it.
 *
 * @param stage hosts that may stage their desired image now (staging ignores windows)
 * @param reboot hosts that may reboot now, in wave order
 * @param rollback hosts to tell to roll back: they boot a rejected digest and were never told for it
 * @param unstage hosts that have a rejected digest staged (not booted): the staged deployment must go
 *     before any reboot finalises it
 * @param rejectNow digests this decision rejects fleet-wide (already in {@code next.rejected()})
 * @param next the run state to keep for the next decision
 * @param hosts every governed host's phase, by name
 */
public record Decision(Phase phase, List<String> stage, List<Reboot> reboot, List<String> rollback,
    List<String> unstage, List<Digest> rejectNow, RunState next, List<WaveStatus> waves, Map<String, HostPhase> hosts) {
  public Decision {
    stage = List.copyOf(stage);
    reboot = List.copyOf(reboot);
    rollback = List.copyOf(rollback);
    unstage = List.copyOf(unstage);
    rejectNow = List.copyOf(rejectNow);
    waves = List.copyOf(waves);
    hosts = Map.copyOf(hosts);
  }

  /** Where the rollout as a whole stands. */
  public enum Phase { PROGRESSING, SOAKING, AWAITING_APPROVAL, PAUSED, ABORTED, HALTED, COMPLETE }

  /** Where one host stands in the rollout. */
  public enum HostPhase {
    /** Not staged yet. */
    PENDING,
    /** Staged, waiting for a reboot slot or a window. */
    STAGED,
    /** Allowed to reboot; its health report is awaited (it counts as down). */
    REBOOTING,
    /** On the desired digest, healthy (or already there). */
    DONE,
    /** Failed its health gate or did not report within the timeout: held, counted against the threshold. */
    FAILED,
    /** Its desired or booted digest is rejected: it stages nothing, and rolls back if it boots it. */
    REJECTED,
    /** Not seen for the offline time: counts as down for a bounded time. */
    UNKNOWN,
    /** Unknown for longer than that: skipped, neither down nor blocking its wave, until it comes back. */
    SKIPPED
  }

  /** A reboot allowed now; {@code overridesWindow} when an urgent rollout reboots outside every window. */
  public record Reboot(String host, RebootMode mode, boolean overridesWindow) {}

  /**
   * One wave's counts.
   *
   * @param state {@code waiting} (not started), {@code soaking}, {@code awaiting-approval}, {@code active},
   *     {@code done}
   * @param startsAt when a soaking wave may start; empty otherwise
   */
  public record WaveStatus(String name, String state, int hosts, int done, int failed, int down, int skipped,
      Optional<Instant> startsAt) {}
}
