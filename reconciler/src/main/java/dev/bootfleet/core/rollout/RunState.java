package dev.bootfleet.core.rollout;

import dev.bootfleet.core.image.Digest;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What the server keeps of one rollout between the engine's decisions: when each wave finished, the
 * waves an operator approved, whether the run halted, and the digests rejected fleet-wide. A new
 * digest named in Git starts a new run ({@link #start}) that keeps the rejected digests: a rejected
 * digest stays rejected until an operator clears it.
 *
 * @param wavesDone by wave name: when the engine saw the wave finished
 * @param approved the waves an operator approved ({@code bootfleet rollout approve})
 * @param halted whether a wave crossed its success threshold
 * @param rejected digests no host may stage, fleet-wide
 */
public record RunState(Map<String, Instant> wavesDone, Set<String> approved, boolean halted, Set<Digest> rejected) {
  public static final RunState NEW = new RunState(Map.of(), Set.of(), false, Set.of());

  public RunState {
    wavesDone = Map.copyOf(wavesDone);
    approved = Set.copyOf(approved);
    rejected = Set.copyOf(rejected);
  }

  /** A new run for a new digest: nothing done, nothing approved, not halted; rejections kept. */
  public RunState start() {
    return new RunState(Map.of(), Set.of(), false, rejected);
  }

  public RunState approve(String wave) {
    var a = new java.util.HashSet<>(approved);
    a.add(wave);
    return new RunState(wavesDone, a, halted, rejected);
  }

  /** An operator clears a rejected digest (and with it the halt it caused). */
  public RunState clear(Digest digest) {
    var r = new java.util.HashSet<>(rejected);
    r.remove(digest);
    return new RunState(wavesDone, approved, false, r);
  }
}
