package dev.bootfleet.core.plan;

import dev.bootfleet.core.status.ChangeKind;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.EtcFile;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.manifest.ImageSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a change between two revisions of the fleet repository does to each host: the plan a pull
 * request shows. Needs no observed state. Pure.
 */
public final class ChangePlanner {
  private final Clock clock;

  public ChangePlanner(Clock clock) {
    this.clock = clock;
  }

  public Plan compare(Fleet base, Fleet head) {
    Map<String, DesiredHost> before = index(base);
    Map<String, DesiredHost> after = index(head);
    TreeSet<String> names = new TreeSet<>(before.keySet());
    names.addAll(after.keySet());
    List<HostPlan> hosts = new ArrayList<>();
    for (String name : names) {
      hosts.add(host(name, before.get(name), after.get(name)));
    }
    return new Plan(Plan.Mode.CHANGE, head.revision(), base.revision(), clock.instant(), hosts, List.of());
  }

  private static Map<String, DesiredHost> index(Fleet f) {
    return f.hosts().stream().collect(Collectors.toMap(DesiredHost::name, Function.identity(), (a, b) -> a,
        TreeMap::new));
  }

  private HostPlan host(String name, DesiredHost before, DesiredHost after) {
    if (after == null) {
      return new HostPlan(name, ChangeKind.REMOVED, "removed from Git: bootfleet stops managing it "
          + "(nothing is undone on the host)", List.of(), List.of(), before.image().switchTarget(),
          before.image().switchTarget());
    }
    List<Action> actions = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    ImageSpec was = before == null ? null : before.image();
    ImageSpec now = after.image();
    if (was == null || !sameSpec(was, now)) {
      actions.add(new Action.Stage(now.switchTarget(), now.transport().id(), now.enforceSignaturePolicy(),
          now.digest().map(Object::toString).orElse(null), was == null ? null : was.switchTarget()));
      if (was != null) {
        reasons.add("image " + Planner.shortRef(was.switchTarget()) + " -> " + Planner.shortRef(now.switchTarget()));
      }
    }
    Map<String, EtcFile> oldFiles = new TreeMap<>();
    if (before != null) {
      before.etc().forEach(e -> oldFiles.put(e.path(), e));
    }
    int files = 0;
    for (EtcFile e : after.etc()) {
      Action a = EtcChange.between(e, oldFiles.remove(e.path()));
      if (a != null) {
        actions.add(a);
        files++;
      }
    }
    for (EtcFile dropped : oldFiles.values()) {
      if (!dropped.absent()) {
        // Git no longer declares it: the file stays on hosts as it is; say so rather than plan a removal.
        reasons.add(dropped.path() + " no longer managed (left in place; use state: absent to remove it)");
      }
    }
    if (files > 0) {
      reasons.add(files + (files == 1 ? " /etc file" : " /etc files"));
    }
    var oldKargs = before == null ? null : before.kargs();
    if (!after.kargs().equals(oldKargs) && !(oldKargs == null && after.kargs().isEmpty())) {
      List<String> append = after.kargs().append().stream()
          .filter(k -> oldKargs == null || !oldKargs.append().contains(k)).toList();
      List<String> delete = after.kargs().delete().stream()
          .filter(k -> oldKargs == null || !oldKargs.delete().contains(k)).toList();
      if (!append.isEmpty() || !delete.isEmpty()) {
        actions.add(new Action.SetKargs(append, delete));
        reasons.add("kernel arguments");
      }
    }
    if (before == null) {
      return new HostPlan(name, ChangeKind.ADDED, "new host" + (reasons.isEmpty() ? "" : ": " + String.join(", ", reasons)),
          actions, List.of(), now.switchTarget(), null);
    }
    if (actions.isEmpty() && reasons.isEmpty()) {
      return new HostPlan(name, ChangeKind.UNCHANGED, "no change", List.of(), List.of(), now.switchTarget(),
          was.switchTarget());
    }
    return new HostPlan(name, ChangeKind.CHANGED, String.join("; ", reasons), actions, List.of(),
        now.switchTarget(), was.switchTarget());
  }

  private static boolean sameSpec(ImageSpec a, ImageSpec b) {
    return a.switchTarget().equals(b.switchTarget()) && a.transport() == b.transport()
        && a.enforceSignaturePolicy() == b.enforceSignaturePolicy();
  }
}
