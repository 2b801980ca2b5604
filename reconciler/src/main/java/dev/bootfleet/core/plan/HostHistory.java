package dev.bootfleet.core.plan;

import java.util.Set;

/**
 * What a host's agent remembers and {@code bootc status} cannot say (ADR 0003, ADR 0006).
 *
 * <p>{@code booted Y, rollback X} reads the same whether the host rolled back from X or the agent moved
 * it from X to Y on purpose and Git now names X again (a revert). Without a history the engine holds
 * such a host; with one, it switches back to X when the agent vouches for X.
 *
 * @param restageable canonical references ({@link dev.bootfleet.core.manifest.ImageSpec#switchTarget()})
 *     the agent may stage again although they sit in the rollback slot: images it left by a converged
 *     update of its own, or whose hold an operator cleared. An image the host rolled back from is never
 *     in this set until an operator clears it.
 */
public record HostHistory(Set<String> restageable) {
  public static final HostHistory NONE = new HostHistory(Set.of());

  public HostHistory {
    restageable = Set.copyOf(restageable);
  }

  public boolean mayRestage(String switchTarget) {
    return restageable.contains(switchTarget);
  }
}
