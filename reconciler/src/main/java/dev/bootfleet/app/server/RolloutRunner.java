package dev.bootfleet.app.server;

import dev.bootfleet.core.image.Digest;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.manifest.ImageSpec;
import dev.bootfleet.core.manifest.Manifest;
import dev.bootfleet.core.manifest.RolloutPolicy;
import dev.bootfleet.core.observed.BootEntry;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.port.FleetStore;
import dev.bootfleet.core.port.FleetStore.RolloutEvent;
import dev.bootfleet.core.port.FleetStore.RolloutHost;
import dev.bootfleet.core.port.FleetStore.RolloutRun;
import dev.bootfleet.core.rollout.Decision;
import dev.bootfleet.core.rollout.Decision.HostPhase;
import dev.bootfleet.core.rollout.HostState;
import dev.bootfleet.core.rollout.RolloutEngine;
import dev.bootfleet.core.rollout.RunState;
import dev.bootfleet.core.status.Reason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Carries the rollout engine's decisions out (ADR 0021, "Server"): on every replan and every tick it builds
 * each governed host's {@link HostState} from Git, its last report and what was told to it, runs {@link
 * RolloutEngine#decide}, keeps the next {@link RunState} and records what changed, once. Hosts learn the
 * decisions through their targets ({@link #target}). Called under {@link FleetService}'s lock only.
 */
final class RolloutRunner {
  private static final JsonMapper JSON = JsonMapper.shared();
  static final String GIT = "git";
  static final String SERVER = "server";

  /** A run as kept: the engine's state and what operators set. */
  record Run(String target, RunState state, boolean paused, boolean aborted, Instant at) {}

  private final FleetStore store;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final Map<String, RolloutHost> hosts = new ConcurrentHashMap<>();
  private final Map<String, Decision> decisions = new ConcurrentHashMap<>();
  /** Which rollout governs each host at the last decision. */
  private final Map<String, String> rolloutOfHost = new ConcurrentHashMap<>();
  private volatile Map<String, Manifest.Rollout> policies = Map.of();
  /** By rollout: what its last decision was made on, to decide again on what changed alone. */
  private final Map<String, Held> held = new ConcurrentHashMap<>(); // load() may clear it outside the lock

  /**
   * What a rollout's last decision was made on: the fleet, its hosts in the rollout, each one's {@link
   * HostState} as the engine saw it, and until when time alone cannot change the decision (null when it was
   * not settled, see {@link RolloutEngine#nextChange}). A report changes its host's state alone; a new fleet,
   * a reload or an operator's action starts again from scratch.
   */
  private static final class Held {
    final Fleet fleet;
    final String target;
    final Map<String, DesiredHost> governed = new java.util.LinkedHashMap<>();
    /** By name, in order: the engine sorts its hosts by name, and a sorted list sorts in one pass. */
    final Map<String, HostState> states = new TreeMap<>();
    Instant quietUntil;
    boolean settled;
    /** Each host's wave by name, worked out once for this fleet (the views and metrics count by wave). */
    Map<String, String> waves;

    Held(Fleet fleet, String target) {
      this.fleet = fleet;
      this.target = target;
    }
  }

  /**
   * Guards what {@link #target} and {@link #gate} read outside {@link FleetService}'s lock (a target's first
   * answer and a FleetLock request take no fleet-wide lock): {@link #load} replaces the runs and host records,
   * and a decision stores its run, records and decision, each as one step. A read between a load's clearing
   * and refilling served a governed host Git's digest as if no rollout governed it (found by RolloutChaosIT on
   * two PostgreSQL replicas, where every notice from the other replica reloads).
   */
  private final java.util.concurrent.locks.ReentrantReadWriteLock view =
      new java.util.concurrent.locks.ReentrantReadWriteLock();

  /** The fleet the last decision was made on: a target of another one waits for its decision ({@link #decidedOn}). */
  private volatile Fleet decided;

  /** Each rollout's stored version this replica's memory holds (a save is based on it: ADR 0021, "Server"). */
  private final Map<String, Long> versions = new HashMap<>();
  /** Set by a decision whose save found the stored run moved on (another replica saved it in between). */
  private boolean conflicted;
  /** Whether the last {@link #decide} or {@link #act} wrote a decision the other replicas must read. */
  private boolean recorded;

  RolloutRunner(FleetStore store) {
    this.store = store;
  }

  /** Whether the last decision or action wrote to the store: the other replicas are told to read it. */
  boolean recorded() {
    return recorded;
  }

  /** Reads what the store keeps (at start, and on a replica before it decides what another recorded). */
  void load() {
    Map<String, Run> stored = new HashMap<>();
    Map<String, Long> at = new HashMap<>();
    store.rolloutRuns().forEach((name, r) -> {
      stored.put(name, decode(r));
      at.put(name, r.version());
    });
    Map<String, RolloutHost> recs = store.rolloutHosts();
    held.clear();
    versions.clear();
    versions.putAll(at);
    view.writeLock().lock();
    try {
      runs.clear();
      runs.putAll(stored);
      hosts.clear();
      hosts.putAll(recs);
    } finally {
      view.writeLock().unlock();
    }
  }

  /**
   * Decides every rollout of {@code f} at {@code now}; with {@code record}, writes what changed (this replica
   * caused the change). Whether any target may have changed.
   */
  boolean decide(Fleet f, Map<String, FleetStore.StoredReport> reports, Map<String, ObservedHost> observed,
      Instant now, boolean record) {
    return decide(f, reports::get, observed::get, now, record, null);
  }

  /**
   * As {@link #decide(Fleet, Map, Map, Instant, boolean)}, reading each host's last report and observation
   * through {@code reports} and {@code observed}, on what changed since the last decision: {@code reported}
   * names the hosts whose reports are new (empty: only the time moved, the tick; null: anything may have).
   * Deciding again on the same fleet reads the reports of {@code reported} alone and runs the engine on the
   * held states; a tick before the next instant at which time alone can change a settled decision decides
   * nothing. Either gives what deciding from scratch gives ({@code RolloutRunnerTest}).
   */
  boolean decide(Fleet f, java.util.function.Function<String, FleetStore.StoredReport> reports,
      java.util.function.Function<String, ObservedHost> observed, Instant now, boolean record, Set<String> reported) {
    if (!record && !f.rollouts().isEmpty()) {
      load(); // what the replica that decided recorded
    }
    boolean same = held.size() == f.rollouts().size()
        && f.rollouts().stream().allMatch(r -> held.containsKey(r.name()) && held.get(r.name()).fleet == f);
    Map<String, Manifest.Rollout> byName = new TreeMap<>();
    f.rollouts().forEach(r -> byName.put(r.name(), r));
    policies = byName;
    held.keySet().retainAll(byName.keySet());
    boolean changes = false;
    recorded = false;
    Map<String, String> governs = same && reported != null ? null : new HashMap<>();
    for (Manifest.Rollout r : f.rollouts()) {
      conflicted = false;
      boolean c = decide(f, r, reports, observed, now, record, governs, reported);
      // another replica saved this rollout since this one read it: read what it recorded and decide anew
      for (int again = 0; conflicted && again < 3; again++) {
        conflicted = false;
        load();
        c = decide(f, r, reports, observed, now, record, governs, null) || true;
      }
      changes |= c;
    }
    view.writeLock().lock();
    try {
      if (governs != null) { // which rollout governs a host changes with the fleet alone
        changes |= !governs.equals(rolloutOfHost);
        rolloutOfHost.keySet().retainAll(governs.keySet());
        rolloutOfHost.putAll(governs);
      }
      decisions.keySet().retainAll(byName.keySet());
      decided = f;
    } finally {
      view.writeLock().unlock();
    }
    return changes;
  }

  /** A host's record as the rollout keeps it now and the state the engine sees. */
  private record Prepared(RolloutHost rec, HostState state) {}

  /**
   * The record of {@code h} (a new one when its rollout or desired digest changed; the image it boots noted
   * while its wave has not released it) and its {@link HostState}, from its last report and what it was told.
   */
  private Prepared prepare(DesiredHost h, Manifest.Rollout r, ObservedHost seen, FleetStore.StoredReport rep) {
    Digest want = desired(h);
    Digest booted = seen == null ? null : digestOf(seen.booted());
    Digest staged = seen == null ? null : digestOf(seen.staged());
    RolloutHost rec = hosts.get(h.name());
    if (rec == null || !rec.rollout().equals(r.name()) || !rec.desired().equals(want.toString())) {
      List<String> told = rec == null ? List.of() : rec.rollbackTold();
      // the run's from-image: what it kept, or the digest Git named before in the same repository
      String keep = rec == null ? null : !rec.released() && rec.keepRef() != null ? rec.keepRef()
          : h.image().parsed().repository() + "@" + rec.desired();
      rec = new RolloutHost(h.name(), r.name(), want.toString(), keep, want.equals(booted), null, told,
          HostPhase.PENDING.name());
    }
    if (!rec.released() && booted != null && !want.equals(booted)) { // what it boots, as it reports it
      String ref = seen.booted().image().image().image();
      if (!ref.equals(rec.keepRef())) {
        rec = with(rec, ref, rec.released(), rec.grantedAt(), rec.rollbackTold(), rec.phase());
      }
    }
    HostState.Health health = HostState.Health.NONE;
    if (rep != null && rec.grantedAt() != null && !rep.at().isBefore(rec.grantedAt())) {
      String said = rep.report().agentField("health");
      boolean silent = rep.report().agent() == null || !JSON.readTree(rep.report().agent()).has("health");
      // A report that says nothing of health (an agent without checks) passes the gate by booting the
      // desired digest alone; one that says anything but healthy or failed is still awaited.
      health = "healthy".equals(said) || silent && want.equals(booted) ? HostState.Health.HEALTHY
          : "failed".equals(said) ? HostState.Health.FAILED : HostState.Health.NONE;
    }
    boolean soft = seen != null && seen.staged() != null && seen.staged().softRebootCapable();
    Set<Digest> told = new LinkedHashSet<>();
    rec.rollbackTold().forEach(d -> told.add(Digest.parse(d)));
    return new Prepared(rec, new HostState(h.name(), h.labels(), null, want, booted, staged,
        rep == null ? null : rep.at(), rec.grantedAt(), health, soft, told));
  }

  private boolean decide(Fleet f, Manifest.Rollout r, java.util.function.Function<String, FleetStore.StoredReport> reports,
      java.util.function.Function<String, ObservedHost> observed, Instant now, boolean record, Map<String, String> governs,
      Set<String> reported) {
    String revision = f.revision();
    Held was = held.get(r.name());
    boolean incremental = reported != null && was != null && was.fleet == f;
    Held hold;
    Map<String, RolloutHost> recs = new TreeMap<>(); // the records this decision made or changed
    if (incremental && was.settled && (was.quietUntil == null || now.isBefore(was.quietUntil))
        && reported.stream().noneMatch(was.governed::containsKey)) {
      return false; // none of its hosts reported, and time alone changes nothing yet
    }
    if (incremental) {
      hold = was;
      // a settled decision stands when the reports changed nothing of their hosts but when they were seen
      Run current = runs.get(r.name());
      boolean stands = current != null && was.settled && (was.quietUntil == null || now.isBefore(was.quietUntil));
      for (String host : reported) {
        DesiredHost h = hold.governed.get(host);
        if (h != null) {
          Prepared p = prepare(h, r, observed.apply(host), reports.apply(host));
          stands = stands && p.rec().equals(hosts.get(host))
              && RolloutEngine.sameDecision(r.policy(), hold.states.get(host), p.state(), current.state(), now);
          recs.put(host, p.rec());
          hold.states.put(host, p.state());
        }
      }
      if (stands) {
        return false; // its next change by time alone only comes later: quietUntil stays a safe bound
      }
    } else {
      List<DesiredHost> governed = f.hosts().stream()
          .filter(h -> f.rolloutOf(h).map(x -> x.name().equals(r.name())).orElse(false))
          .filter(h -> desired(h) != null).toList();
      TreeSet<String> digests = new TreeSet<>();
      governed.forEach(h -> digests.add(desired(h).toString()));
      hold = new Held(f, String.join(",", digests));
      for (DesiredHost h : governed) {
        hold.governed.put(h.name(), h);
        Prepared p = prepare(h, r, observed.apply(h.name()), reports.apply(h.name()));
        recs.put(h.name(), p.rec());
        hold.states.put(h.name(), p.state());
      }
      held.put(r.name(), hold);
    }
    if (governs != null) {
      hold.governed.keySet().forEach(h -> governs.put(h, r.name()));
    }
    String target = hold.target;
    List<RolloutEvent> events = new ArrayList<>();
    Run before = runs.get(r.name());
    Run run = before;
    if (run == null || !run.target().equals(target)) {
      RunState start = run == null ? RunState.NEW : run.state().start();
      // an operator's pause holds whatever digest Git names next; an abort ends this run only
      run = new Run(target, start, run != null && run.paused(), false, now);
      events.add(new RolloutEvent(r.name(), null, revision, "started", GIT, "a run towards " + target, now));
    }
    RolloutPolicy policy = r.policy();
    if (run.paused() || run.aborted()) {
      policy = new RolloutPolicy(policy.selector(), policy.waves(), policy.maxUnavailable(), policy.budgets(),
          policy.successThreshold(), policy.soak(), policy.healthTimeout(), policy.offlineAfter(),
          policy.offlineCountFor(), policy.paused() || run.paused(), policy.aborted() || run.aborted(),
          policy.rebootMode(), policy.urgent(), policy.timeZone(), policy.windows());
    }
    List<HostState> states = List.copyOf(hold.states.values());
    Decision d = RolloutEngine.decide(policy, states, run.state(), now);
    Set<String> touched = new java.util.HashSet<>(); // hosts whose state the carrying out changes
    // carry it out: release, grant, tell to roll back; record each once. Only the replica that records does:
    // another one serves what the store says was released and granted (it re-read it above).
    java.util.function.Function<String, RolloutHost> recOf = host -> recs.getOrDefault(host, hosts.get(host));
    for (String host : record ? d.stage() : List.<String>of()) {
      RolloutHost rec = recOf.apply(host);
      if (!rec.released()) {
        recs.put(host, with(rec, rec.keepRef(), true, rec.grantedAt(), rec.rollbackTold(), rec.phase()));
        events.add(new RolloutEvent(r.name(), host, revision, "stage", SERVER, "may stage " + rec.desired(), now));
      }
    }
    for (Decision.Reboot rb : record ? d.reboot() : List.<Decision.Reboot>of()) {
      RolloutHost rec = recOf.apply(rb.host());
      recs.put(rb.host(), with(rec, rec.keepRef(), true, now, rec.rollbackTold(), rec.phase()));
      touched.add(rb.host());
      events.add(new RolloutEvent(r.name(), rb.host(), revision, "reboot", SERVER, "may " + rb.mode().id()
          + (rb.overridesWindow() ? " outside every window (urgent)" : ""), now));
    }
    for (String host : record ? d.rollback() : List.<String>of()) {
      RolloutHost rec = recOf.apply(host);
      HostState s = hold.states.get(host);
      List<String> told = new ArrayList<>(rec.rollbackTold());
      told.add(s.booted().toString());
      recs.put(host, with(rec, rec.keepRef(), rec.released(), rec.grantedAt(), told, rec.phase()));
      touched.add(host);
      events.add(new RolloutEvent(r.name(), host, revision, "rollback", SERVER, "told to roll back from "
          + s.booted(), now));
    }
    for (Map.Entry<String, HostPhase> e : d.hosts().entrySet()) {
      RolloutHost rec = recOf.apply(e.getKey());
      String phase = e.getValue().name();
      if (!phase.equals(rec.phase())) {
        String type = switch (e.getValue()) {
          case DONE -> rec.grantedAt() == null ? null : "healthy";
          case FAILED -> "failed";
          case UNKNOWN -> "unknown";
          case SKIPPED -> "skipped";
          default -> null;
        };
        if (type != null) {
          events.add(new RolloutEvent(r.name(), e.getKey(), revision, type, SERVER, phase.toLowerCase(java.util.Locale.ROOT)
              + " in wave " + waveOf(policy, hold.states.get(e.getKey())), now));
        }
        recs.put(e.getKey(), with(rec, rec.keepRef(), rec.released(), rec.grantedAt(), rec.rollbackTold(), phase));
      }
    }
    RunState next = d.next();
    for (Digest x : d.rejectNow()) {
      events.add(new RolloutEvent(r.name(), null, revision, "rejected", SERVER, x + " rejected fleet-wide", now));
    }
    if (next.halted() && !run.state().halted()) {
      events.add(new RolloutEvent(r.name(), null, revision, "halted", SERVER, "a wave crossed its success threshold",
          now));
    }
    for (String w : next.wavesDone().keySet()) {
      if (!run.state().wavesDone().containsKey(w)) {
        events.add(new RolloutEvent(r.name(), null, revision, "wave-done", SERVER, "wave " + w + " done", now));
      }
    }
    Run after = new Run(run.target(), next, run.paused(), run.aborted(), run.at());
    boolean hostsChanged = recs.entrySet().stream().anyMatch(e -> !e.getValue().equals(hosts.get(e.getKey())));
    boolean changed = !after.equals(before) || hostsChanged || !events.isEmpty();
    long basedOn = versions.getOrDefault(r.name(), 0L);
    boolean saved = true;
    if (changed && record && incremental) { // the same hosts: what changed alone
      saved = store.saveRolloutChanges(encode(r.name(), after, basedOn), recs.values().stream()
          .filter(x -> !x.equals(hosts.get(x.host()))).toList(), events);
    } else if (changed && record) {
      saved = store.saveRollout(encode(r.name(), after, basedOn), List.copyOf(recs.values()), events);
    }
    if (!saved) {
      conflicted = true; // nothing written and nothing kept: the caller reads the store and decides again
      held.remove(r.name());
      return false;
    }
    if (changed && record) {
      versions.put(r.name(), basedOn + 1);
      recorded = true;
    }
    Decision old;
    view.writeLock().lock(); // the run, its records and its decision, served together
    try {
      runs.put(r.name(), after);
      if (!incremental) {
        hosts.values().removeIf(x -> x.rollout().equals(r.name()) && !recs.containsKey(x.host()));
      }
      hosts.putAll(recs);
      old = decisions.put(r.name(), d);
    } finally {
      view.writeLock().unlock();
    }
    // what the carrying out changed (a grant, a rollback told) is part of those hosts' states from now on
    for (String host : touched) {
      DesiredHost h = hold.governed.get(host);
      hold.states.put(host, prepare(h, r, observed.apply(host), reports.apply(host)).state());
    }
    // Settled: deciding again on the same states gives the same decision until time alone changes it.
    hold.settled = record && touched.isEmpty() && d.reboot().isEmpty() && next.equals(run.state());
    hold.quietUntil = hold.settled ? RolloutEngine.nextChange(policy, states, next, now).orElse(null) : null;
    return changed || old == null || !old.equals(d);
  }

  private static String waveOf(RolloutPolicy p, HostState s) {
    if (s == null) {
      return "?";
    }
    for (RolloutPolicy.Wave w : p.wavesWithRest()) {
      if (w.selector().matches(s.labels())) {
        return w.name();
      }
    }
    return RolloutPolicy.REST;
  }

  private static RolloutHost with(RolloutHost r, String keep, boolean released, Instant granted, List<String> told,
      String phase) {
    return new RolloutHost(r.host(), r.rollout(), r.desired(), keep, released, granted, told, phase);
  }

  /** The digest Git pins for the host; null when its image is not pinned (no rollout governs it then). */
  static Digest desired(DesiredHost h) {
    return h.image() == null ? null : h.image().digest().orElse(null);
  }

  /** The digest a deployment runs: the one its reference pins, else the manifest bootc pulled. */
  static Digest digestOf(BootEntry e) {
    if (e == null || e.image() == null) {
      return null;
    }
    try {
      Optional<Digest> pinned = ImageRef.parse(e.image().image().image()).digestIfPinned();
      return pinned.orElseGet(() -> Digest.parse(e.image().imageDigest()));
    } catch (IllegalArgumentException x) {
      return null;
    }
  }

  /**
   * What a FleetLock request of {@code host} meets from its rollout (ADR 0021): the last decision, and
   * whether the rollout's windows are open at {@code now} (in the rollout's zone, else UTC: the server
   * does not know a host's own zone); null when no rollout governs the host, and for a host told to roll back
   * from a digest its rollout rejected: that reboot is the rollback's, which no window or wave holds (the slots
   * alone decide; the host is down already).
   */
  LeaseService.Gate gate(String host, Instant now) {
    view.readLock().lock();
    try {
      return gateOf(host, now);
    } finally {
      view.readLock().unlock();
    }
  }

  private LeaseService.Gate gateOf(String host, Instant now) {
    String name = rolloutOfHost.get(host);
    Decision d = name == null ? null : decisions.get(name);
    Manifest.Rollout r = name == null ? null : policies.get(name);
    if (d == null || r == null) {
      return null;
    }
    RolloutHost rec = hosts.get(host);
    Run run = runs.get(name);
    if (rec != null && run != null
        && rec.rollbackTold().stream().anyMatch(x -> run.state().rejected().contains(Digest.parse(x)))) {
      return null;
    }
    return new LeaseService.Gate(d, r.policy().urgent()
        || dev.bootfleet.core.rollout.RebootWindows.of(r.policy(), java.time.ZoneOffset.UTC).isOpen(now));
  }

  /** Whether the last decision was made on {@code f} (the same instance), so that its targets are {@code f}'s. */
  boolean decidedOn(Fleet f) {
    return decided == f;
  }

  /** The rollout governing {@code host} at the last decision, if one does. */
  Optional<String> rolloutOf(String host) {
    return Optional.ofNullable(rolloutOfHost.get(host));
  }

  /**
   * {@code h} as its rollout lets it be now, and the target's {@code rollout} part; null when no rollout governs
   * it. A host its wave has not released keeps the image it boots (or Git's earlier digest); a host whose desired
   * digest is rejected too; a host booting a rejected digest is told to roll back from it.
   */
  Targeted target(DesiredHost h) {
    view.readLock().lock();
    try {
      return targetOf(h);
    } finally {
      view.readLock().unlock();
    }
  }

  private Targeted targetOf(DesiredHost h) {
    String name = rolloutOfHost.get(h.name());
    Decision d = name == null ? null : decisions.get(name);
    RolloutHost rec = hosts.get(h.name());
    Run run = name == null ? null : runs.get(name);
    if (d == null || rec == null || run == null) {
      return null;
    }
    HostPhase phase = d.hosts().get(h.name());
    Digest want = desired(h);
    boolean rejected = want != null && run.state().rejected().contains(want);
    ObjectNode o = JSON.createObjectNode();
    o.put("name", name);
    o.put("phase", phase == null ? null : phase.name().toLowerCase(java.util.Locale.ROOT));
    o.put("runPhase", d.phase().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    DesiredHost served = h;
    // a record of another digest (Git moved on, not decided yet): what that record let the host have, never more
    boolean other = want != null && !rec.desired().equals(want.toString());
    if (rejected || !rec.released() || other) {
      String keep = other && rec.released() ? h.image().parsed().repository() + "@" + rec.desired() : rec.keepRef();
      served = withImage(h, keep);
      Reason why = rejected ? Reason.DIGEST_REJECTED : Reason.WAITING_FOR_WAVE;
      o.put("reason", why.id());
      o.put("message", rejected ? want + " is rejected: " + Reason.UNTIL_GIT_OR_OPERATOR
          : "keeps " + (keep == null ? "its image" : keep) + " until its wave may stage "
              + want + " (" + d.phase().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")");
    } else {
      o.putNull("reason");
    }
    boolean reboot = rec.grantedAt() != null && phase == HostPhase.REBOOTING && !rejected && !other;
    o.put("reboot", reboot);
    Decision.Reboot rb = d.reboot().stream().filter(x -> x.host().equals(h.name())).findFirst().orElse(null);
    if (reboot) {
      o.put("rebootMode", rb == null ? RolloutPolicy.RebootMode.REBOOT.id() : rb.mode().id());
      o.put("rebootAllowedAt", rec.grantedAt().toString());
    }
    String from = null;
    for (String x : rec.rollbackTold()) {
      if (run.state().rejected().contains(Digest.parse(x))) {
        from = x;
      }
    }
    o.put("rollbackFrom", from);
    o.put("unstage", d.unstage().contains(h.name()));
    return new Targeted(served, o);
  }

  /** A host's desired state as served, and the target's rollout part. */
  record Targeted(DesiredHost host, ObjectNode rollout) {}

  /**
   * {@code h} with the image {@code ref}; {@code h} itself when there is none to keep (a host the server never
   * heard from and never served before has nothing to keep: it is served Git's image, ADR 0021 "Server").
   */
  private static DesiredHost withImage(DesiredHost h, String ref) {
    if (ref == null) {
      return h;
    }
    ImageSpec image;
    try {
      image = new ImageSpec(ref, h.image().transport(), h.image().enforceSignaturePolicy(), ImageRef.parse(ref));
    } catch (IllegalArgumentException e) {
      return h;
    }
    return new DesiredHost(h.name(), h.labels(), image, h.etc(), h.kargs(), h.driver(), h.packages(), h.flatpak(),
        h.groups(), h.file());
  }

  // --- operators

  /** What an operator may do to a run. */
  enum Action { PAUSE, RESUME, ABORT, APPROVE, CLEAR }

  /** An operator's action was refused: 404 (no such rollout or wave) or 409 (not now). */
  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /**
   * Applies an operator's action to the run of {@code rollout}, recorded with {@code who}; the caller decides
   * again. {@code arg}: the wave to approve, or the digest to clear.
   */
  void act(String rollout, Action action, String arg, String who, String revision, Instant now) {
    load(); // what every replica recorded: an action is decided on the stored run, never on an older memory of it
    Manifest.Rollout r = policies.get(rollout);
    Run run = runs.get(rollout);
    if (r == null || run == null) {
      throw new Refused(404, "no rollout \"" + rollout + "\" in the served revision");
    }
    Run next;
    String message;
    switch (action) {
      case PAUSE -> {
        if (run.paused()) {
          throw new Refused(409, "rollout \"" + rollout + "\" is paused already");
        }
        next = new Run(run.target(), run.state(), true, run.aborted(), run.at());
        message = "paused";
      }
      case RESUME -> {
        if (!run.paused()) {
          throw new Refused(409, "rollout \"" + rollout + "\" is not paused by an operator"
              + (r.policy().paused() ? " (Git pauses it: spec.paused)" : ""));
        }
        next = new Run(run.target(), run.state(), false, run.aborted(), run.at());
        message = "resumed";
      }
      case ABORT -> {
        if (run.aborted()) {
          throw new Refused(409, "rollout \"" + rollout + "\" is aborted already");
        }
        next = new Run(run.target(), run.state(), run.paused(), true, run.at());
        message = "aborted";
      }
      case APPROVE -> {
        List<String> waves = r.policy().wavesWithRest().stream().map(RolloutPolicy.Wave::name).toList();
        String wave = arg;
        if (wave == null) {
          wave = r.policy().wavesWithRest().stream().filter(RolloutPolicy.Wave::approval)
              .map(RolloutPolicy.Wave::name).filter(w -> !run.state().approved().contains(w)).findFirst()
              .orElseThrow(() -> new Refused(409, "rollout \"" + rollout + "\" has no wave awaiting approval"));
        } else if (!waves.contains(wave)) {
          throw new Refused(404, "wave \"" + wave + "\" is not one of rollout \"" + rollout + "\" (expected one of "
              + String.join(", ", waves) + ")");
        }
        next = new Run(run.target(), run.state().approve(wave), run.paused(), run.aborted(), run.at());
        message = "approved wave " + wave;
      }
      case CLEAR -> {
        Digest digest;
        try {
          digest = Digest.parse(Objects.requireNonNull(arg));
        } catch (IllegalArgumentException | NullPointerException e) {
          throw new Refused(400, "digest: " + arg + " is not a digest (expected sha256:<64 hex digits>)");
        }
        if (!run.state().rejected().contains(digest)) {
          throw new Refused(404, digest + " is not rejected in rollout \"" + rollout + "\"");
        }
        next = new Run(run.target(), run.state().clear(digest), run.paused(), run.aborted(), run.at());
        message = "cleared " + digest;
      }
      default -> throw new IllegalStateException();
    }
    held.remove(rollout); // decided again from scratch
    String type = action == Action.CLEAR ? "cleared" : message.split(" ")[0];
    List<RolloutHost> recs = hosts.values().stream().filter(x -> x.rollout().equals(rollout)).toList();
    long basedOn = versions.getOrDefault(rollout, 0L);
    if (!store.saveRollout(encode(rollout, next, basedOn), recs,
        List.of(new RolloutEvent(rollout, null, revision, type, who, message, now)))) {
      throw new Refused(409, "rollout \"" + rollout + "\" changed on another replica meanwhile; try again");
    }
    versions.put(rollout, basedOn + 1);
    recorded = true;
    view.writeLock().lock();
    try {
      runs.put(rollout, next);
    } finally {
      view.writeLock().unlock();
    }
  }

  // --- views

  /** {@code GET /v1/rollouts}. */
  ObjectNode list(String revision) {
    ObjectNode root = JSON.createObjectNode();
    root.put("revision", revision);
    ArrayNode a = root.putArray("rollouts");
    policies.keySet().forEach(n -> a.add(summary(n)));
    return root;
  }

  private ObjectNode summary(String name) {
    Decision d = decisions.get(name);
    Run run = runs.get(name);
    ObjectNode o = JSON.createObjectNode();
    o.put("name", name);
    o.put("phase", d == null ? null : d.phase().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    o.put("target", run == null ? null : run.target());
    o.put("paused", run != null && run.paused());
    o.put("aborted", run != null && run.aborted());
    o.put("halted", run != null && run.state().halted());
    ArrayNode rej = o.putArray("rejected");
    if (run != null) {
      new TreeSet<>(run.state().rejected().stream().map(Digest::toString).toList()).forEach(rej::add);
    }
    return o;
  }

  /** {@code GET /v1/rollouts/{id}}; null when the served revision has no such rollout. */
  ObjectNode show(String name, int events, Instant now) {
    Manifest.Rollout r = policies.get(name);
    Decision d = decisions.get(name);
    if (r == null || d == null) {
      return null;
    }
    Run run = runs.get(name);
    ObjectNode o = summary(name);
    o.put("startedAt", run.at().toString());
    ArrayNode approved = o.putArray("approved");
    new TreeSet<>(run.state().approved()).forEach(approved::add);
    RolloutPolicy p = r.policy();
    o.put("urgent", p.urgent());
    o.put("rebootMode", p.rebootMode().id());
    o.put("timeZone", p.timeZone().map(Object::toString).orElse("host"));
    windows(o.putArray("windows"), p, now);
    int inUse = 0;
    Set<String> leased = new java.util.HashSet<>();
    store.leases().held().stream().filter(l -> now.isBefore(l.expires())).forEach(l -> leased.add(l.holder()));
    ArrayNode waves = o.putArray("waves");
    for (Decision.WaveStatus w : d.waves()) {
      Map<String, Integer> counts = counts(name, d, p, w.name(), leased);
      ObjectNode x = waves.addObject().put("name", w.name()).put("state", w.state()).put("hosts", w.hosts())
          .put("down", w.down()).put("skipped", w.skipped());
      RolloutPolicy.Wave spec = p.wavesWithRest().stream().filter(v -> v.name().equals(w.name())).findFirst()
          .orElseThrow();
      x.put("maxUnavailable", spec.maxUnavailable().orElse(p.maxUnavailable()).of(w.hosts()));
      x.put("approval", spec.approval());
      x.put("doneAt", run.state().wavesDone().containsKey(w.name())
          ? run.state().wavesDone().get(w.name()).toString() : null);
      x.put("startsAt", w.startsAt().map(Instant::toString).orElse(null));
      ObjectNode c = x.putObject("counts");
      counts.forEach(c::put);
      inUse += w.down();
    }
    o.put("budgetInUse", inUse);
    ArrayNode hs = o.putArray("hosts");
    d.hosts().forEach((host, phase) -> {
      RolloutHost rec = hosts.get(host);
      hs.addObject().put("name", host).put("phase", phase.name().toLowerCase(java.util.Locale.ROOT))
          .put("released", rec != null && rec.released())
          .put("rebootAllowedAt", rec == null || rec.grantedAt() == null ? null : rec.grantedAt().toString());
    });
    ArrayNode ev = o.putArray("events");
    for (RolloutEvent e : store.rolloutEvents(name, events)) {
      ev.addObject().put("at", e.at().toString()).put("revision", e.revision()).put("type", e.type())
          .put("host", e.host()).put("who", e.who()).put("message", e.message());
    }
    return o;
  }

  /**
   * Each maintenance window of {@code p} as written, whether it is open at {@code now} and, when closed, when it
   * next opens: read in the rollout's zone, else in UTC (the server does not know a host's own zone; {@link #gate}
   * reads them so too), by {@code core.rollout.RebootWindows}, the rules the engine and the lease gate apply.
   */
  private static void windows(ArrayNode out, RolloutPolicy p, Instant now) {
    java.time.ZoneId zone = p.timeZone().orElse(java.time.ZoneId.of("UTC"));
    String written = p.timeZone().map(Object::toString).orElse("host");
    for (RolloutPolicy.WindowSpec spec : p.windows()) {
      ObjectNode w = out.addObject();
      switch (spec) {
        case RolloutPolicy.Weekly k -> {
          w.put("form", "weekly");
          ArrayNode days = w.putArray("days");
          new TreeSet<>(k.days()).forEach(d -> days.add(
              d.getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.ROOT)));
          w.put("start_time", k.start().toString());
          w.put("length_minutes", k.lengthMinutes());
          w.put("time_zone", written);
        }
        case RolloutPolicy.Cron c -> {
          w.put("form", "cron");
          w.put("expression", c.schedule());
          w.put("duration", dev.bootfleet.core.manifest.DurationText.format(c.duration()));
          w.put("zone", written);
        }
      }
      dev.bootfleet.core.rollout.RebootWindows one = dev.bootfleet.core.rollout.RebootWindows.of(List.of(spec), zone);
      boolean open = one.isOpen(now);
      w.put("evaluatedIn", zone.getId());
      w.put("open", open);
      w.put("nextOpensAt", open ? null : one.nextOpening(now).map(Instant::toString).orElse(null));
    }
  }

  /**
   * A wave's hosts by state: pending, staged, leased, rebooted, healthy, failed (and the rest the engine knows),
   * each host counted once (ADR 0021, "Server": the view's words). {@code leased}: a host holding a live reboot
   * lease ({@code leased}, by holder) that has not come back healthy, failed, rejected or skipped; it takes the
   * host out of pending, staged, rebooted or unknown. {@code rebooted}: let reboot by the rollout, holding no
   * live lease, not reported back on the new digest yet.
   */
  private Map<String, Integer> counts(String rollout, Decision d, RolloutPolicy p, String wave, Set<String> leased) {
    Map<String, Integer> c = new java.util.LinkedHashMap<>();
    for (String k : List.of("pending", "staged", "leased", "rebooted", "healthy", "failed", "rejected", "unknown",
        "skipped")) {
      c.put(k, 0);
    }
    Map<String, String> waveOfHost = waveOfHosts(rollout, p, d);
    d.hosts().forEach((host, phase) -> {
      if (wave.equals(waveOfHost.get(host))) {
        boolean holds = leased.contains(host) && switch (phase) {
          case PENDING, STAGED, REBOOTING, UNKNOWN -> true;
          case DONE, FAILED, REJECTED, SKIPPED -> false;
        };
        c.merge(holds ? "leased" : state(phase), 1, Integer::sum);
      }
    });
    return c;
  }

  /** The metrics' and the API's word for a host phase. */
  static String state(HostPhase phase) {
    return switch (phase) {
      case PENDING -> "pending";
      case STAGED -> "staged";
      case REBOOTING -> "rebooted";
      case DONE -> "healthy";
      case FAILED -> "failed";
      case REJECTED -> "rejected";
      case UNKNOWN -> "unknown";
      case SKIPPED -> "skipped";
    };
  }

  /** Each host of {@code d} by the name of its wave: kept with the fleet it was decided on. */
  private Map<String, String> waveOfHosts(String rollout, RolloutPolicy p, Decision d) {
    Held x = rollout == null ? null : held.get(rollout);
    if (x == null) {
      return waveOfHosts(p, d);
    }
    if (x.waves == null) {
      Map<String, String> out = new HashMap<>();
      x.governed.values().forEach(h -> {
        for (RolloutPolicy.Wave w : p.wavesWithRest()) {
          if (w.selector().matches(h.labels())) {
            out.put(h.name(), w.name());
            break;
          }
        }
      });
      x.waves = out;
    }
    return x.waves;
  }

  private Map<String, String> waveOfHosts(RolloutPolicy p, Decision d) {
    Map<String, String> out = new HashMap<>();
    Map<String, Map<String, String>> labels = new HashMap<>();
    for (DesiredHost h : fleetHosts) {
      labels.put(h.name(), h.labels());
    }
    for (String host : d.hosts().keySet()) {
      Map<String, String> l = labels.getOrDefault(host, Map.of());
      for (RolloutPolicy.Wave w : p.wavesWithRest()) {
        if (w.selector().matches(l)) {
          out.put(host, w.name());
          break;
        }
      }
    }
    return out;
  }

  private volatile List<DesiredHost> fleetHosts = List.of();

  /** The served fleet's hosts (their labels place them in waves in the views). */
  void fleet(Fleet f) {
    fleetHosts = f.hosts();
  }

  /** Hosts by rollout, wave and state, for the metrics. */
  Map<List<String>, Integer> hostCounts() {
    Map<List<String>, Integer> out = new HashMap<>(); // sorted once at the end: its order compares strings
    policies.forEach((name, r) -> {
      Decision d = decisions.get(name);
      if (d == null) {
        return;
      }
      Map<String, String> waveOfHost = waveOfHosts(name, r.policy(), d);
      for (Decision.WaveStatus w : d.waves()) {
        for (String s : List.of("pending", "staged", "rebooted", "healthy", "failed", "rejected", "unknown",
            "skipped")) {
          out.put(List.of(name, w.name(), s), 0);
        }
      }
      d.hosts().forEach((host, phase) -> out.merge(List.of(name, waveOfHost.getOrDefault(host, RolloutPolicy.REST),
          state(phase)), 1, Integer::sum));
    });
    Map<List<String>, Integer> sorted = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
    sorted.putAll(out);
    return sorted;
  }

  // --- the run's encoding

  private static RolloutRun encode(String rollout, Run run, long basedOn) {
    ObjectNode o = JSON.createObjectNode();
    ObjectNode done = o.putObject("wavesDone");
    new TreeMap<>(run.state().wavesDone()).forEach((w, at) -> done.put(w, at.toEpochMilli()));
    ArrayNode a = o.putArray("approved");
    new TreeSet<>(run.state().approved()).forEach(a::add);
    o.put("halted", run.state().halted());
    ArrayNode rej = o.putArray("rejected");
    new TreeSet<>(run.state().rejected().stream().map(Digest::toString).toList()).forEach(rej::add);
    o.put("paused", run.paused());
    o.put("aborted", run.aborted());
    return new RolloutRun(rollout, run.target(), o.toString(), run.at(), basedOn);
  }

  private static Run decode(RolloutRun r) {
    JsonNode o = JSON.readTree(r.state());
    Map<String, Instant> done = new HashMap<>();
    o.get("wavesDone").properties().forEach(e -> done.put(e.getKey(), Instant.ofEpochMilli(e.getValue().asLong())));
    Set<String> approved = new TreeSet<>();
    o.get("approved").forEach(x -> approved.add(x.asString()));
    Set<Digest> rejected = new TreeSet<>(java.util.Comparator.comparing(Digest::toString));
    o.get("rejected").forEach(x -> rejected.add(Digest.parse(x.asString())));
    return new Run(r.target(), new RunState(done, approved, o.get("halted").asBoolean(), rejected),
        o.get("paused").asBoolean(), o.get("aborted").asBoolean(), r.at());
  }
}
