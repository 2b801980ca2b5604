package dev.bootfleet.core.manifest;

import dev.bootfleet.core.image.ImageLock;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The desired state of a whole fleet at one revision.
 *
 * @param revision what was read, for example {@code main@sha1:3f2a…} or {@code worktree}
 * @param hosts the hosts, sorted by name; only hosts without errors
 * @param problems every error and warning found, in file order
 * @param images what {@value ImageLock#FILE} says about pinned multi-architecture images (empty
 *     without one)
 * @param groups the groups without errors, source files read, lowest priority first (what {@code
 *     bootfleet bake --group} builds from)
 * @param declaredHosts how many hosts the revision declares (distinct names), those with errors included:
 *     what {@code validate} counts, where {@code hosts} would say 0 of a two-host fleet with one error
 * @param sources by host name: which layer gave each of its values, as {@link HostMerger} chose them
 * @param rollouts the rollouts without errors, by name (ADR 0021)
 */
public record Fleet(String revision, List<DesiredHost> hosts, List<Problem> problems, ImageLock images,
    List<Manifest.HostGroup> groups, int declaredHosts, Map<String, List<Provenance>> sources,
    List<Manifest.Rollout> rollouts) {
  public Fleet {
    rollouts = rollouts == null ? List.of() : List.copyOf(rollouts);
    hosts = List.copyOf(hosts);
    problems = List.copyOf(problems);
    images = images == null ? ImageLock.EMPTY : images;
    groups = groups == null ? List.of() : List.copyOf(groups);
    sources = sources == null ? Map.of() : Map.copyOf(sources);
  }

  /** A fleet without rollouts. */
  public Fleet(String revision, List<DesiredHost> hosts, List<Problem> problems, ImageLock images,
      List<Manifest.HostGroup> groups, int declaredHosts, Map<String, List<Provenance>> sources) {
    this(revision, hosts, problems, images, groups, declaredHosts, sources, List.of());
  }

  /** The rollout that governs {@code host}, if one does (at most one: two are an error). */
  public Optional<Manifest.Rollout> rolloutOf(DesiredHost host) {
    return rollouts.stream().filter(r -> r.policy().selector().matches(host.labels())).findFirst();
  }

  /** A fleet without a lock file or groups. */
  public Fleet(String revision, List<DesiredHost> hosts, List<Problem> problems) {
    this(revision, hosts, problems, ImageLock.EMPTY, List.of(), hosts.size(), Map.of());
  }

  public Optional<Manifest.HostGroup> group(String name) {
    return groups.stream().filter(g -> g.name().equals(name)).findFirst();
  }

  public boolean hasErrors() {
    return problems.stream().anyMatch(Problem::isError);
  }

  /** Which layer gave each value of host {@code name}; empty for a host not in {@link #hosts}. */
  public List<Provenance> sources(String name) {
    return sources.getOrDefault(name, List.of());
  }

  public Optional<DesiredHost> host(String name) {
    return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
  }
}
