package dev.bootfleet.core.server;

import dev.bootfleet.core.image.ImageLock;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.manifest.ImageLockFile;
import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.plan.Observation;
import dev.bootfleet.core.plan.Plan;
import dev.bootfleet.core.plan.Planner;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Incremental re-planning: after a new revision or a new report, only the hosts whose desired state or
 * observed documents differ from the last ones are planned again; every other host keeps its plan. The
 * desired states compare as values ({@link DesiredHost#equals}: every field the target's JSON carries), the
 * observed ones by the fingerprint of their documents. A change of the image lock re-plans every host (it
 * can change any match). Pure: the caller keeps the returned {@link State} and hands it back next time.
 */
public final class Replanner {
  private final Clock clock;

  public Replanner(Clock clock) {
    this.clock = clock;
  }

  /** What one host was planned from, and its plan. */
  public record Entry(DesiredHost desired, String observed, HostPlan plan) {}

  /** A host's observation with the fingerprint of the documents it came from (null: none reported). */
  public record Observed(Observation observation, String fingerprint) {}

  /**
   * The served revision's plans.
   *
   * @param hosts by host name, in the fleet's order (sorted by name)
   * @param unmanaged hosts that report but that the revision does not declare, sorted
   */
  public record State(Fleet fleet, String lock, Map<String, Entry> hosts, List<String> unmanaged) {
    public State {
      hosts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(hosts));
      unmanaged = List.copyOf(unmanaged);
    }

    public static final State EMPTY = new State(new Fleet("", List.of(), List.of()), "", Map.of(), List.of());

    /** The plan of every host, as {@code Planner.plan} gives it for the same inputs. */
    public Plan plan(Clock clock) {
      return new Plan(Plan.Mode.OBSERVED, fleet.revision(), null, clock.instant(),
          hosts.values().stream().map(Entry::plan).toList(), unmanaged);
    }
  }

  /** The new state and the hosts planned again. */
  public record Result(State state, Set<String> replanned) {}

  /**
   * Plans {@code fleet} against {@code observed}, reusing {@code last}'s plan of each host whose inputs
   * are unchanged.
   */
  public Result update(State last, Fleet fleet, Map<String, Observed> observed) {
    Planner planner = new Planner(clock, fleet.images());
    String lock = lockFingerprint(fleet.images());
    boolean all = !lock.equals(last.lock());
    Map<String, Entry> hosts = new java.util.LinkedHashMap<>();
    TreeSet<String> replanned = new TreeSet<>();
    List<DesiredHost> sorted = new ArrayList<>(fleet.hosts());
    sorted.sort(java.util.Comparator.comparing(DesiredHost::name));
    // Fingerprints and plans per host are independent: the common pool may split them (CONTRIBUTING.md).
    List<Entry> entries = sorted.parallelStream().map(h -> {
      Observed o = observed.get(h.name());
      String seen = o == null ? null : o.fingerprint();
      Entry before = last.hosts().get(h.name());
      // The same object after a report (the fleet is unchanged), an equal one after a commit elsewhere.
      if (!all && before != null && (before.desired() == h || before.desired().equals(h))
          && java.util.Objects.equals(before.observed(), seen)) {
        return before;
      }
      return new Entry(h, seen, planner.planHost(h, o == null ? null : o.observation()));
    }).toList();
    for (int i = 0; i < sorted.size(); i++) {
      Entry e = entries.get(i);
      hosts.put(sorted.get(i).name(), e);
      if (e != last.hosts().get(sorted.get(i).name())) {
        replanned.add(sorted.get(i).name());
      }
    }
    TreeSet<String> unmanaged = new TreeSet<>(observed.keySet());
    unmanaged.removeAll(hosts.keySet());
    return new Result(new State(fleet, lock, hosts, List.copyOf(unmanaged)), replanned);
  }

  /**
   * After new reports of {@code hosts} alone, the revision unchanged: plans just those hosts (a declared
   * one whose documents differ) and updates which reporting hosts the revision does not declare. The same
   * state as {@link #update}{@code (last, last.fleet(), observed)} would give, without visiting every host.
   */
  public Result reported(State last, Map<String, Observed> observed, Set<String> hosts) {
    Planner planner = null;
    Map<String, Entry> next = new java.util.LinkedHashMap<>(last.hosts());
    TreeSet<String> replanned = new TreeSet<>();
    TreeSet<String> unmanaged = new TreeSet<>(last.unmanaged());
    for (String name : hosts) {
      Observed o = observed.get(name);
      Entry before = last.hosts().get(name);
      if (before == null) {
        if (o == null) {
          unmanaged.remove(name);
        } else {
          unmanaged.add(name);
        }
        continue;
      }
      String seen = o == null ? null : o.fingerprint();
      if (java.util.Objects.equals(before.observed(), seen)) {
        continue;
      }
      planner = planner == null ? new Planner(clock, last.fleet().images()) : planner;
      next.put(name, new Entry(before.desired(), seen, planner.planHost(before.desired(), o == null ? null
          : o.observation())));
      replanned.add(name);
    }
    if (replanned.isEmpty() && unmanaged.equals(new TreeSet<>(last.unmanaged()))) {
      return new Result(last, replanned);
    }
    return new Result(new State(last.fleet(), last.lock(), next, List.copyOf(unmanaged)), replanned);
  }

  /** Hex SHA-256 of a text. */
  public static String fingerprint(String text) {
    return HexFormat.of().formatHex(Tokens.sha256(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static String lockFingerprint(ImageLock lock) {
    return lock.isEmpty() ? "-" : fingerprint(ImageLockFile.render(lock));
  }
}
