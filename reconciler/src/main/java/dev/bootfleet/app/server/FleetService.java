package dev.bootfleet.app.server;

import dev.bootfleet.adapters.git.FleetMirror;
import dev.bootfleet.adapters.http.Backend;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.manifest.FleetLoader;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.plan.Plan;
import dev.bootfleet.core.port.ChangeFeed;
import dev.bootfleet.core.port.FleetStore;
import dev.bootfleet.core.render.DesiredHostJson;
import dev.bootfleet.core.render.JsonRenderer;
import dev.bootfleet.core.render.Report;
import dev.bootfleet.core.server.HostTarget;
import dev.bootfleet.core.server.HostView;
import dev.bootfleet.core.server.Replanner;
import dev.bootfleet.core.server.StatusReport;
import dev.bootfleet.core.status.Condition;
import dev.bootfleet.core.status.SyncStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The server's state and what changes it: a fetched revision (served, or stalled with its errors while the
 * last good one stays in force) and a host's report (stored, then that host alone planned again). The
 * decisions are the core's ({@link Replanner}, {@link HostTarget}, {@link HostView}); this class holds the
 * lock, wakes long polls and keeps the store and metrics up to date.
 *
 * <p>Replicas on one PostgreSQL database (ADR 0018) each hold this state. The one that fetches a revision or
 * takes a report records it and tells the others through the {@link ChangeFeed}; they read the same commit
 * from their own clone, or the report from the store, and plan it again without recording it twice.
 */
final class FleetService implements Backend, ChangeFeed.Listener {
  private static final JsonMapper JSON = JsonMapper.shared();
  static final int TIMELINE = 50;
  static final String STATUS = "status";
  static final int REVISIONS = 20;

  private final FleetStore store;
  private final FleetMirror mirror;
  private final Clock clock;
  private final Duration stale;
  private final ServerMetrics metrics;
  private final Consumer<String> log;
  private final Replanner replanner;
  private final ReentrantLock lock = new ReentrantLock();
  private final java.util.concurrent.locks.Condition changed = lock.newCondition();
  private final Map<String, FleetStore.StoredReport> reports = new ConcurrentHashMap<>();
  private final Map<String, Replanner.Observed> observed = new ConcurrentHashMap<>();
  /** Each host's last status event as recorded (the store's, after a restart): an event is a change from it. */
  private final Map<String, String> recordedStatus = new ConcurrentHashMap<>();
  private volatile Replanner.State state = Replanner.State.EMPTY;
  private volatile boolean served;
  /** The newest fetched revision when it has errors (then not served), with them; else null. */
  private volatile FleetStore.Revision stalled;
  private volatile Runnable fetchNow = () -> { };
  private volatile ChangeFeed feed = ChangeFeed.NONE;
  /** One fetch and load of the clone at a time: the schedule's, a webhook's, another replica's news. */
  private final ReentrantLock fetching = new ReentrantLock();
  /** Hosts whose new report is in {@link #observed} but not yet planned: the next re-plan takes them all. */
  private final java.util.Set<String> pending = ConcurrentHashMap.newKeySet();
  /** The rollouts' runs, decided on every replan and tick (ADR 0021, "Server"). */
  private final RolloutRunner rollouts;
  /** Who hears of each change (the dashboard's live updates, ADR 0024); called under the lock, each returns at once. */
  private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  FleetService(FleetStore store, FleetMirror mirror, Clock clock, Duration stale, ServerMetrics metrics,
      Consumer<String> log) {
    this.store = store;
    this.mirror = mirror;
    this.clock = clock;
    this.stale = stale;
    this.metrics = metrics;
    this.log = log;
    this.replanner = new Replanner(clock);
    this.rollouts = new RolloutRunner(store);
    metrics.hosts(this::shownCounts);
    metrics.rollouts(rollouts::hostCounts);
  }

  /** Reads the stored reports (they were checked when they came in) and each host's last recorded status. */
  void loadReports() {
    rollouts.load();
    store.latestEvents(STATUS).forEach((host, e) -> recordedStatus.put(host, e.message()));
    store.reports().forEach((host, r) -> {
      try {
        observed.put(host, new Replanner.Observed(r.report().observation(), r.report().fingerprint()));
        reports.put(host, r);
      } catch (IllegalArgumentException e) {
        log.accept("warning: the stored report of " + host + " no longer reads (" + e.getMessage() + "); ignored");
      }
    });
  }

  void onFetchNow(Runnable r) {
    this.fetchNow = r;
  }

  /** Where this replica tells the others what it served and stored. */
  void tell(ChangeFeed feed) {
    this.feed = feed;
  }

  /** Fetches and serves the newest revision (the schedule's job and the webhook's), and tells the other replicas. */
  void pollGit() {
    fetching.lock();
    try {
      fetch();
      if (!mirror.hasCommit()) {
        return;
      }
      Fleet f = mirror.load(FleetLoader.Options.DEFAULT);
      if (f.hasErrors() && !served) {
        serveStoredRevision();
      }
      if (serve(f, true)) {
        feed.publish(new ChangeFeed.Change(ChangeFeed.Kind.REVISION, f.revision()));
      }
    } catch (IOException | RuntimeException e) {
      log.accept("error: cannot read " + mirror.describe() + ": " + e.getMessage());
    } finally {
      fetching.unlock();
    }
  }

  private void fetch() {
    try {
      mirror.fetch();
    } catch (IOException e) {
      metrics.fetchErrors.increment();
      log.accept("error: " + e.getMessage());
    }
  }

  /** Another replica served or stalled {@code revision}: this one fetches it and does the same, recording nothing. */
  private void followRevision(String revision) {
    int at = revision.lastIndexOf("sha1:");
    if (at < 0) {
      return;
    }
    fetching.lock();
    try {
      fetch();
      Fleet f = mirror.loadCommit(revision.substring(at + 5), FleetLoader.Options.DEFAULT);
      serve(f, false);
    } catch (IOException | RuntimeException e) {
      log.accept("error: cannot read " + revision + " that another replica served: " + e.getMessage()
          + "; it is read at the next poll");
    } finally {
      fetching.unlock();
    }
  }

  @Override
  public void onChange(ChangeFeed.Change change) {
    switch (change.kind()) {
      case REVISION -> followRevision(change.subject());
      case REPORT -> store.report(change.subject()).ifPresent(r -> take(r, false));
      case ROLLOUT -> followRollouts();
    }
  }

  /** Another replica recorded a rollout decision: read the runs again and serve what it decided. */
  private void followRollouts() {
    lock.lock();
    try {
      if (served) {
        decideRollouts(state.fleet(), false);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onGap() {
    loadReports();
    lock.lock();
    try {
      if (served) {
        replan(state.fleet(), false);
      }
    } finally {
      lock.unlock();
    }
    pollGit();
  }

  /** After a restart whose newest commit has errors: the revision served before, from the clone. */
  private void serveStoredRevision() throws IOException {
    Optional<FleetStore.Revision> last = store.servedRevision();
    if (last.isEmpty() || !last.get().revision().contains("sha1:")) {
      return;
    }
    String sha = last.get().revision().substring(last.get().revision().indexOf("sha1:") + 5);
    Fleet f = mirror.loadCommit(sha, FleetLoader.Options.DEFAULT);
    if (!f.hasErrors()) {
      serve(f, true);
    }
  }

  /**
   * Serves {@code f}, or, when it has errors, keeps the last good revision and reports it stalled. With
   * {@code record} (this replica fetched it), what changed is written to the store, unless the store's
   * newest revision already is this one: another replica recorded it first, or this one before a restart.
   * Whether anything changed.
   */
  boolean serve(Fleet f, boolean record) {
    lock.lock();
    try {
      String kind = f.hasErrors() ? FleetStore.Revision.STALLED : FleetStore.Revision.SERVED;
      if (f.hasErrors() ? stalled != null && stalled.revision().equals(f.revision())
          : served && stalled == null && f.revision().equals(state.fleet().revision())) {
        return false;
      }
      boolean mine = record && store.revisions(1).stream()
          .noneMatch(r -> r.revision().equals(f.revision()) && r.state().equals(kind));
      String by = mine ? "" : " (already recorded)";
      if (f.hasErrors()) {
        List<String> errors = f.problems().stream().filter(Problem::isError).map(Problem::format).toList();
        stalled = new FleetStore.Revision(f.revision(), FleetStore.Revision.STALLED, errors, clock.instant());
        if (mine) {
          store.recordRevision(stalled);
        }
        metrics.stalled(true);
        log.accept("revision " + f.revision() + " is stalled" + by + " (not served; " + (served
            ? state.fleet().revision() : "nothing") + " stays in force): " + errors.size()
            + (errors.size() == 1 ? " error" : " errors"));
        errors.forEach(e -> log.accept("  " + e));
        changedNow();
        return true;
      }
      stalled = null;
      metrics.stalled(false);
      if (served && f.revision().equals(state.fleet().revision())) {
        changedNow();
        return true; // back from a stalled revision to the one in force
      }
      if (mine) { // first, so that a replica fetching the same commit a moment later records nothing twice
        // with the hosts it changed, kept in the store: the same on every replica and after a restart
        store.recordRevision(new FleetStore.Revision(f.revision(), FleetStore.Revision.SERVED, List.of(),
            clock.instant(), served ? Optional.of(hostsChanged(state.fleet(), f)) : Optional.empty()));
      }
      replan(f, mine);
      served = true;
      log.accept("serving revision " + f.revision() + by + " (" + f.hosts().size() + " hosts)");
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Plans again what changed and notes each host's new status; with {@code record} the changes are added
   * to the timeline (by the replica that caused them, so each is recorded once). Under the lock.
   */
  private void replan(Fleet f, boolean record) {
    long start = System.nanoTime();
    java.util.Set<String> mine = drainPending(); // before reading: a report put later is planned next time
    apply(replanner.update(state, f, Map.copyOf(observed)), f.revision(), h -> record || mine.contains(h), start);
    decideRollouts(f, record);
  }

  /** Plans the hosts whose reports this replica took and has not planned (the revision unchanged); under the lock. */
  private void replanReported() {
    long start = System.nanoTime();
    java.util.Set<String> batch = drainPending();
    if (!batch.isEmpty()) {
      apply(replanner.reported(state, observed, batch), state.fleet().revision(), h -> true, start);
      decideRolloutsOf(batch, true);
    }
  }

  /**
   * After reports of {@code hosts}: decides the rollouts again when a rollout governs one of them (which
   * rollout does changes with Git alone). Under the lock.
   */
  private void decideRolloutsOf(java.util.Set<String> hosts, boolean record) {
    if (hosts.stream().anyMatch(h -> rollouts.rolloutOf(h).isPresent())) {
      decideRollouts(state.fleet(), record, hosts);
    }
  }

  private java.util.Set<String> drainPending() {
    java.util.Set<String> batch = new java.util.HashSet<>();
    for (var it = pending.iterator(); it.hasNext(); ) {
      batch.add(it.next());
      it.remove();
    }
    return batch;
  }

  /**
   * Takes a re-plan's result and notes each replanned host's status; a change is added to the timeline for
   * the hosts {@code record} names (this replica's own reports and revisions, ADR 0018).
   */
  private void apply(Replanner.Result r, String revision, java.util.function.Predicate<String> record, long start) {
    state = r.state();
    metrics.reconcile.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    List<FleetStore.Event> events = new ArrayList<>();
    Instant now = clock.instant();
    for (String host : r.replanned()) {
      HostPlan p = r.state().hosts().get(host).plan();
      String message = p.status().id() + ": " + p.reason();
      // a change from what was last recorded, not from what this process planned: a restart adds nothing
      if (!message.equals(recordedStatus.get(host))) {
        events.add(new FleetStore.Event(host, revision, STATUS, message, now));
      }
    }
    List<FleetStore.Event> recorded = events.stream().filter(e -> record.test(e.host())).toList();
    if (!recorded.isEmpty()) {
      store.addEvents(recorded);
    }
    events.forEach(e -> recordedStatus.put(e.host(), e.message()));
    changedNow();
  }

  /** The hosts {@code next} changes against {@code last} (declared, changed or no longer declared), sorted. */
  static List<String> hostsChanged(Fleet last, Fleet next) {
    Map<String, dev.bootfleet.core.manifest.DesiredHost> before = new java.util.HashMap<>();
    last.hosts().forEach(h -> before.put(h.name(), h));
    java.util.TreeSet<String> changed = new java.util.TreeSet<>();
    for (dev.bootfleet.core.manifest.DesiredHost h : next.hosts()) {
      dev.bootfleet.core.manifest.DesiredHost was = before.remove(h.name());
      if (was == null || !was.equals(h)) {
        changed.add(h.name());
      }
    }
    changed.addAll(before.keySet()); // no longer declared
    return List.copyOf(changed);
  }

  private void changedNow() {
    listeners.forEach(Runnable::run);
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public List<dev.bootfleet.core.manifest.DesiredHost> desiredHosts() {
    return served ? state.fleet().hosts() : List.of();
  }

  @Override
  public HostPlan hostPlan(String name) {
    Replanner.Entry e = state.hosts().get(name);
    return !served || e == null ? null : shown(e.plan(), clock.instant());
  }

  /** Runs the rollout engine on {@code f} now; wakes the long polls when a target may have changed. Under the lock. */
  private void decideRollouts(Fleet f, boolean record) {
    decideRollouts(f, record, null);
  }

  /**
   * As {@link #decideRollouts(Fleet, boolean)}, on what changed: the hosts whose reports are new ({@code
   * reported}; empty: the time alone; null: anything). Reads the reports in place: a report taken meanwhile
   * is decided on with its host's batch.
   */
  private void decideRollouts(Fleet f, boolean record, java.util.Set<String> reported) {
    rollouts.fleet(f);
    try {
      if (rollouts.decide(f, reports::get, host -> {
        Replanner.Observed o = observed.get(host);
        return o == null ? null : o.observation().status();
      }, clock.instant(), record, reported)) {
        changed.signalAll();
        metrics.refreshRollouts();
        changedNow();
      }
      if (record && rollouts.recorded()) {
        // after the commit: a replica that heard of the report first may have read the store before it
        feed.publish(new ChangeFeed.Change(ChangeFeed.Kind.ROLLOUT, "rollouts"));
      }
    } catch (RuntimeException e) {
      log.accept("error: the rollouts of " + f.revision() + " were not decided: " + e.getMessage());
    }
  }

  /**
   * The rollouts' time-driven decisions (soak, windows, health timeouts, the offline rule): Quartz's tick,
   * on one replica at a time, which records what it decides.
   */
  void tickRollouts() {
    lock.lock();
    try {
      if (served) {
        decideRollouts(state.fleet(), true, java.util.Set.of());
      }
    } finally {
      lock.unlock();
    }
  }

  /** The hosts by status as {@link #hosts()} shows them: a host silent past the stale time is unknown. */
  private Map<SyncStatus, Integer> shownCounts() {
    Instant now = clock.instant();
    Map<SyncStatus, Integer> counts = new EnumMap<>(SyncStatus.class);
    state.hosts().forEach((name, e) -> {
      FleetStore.StoredReport r = reports.get(name);
      counts.merge((SyncStatus) HostView.shown(e.plan(), r == null ? null : r.at(), now, stale).status(), 1,
          Integer::sum);
    });
    return counts;
  }

  @Override
  public void report(StatusReport report) {
    Instant at = clock.instant();
    store.saveReport(report, at); // committed: the answer may now say so
    metrics.reports.increment();
    take(new FleetStore.StoredReport(report, at), true);
    feed.publish(new ChangeFeed.Change(ChangeFeed.Kind.REPORT, report.host()));
  }

  /**
   * Holds a stored report as the host's latest and plans it. This replica's own reports ({@code record})
   * are planned in batches: a re-plan reads every host's observation, so one that started after a report
   * was put has planned it already, and the reports that came in meanwhile wait for one re-plan, not one
   * each. Another replica's report (its status change recorded there) is put and planned under the lock,
   * so that no recording re-plan here sees it first and records it twice.
   */
  private void take(FleetStore.StoredReport r, boolean record) {
    Replanner.Observed seen = new Replanner.Observed(r.report().observation(), r.report().fingerprint()); // parsed unlocked
    String host = r.report().host();
    if (record) {
      reports.put(host, r);
      observed.put(host, seen);
      pending.add(host);
      lock.lock();
      try {
        if (served) {
          replanReported();
        }
      } finally {
        lock.unlock();
      }
      return;
    }
    lock.lock();
    try {
      FleetStore.StoredReport held = reports.get(host);
      if (held != null && held.at().isAfter(r.at())) {
        return; // news of an older report, from another replica: the newer one stays
      }
      reports.put(host, r);
      observed.put(host, seen);
      if (served) {
        apply(replanner.reported(state, observed, java.util.Set.of(host)), state.fleet().revision(), h -> false,
            System.nanoTime());
        decideRolloutsOf(java.util.Set.of(host), false);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public HostTarget target(String host) {
    if (!served) {
      return null;
    }
    Replanner.State st = state;
    Fleet f = st.fleet();
    if (!rollouts.decidedOn(f) && !lock.isHeldByCurrentThread()) {
      // a revision being served whose rollouts are not decided yet (serve holds the lock until they are): its
      // targets wait for the decision rather than hand a governed host Git's digest past its wave
      lock.lock();
      try {
        return target(host);
      } finally {
        lock.unlock();
      }
    }
    Replanner.Entry e = st.hosts().get(host);
    if (e == null) {
      return null;
    }
    // the entry's own DesiredHost: Fleet.host scans the list, which made N long polls waking at once O(N²)
    RolloutRunner.Targeted t = rollouts.target(e.desired());
    return t == null ? HostTarget.of(f.revision(), e.desired(), f.problems(), f.images())
        : HostTarget.of(f.revision(), t.host(), f.problems(), f.images(), t.rollout());
  }

  @Override
  public HostTarget awaitTarget(String host, String etag, Duration max) throws InterruptedException {
    long left = max.toNanos();
    lock.lock();
    try {
      HostTarget t = target(host);
      while (t != null && t.etag().equals(etag) && left > 0) {
        left = changed.awaitNanos(left);
        t = target(host);
      }
      return t;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean declared(String host) {
    return served && state.hosts().containsKey(host);
  }

  @Override
  public ObjectNode hosts() {
    ObjectNode root = JSON.createObjectNode();
    root.put("revision", served ? state.fleet().revision() : null);
    ArrayNode a = root.putArray("hosts");
    Instant now = clock.instant();
    state.hosts().forEach((name, e) -> a.add(summary(name, e.plan(), now)));
    return root;
  }

  @Override
  public ObjectNode fleetPage(Backend.FleetQuery q) {
    Replanner.State st = state;
    Instant now = clock.instant();
    Map<String, Integer> counts = new java.util.TreeMap<>();
    // desired image -> booted image -> hosts; "" stands for none (sorted first, written as null)
    Map<String, Map<String, Integer>> spread = new java.util.TreeMap<>();
    java.util.TreeSet<String> groups = new java.util.TreeSet<>();
    List<String> kept = new ArrayList<>();
    for (Map.Entry<String, Replanner.Entry> x : st.hosts().entrySet()) {
      dev.bootfleet.core.manifest.DesiredHost d = x.getValue().desired();
      if (d != null) {
        groups.addAll(d.groups());
      }
      if (q.group() != null && (d == null || !d.groups().contains(q.group()))
          || q.labelKey() != null && (d == null || !q.labelValue().equals(d.labels().get(q.labelKey())))) {
        continue;
      }
      HostPlan shown = shown(x.getValue().plan(), now);
      String status = shown.status().id();
      boolean stalled = shown.conditions().stream()
          .anyMatch(c -> "Stalled".equals(c.type()) && "True".equals(c.status()));
      counts.merge(status, 1, Integer::sum);
      if (stalled) {
        counts.merge("stalled", 1, Integer::sum);
      }
      spread.computeIfAbsent(Objects.requireNonNullElse(shown.desiredImage(), ""), k -> new java.util.TreeMap<>())
          .merge(Objects.requireNonNullElse(shown.bootedImage(), ""), 1, Integer::sum);
      if (q.status() == null || q.status().equals(status) || q.status().equals("stalled") && stalled) {
        kept.add(x.getKey());
      }
    }
    int size = Math.max(1, q.pageSize());
    int pages = Math.max(1, (kept.size() + size - 1) / size);
    int page = Math.min(Math.max(1, q.page()), pages);
    ObjectNode root = JSON.createObjectNode();
    root.put("revision", served ? st.fleet().revision() : null);
    ObjectNode c = root.putObject("counts");
    counts.forEach(c::put);
    ArrayNode sp = root.putArray("spread");
    spread.forEach((want, booted) -> {
      ObjectNode w = sp.addObject().put("desiredImage", want.isEmpty() ? null : want);
      ArrayNode b = w.putArray("booted");
      booted.forEach((img, n) -> b.addObject().put("bootedImage", img.isEmpty() ? null : img).put("hosts", n));
    });
    root.put("total", kept.size());
    root.put("page", page);
    ArrayNode g = root.putArray("groups");
    groups.forEach(g::add);
    ArrayNode rows = root.putArray("hosts");
    for (String name : kept.subList((page - 1) * size, Math.min(kept.size(), page * size))) {
      Replanner.Entry e = st.hosts().get(name);
      ObjectNode row = summary(name, e.plan(), now);
      row.put("desiredRef", e.desired() == null || e.desired().image() == null ? null : e.desired().image().ref());
      rows.add(row);
    }
    return root;
  }

  /** {@code plan} as shown at {@code now}: unknown once its host's reports stopped ({@link HostView}). */
  private HostPlan shown(HostPlan plan, Instant now) {
    FleetStore.StoredReport r = reports.get(plan.name());
    return HostView.shown(plan, r == null ? null : r.at(), now, stale);
  }

  private ObjectNode summary(String name, HostPlan plan, Instant now) {
    FleetStore.StoredReport r = reports.get(name);
    HostPlan shown = shown(plan, now);
    ObjectNode o = JSON.createObjectNode();
    o.put("name", name);
    o.put("status", shown.status().id());
    o.put("reason", shown.why() == null ? null : shown.why().id());
    o.put("message", shown.reason());
    ArrayNode c = o.putArray("conditions");
    for (Condition x : shown.conditions()) {
      c.addObject().put("type", x.type()).put("status", x.status()).put("reason", x.reason()).put("message", x.message());
    }
    o.put("desiredImage", shown.desiredImage());
    o.put("bootedImage", shown.bootedImage());
    o.put("lastReport", r == null ? null : r.at().toString());
    o.put("lastAttemptedRevision", r == null ? null : r.report().agentField("lastAttemptedRevision"));
    o.put("lastAppliedRevision", r == null ? null : r.report().agentField("lastAppliedRevision"));
    return o;
  }

  @Override
  public ObjectNode host(String name) {
    Replanner.State s = state;
    Replanner.Entry e = s.hosts().get(name);
    if (!served || e == null) {
      return null;
    }
    ObjectNode o = summary(name, e.plan(), clock.instant());
    o.set("desired", DesiredHostJson.toJson(s.fleet().host(name).orElseThrow()));
    FleetStore.StoredReport r = reports.get(name);
    if (r == null) {
      o.putNull("observed");
    } else {
      ObjectNode seen = o.putObject("observed");
      seen.put("at", r.at().toString());
      seen.set("status", JSON.readTree(r.report().status()));
      seen.set("etc", r.report().etc() == null ? null : JSON.readTree(r.report().etc()));
      seen.set("agent", r.report().agent() == null ? null : JSON.readTree(r.report().agent()));
    }
    Instant now = clock.instant();
    Plan one = new Plan(Plan.Mode.OBSERVED, s.fleet().revision(), null, now, List.of(shown(e.plan(), now)), List.of());
    o.set("plan", JsonRenderer.toJson(Report.plan(one)).get("hosts").get(0));
    ArrayNode t = o.putArray("timeline");
    for (FleetStore.Event ev : store.events(name, TIMELINE)) {
      t.addObject().put("at", ev.at().toString()).put("revision", ev.revision()).put("type", ev.type())
          .put("message", ev.message());
    }
    return o;
  }

  @Override
  public Report plan(boolean drift) {
    if (!served) {
      return null;
    }
    Plan p = HostView.shown(state.plan(clock), lastReports(), clock.instant(), stale);
    return drift ? Report.drift(p) : Report.plan(p);
  }

  @Override
  public ObjectNode revisions() {
    ObjectNode o = JSON.createObjectNode();
    o.put("served", served ? state.fleet().revision() : null);
    FleetStore.Revision st = stalled;
    o.put("stalled", st != null);
    if (st != null) {
      o.putObject("stalledRevision").put("revision", st.revision()).put("at", st.at().toString())
          .set("errors", JSON.valueToTree(st.errors()));
    }
    ArrayNode h = o.putArray("history");
    for (FleetStore.Revision r : store.revisions(REVISIONS)) {
      ObjectNode x = h.addObject().put("revision", r.revision()).put("state", r.state()).put("at", r.at().toString());
      x.set("errors", JSON.valueToTree(r.errors()));
      // the hosts this revision changed against the one served before it, as stored with it; null: not known (the
      // first revision its replica served after a start, a stalled one, one recorded before migration V5)
      x.set("hostsChanged", r.hostsChanged().isEmpty() || !r.state().equals(FleetStore.Revision.SERVED) ? null
          : JSON.valueToTree(r.hostsChanged().get()));
    }
    return o;
  }

  @Override
  public void fetchNow() {
    fetchNow.run();
  }

  @Override
  public boolean ready() {
    return served && store.reachable();
  }

  /** Whether the served revision is {@code revision} (tests, logs). */
  String servedRevision() {
    return served ? state.fleet().revision() : null;
  }

  /** Each host's last report, the documents as they came (not parsed again), sorted by host name. */
  @Override
  public ObjectNode observed() {
    ObjectNode root = JSON.createObjectNode();
    root.put("now", clock.instant().toString());
    root.put("staleAfter", stale.toString());
    ArrayNode a = root.putArray("hosts");
    new java.util.TreeMap<>(reports).forEach((name, r) -> {
      ObjectNode o = a.addObject().put("name", name).put("at", r.at().toString());
      o.putRawValue("status", new tools.jackson.databind.util.RawValue(r.report().status()));
      raw(o, "etc", r.report().etc());
      raw(o, "agent", r.report().agent());
    });
    return root;
  }

  private static void raw(ObjectNode o, String key, String json) {
    if (json == null) {
      o.putNull(key);
    } else {
      o.putRawValue(key, new tools.jackson.databind.util.RawValue(json));
    }
  }

  /** When each host last reported. */
  private Map<String, Instant> lastReports() {
    Map<String, Instant> at = new java.util.HashMap<>();
    reports.forEach((host, r) -> at.put(host, r.at()));
    return at;
  }

  // --- rollouts (ADR 0021, "Server")

  /**
   * What a host's FleetLock request meets from its rollout, for {@link LeaseService}: {@link
   * LeaseService.Gate#STARTING} until a revision is served (and its rollouts decided).
   */
  LeaseService.Gate rolloutGate(String host, Instant now) {
    return served ? rollouts.gate(host, now) : LeaseService.Gate.STARTING;
  }

  static final int ROLLOUT_EVENTS = 100;

  @Override
  public ObjectNode rollouts() {
    lock.lock();
    try {
      return rollouts.list(served ? state.fleet().revision() : null);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public ObjectNode rollout(String id) {
    lock.lock();
    try {
      return served ? rollouts.show(id, ROLLOUT_EVENTS, clock.instant()) : null;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public ObjectNode rolloutAction(String id, String action, String arg, String who) {
    RolloutRunner.Action a = RolloutRunner.Action.valueOf(action.toUpperCase(java.util.Locale.ROOT));
    lock.lock();
    try {
      if (!served) {
        throw new Backend.Refused(503, "no revision is served yet");
      }
      try {
        rollouts.act(id, a, arg, who, state.fleet().revision(), clock.instant());
      } catch (RolloutRunner.Refused e) {
        throw new Backend.Refused(e.status, e.getMessage());
      }
      decideRollouts(state.fleet(), true);
      if (!rollouts.recorded()) { // the action is recorded; a decision that recorded more has told the others
        feed.publish(new ChangeFeed.Change(ChangeFeed.Kind.ROLLOUT, "rollouts"));
      }
      return rollouts.show(id, ROLLOUT_EVENTS, clock.instant());
    } finally {
      lock.unlock();
    }
  }
}
