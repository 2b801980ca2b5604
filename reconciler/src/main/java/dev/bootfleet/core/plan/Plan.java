package dev.bootfleet.core.plan;

import java.time.Instant;
import java.util.List;

/**
 * A plan over a fleet. In {@link Mode#OBSERVED} mode it compares Git with what hosts report; in
 * {@link Mode#CHANGE} mode it compares two revisions of Git (what a pull request does).
 *
 * @param revision the Git revision planned (for a change plan: the head)
 * @param baseRevision for a change plan, the base revision; else null
 * @param unmanagedHosts hosts that report state but that Git does not declare, sorted
 */
public record Plan(Mode mode, String revision, String baseRevision, Instant generatedAt, List<HostPlan> hosts,
    List<String> unmanagedHosts) {
  public enum Mode { OBSERVED, CHANGE }

  public Plan {
    hosts = List.copyOf(hosts);
    unmanagedHosts = List.copyOf(unmanagedHosts);
  }

  public Summary summary() {
    return Summary.of(hosts);
  }

  /** Whether anything differs: a host to change, a held or unknown host, or an unmanaged one. */
  public boolean hasChanges() {
    return hosts.stream().anyMatch(h -> h.status().differs()) || !unmanagedHosts.isEmpty();
  }
}
