package dev.bootfleet.app.agent;

import dev.bootfleet.adapters.fs.AtomicFiles;
import dev.bootfleet.core.image.ImageLock;
import dev.bootfleet.core.lifecycle.HostLifecycle;
import dev.bootfleet.core.lifecycle.HostRecord;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.HostDriverKind;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.observed.EtcReport;
import dev.bootfleet.core.observed.FlatpakState;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.observed.ObservedStateException;
import dev.bootfleet.core.plan.HostHistory;
import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.plan.Observation;
import dev.bootfleet.core.plan.Planner;
import dev.bootfleet.core.port.DesiredStateSource;
import dev.bootfleet.core.port.HostDriver;
import dev.bootfleet.core.port.HostPower;
import dev.bootfleet.core.port.ReportSink;
import dev.bootfleet.core.render.EtcReportJson;
import dev.bootfleet.core.status.Reason;
import dev.bootfleet.core.status.SyncStatus;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;

/**
 * One host's agent: each {@link #cycle()} observes the host with bootc or rpm-ostree ({@link
 * HostDrivers}), tells how the last boot went, plans with the same engine as the CLI, carries out the
 * plan (files first, then the OS changes, the reboot last and only under the reboot policy), and writes
 * its reports. What to do after a boot, when a host is held and when a reboot may be asked for are
 * {@link HostLifecycle}'s pure decisions; this class carries them out through its ports ({@link
 * HostDriver}, {@link HostPower}, the reboot policy's coordinator). On rpm-ostree hosts every OS change
 * is staged finalization-locked, and the reboot is {@code rpm-ostree finalize-deployment}. See
 * docs/adr/0006-host-agent.md, docs/adr/0012-host-lifecycle-and-status-vocabulary.md and README,
 * "rpm-ostree hosts".
 */
final class Agent {
  private final AgentConfig config;
  private final DesiredStateSource source;
  private final HostDrivers drivers;
  private final EtcApplier etc;
  private final FlatpakApplier flatpak;
  private final RebootPolicy policy;
  private final HostPower power;
  private final StateStore store;
  private final Clock clock;
  private final PrintStream log;
  private final ReportSink sink;
  private final HealthChecks health;
  private boolean firstCycle = true;
  /** The driver of this cycle. */
  private HostDriver driver;
  /** rpm-ostree hosts: the kernel arguments of the next boot for the report; null otherwise. */
  private List<String> kargs;
  /** The Flatpak state read in this cycle, and whether it is still current. */
  private FlatpakState flatpakState;
  private boolean flatpakFresh;
  /** The lock of the revision last read: which manifests each pinned image index lists. */
  private ImageLock images = ImageLock.EMPTY;
  /** The target's rollout part of this cycle (server mode, a host a rollout governs), or null. */
  private DesiredStateSource.Rollout rollout;

  Agent(AgentConfig config, DesiredStateSource source, HostDrivers drivers, EtcApplier etc, FlatpakApplier flatpak,
      RebootPolicy policy, HostPower power, StateStore store, Clock clock, PrintStream log) {
    this(config, source, drivers, etc, flatpak, policy, power, store, clock, log, ReportSink.NONE);
  }

  /** An agent that also sends each cycle's reports to {@code sink} (the reconciler server). */
  Agent(AgentConfig config, DesiredStateSource source, HostDrivers drivers, EtcApplier etc, FlatpakApplier flatpak,
      RebootPolicy policy, HostPower power, StateStore store, Clock clock, PrintStream log, ReportSink sink) {
    this(config, source, drivers, etc, flatpak, policy, power, store, clock, log, sink,
        new HealthChecks(config.health()));
  }

  /** An agent whose health checks read {@code health}'s systemd (the fleet simulator's is in memory). */
  Agent(AgentConfig config, DesiredStateSource source, HostDrivers drivers, EtcApplier etc, FlatpakApplier flatpak,
      RebootPolicy policy, HostPower power, StateStore store, Clock clock, PrintStream log, ReportSink sink,
      HealthChecks health) {
    this.sink = sink;
    this.config = config;
    this.health = health;
    this.source = source;
    this.drivers = drivers;
    this.etc = etc;
    this.flatpak = flatpak;
    this.policy = policy;
    this.power = power;
    this.store = store;
    this.clock = clock;
    this.log = log;
  }

  /** Where this agent's desired state comes from. */
  DesiredStateSource source() {
    return source;
  }

  /** Runs one cycle; problems are in the report, only an unwritable state folder throws. */
  public CycleReport cycle() throws IOException {
    long started = System.nanoTime(); // the cycle's duration: a monotonic clock, not the agent's Clock
    String bootId = power.bootId();
    CycleReport rep = new CycleReport(config.host(), clock.instant(), bootId, log);
    rep.source = source.describe();
    AgentState st = loadState(rep);
    DesiredHost want = desired(rep);
    HostDrivers.Seen seen = observeHost(want, rep);
    ObservedHost host = seen == null ? null : seen.host();
    etc.cleanUp(want, st, rep);
    if (host != null && host.booted() != null) {
      HostLifecycle.AfterBoot boot = HostLifecycle.afterBoot(st.record, bootId, host, rep.time);
      st.record = boot.record();
      if (boot.decided()) {
        rep.booted(boot.outcome().id(), boot.image(), boot.note());
      }
      checkHealth(st, bootId, rep);
      if (want != null) {
        reconcile(want, host, st, bootId, rep);
      }
    } else if (host != null) {
      rep.status(Reason.NO_OBSERVED_STATE, rep.driver + " reports no booted deployment (not a bootc host?)");
    }
    releaseSlot(st, bootId, rep);
    firstCycle = false;
    st.record = HostLifecycle.concluded(st.record, rep.sync(), rep.revision);
    if (rep.hold == null || st.record.hold() != null) {
      rep.hold = st.record.hold();
    }
    rep.lastAppliedRevision = st.record.lastAppliedRevision();
    rep.bootNow(power.bootId());
    store.save(st);
    writeReports(rep, seen == null ? null : seen.text(), host, want, st, started);
    return rep;
  }

  /**
   * Plan, live changes, then the OS: the hold is settled, /etc and Flatpaks are applied (on a held host
   * too: ADR 0009), the lifecycle judges the plan, and the driver's steps carry out what it allows.
   */
  private void reconcile(DesiredHost want, ObservedHost host, AgentState st, String bootId, CycleReport rep)
      throws IOException {
    Planner planner = new Planner(clock, images);
    HostLifecycle.Settled settled = HostLifecycle.settleHold(st.record, want, host, planner);
    st.record = settled.record();
    if (settled.note() != null) {
      rep.note(settled.note());
    }
    HostPlan plan = applyLiveChanges(planner, want, host, st, rep);
    HostLifecycle.Verdict v = HostLifecycle.judge(st.record, plan, host, rep.anyFailed());
    rep.status(v.why(), v.reason());
    rep.hold = v.hold();
    v.skipped().forEach(a -> rep.step(a.type(), want.image().switchTarget(), "skipped", "held"));
    String from = rollout == null ? null : rollout.rollbackFrom();
    HostLifecycle.RollbackStep back = HostLifecycle.rollbackFrom(from, host, driver.kind());
    // the rollback the server asked for is queued, not a bootloader fallback's return to the failed image: reverting
    // it would undo the rollback (and the record has no hold of its own to name; found by RolloutChaosIT)
    if (v.keepFallback() && back == null && !HostLifecycle.boots(from, host)) {
      keepFallback(st, v.hold(), rep);
    }
    if (back != null) {
      // a rejected digest: back to the previous deployment, whatever the rollout says of reboots
      rep.status(Reason.DIGEST_REJECTED, "boots " + from + ", which the server rejected; rolling back");
      steps(new StepContext(want, host, bootId, rep, st, store, clock, policy, null), true).rollBack(from, back);
      return;
    }
    StepContext ctx = new StepContext(want, host, bootId, rep, st, store, clock, policy, rolloutWait());
    ctx.softRebootAsked = rollout != null && rollout.softReboot();
    OsSteps steps = steps(ctx, config.reboot().defers() || rollout != null);
    boolean unstage = rollout != null && rollout.unstage();
    if (unstage) {
      rep.note("rollout: the server says unstage: nothing is staged or rebooted into"
          + (rollout.message() == null ? "" : " (" + rollout.message() + ")"));
    }
    steps.run(HostLifecycle.underRollout(v.run(), unstage, host));
  }

  /** The driver's steps of this cycle; {@code defers}: a bootc host locks what it staged until its reboot. */
  private OsSteps steps(StepContext c, boolean defers) {
    return switch (driver) {
      case HostDriver.RpmOstree r -> new RpmOstreeSteps(r, drivers.ostree(), power, c, now -> kargs = now);
      case HostDriver.Ostree o -> new OstreeSteps(o, power, c);
      case HostDriver.Bootc b -> new BootcSteps(b, power, defers, c);
    };
  }

  /** Why the server's rollout holds the reboot ({@code reboot: false}), or null when it allows it or none governs. */
  private String rolloutWait() {
    if (rollout == null || rollout.reboot()) {
      return null;
    }
    return "the rollout does not allow a reboot yet" + (rollout.reason() == null ? ""
        : " (" + rollout.reason() + (rollout.message() == null ? "" : ": " + rollout.message()) + ")");
  }

  // --- the steps of a cycle ---

  /**
   * In the boot after a boot into a new deployment ({@code converged}, as {@link HostLifecycle#afterBoot}
   * recorded it for this boot id), runs the {@code health:} checks and reports their answer; in any other
   * boot, or without checks, the report says nothing of health.
   */
  private void checkHealth(AgentState st, String bootId, CycleReport rep) {
    var last = st.record.lastBoot();
    if (!config.health().any() || last == null || !bootId.equals(last.bootId()) || !"converged".equals(last.outcome())) {
      return;
    }
    HealthChecks.Result r = health.run();
    rep.health(r);
  }

  private AgentState loadState(CycleReport rep) throws IOException {
    StateStore.Loaded loaded = store.load();
    if (loaded.problem() != null) {
      rep.problem(loaded.problem());
    }
    try {
      int stale = store.removeStale();
      if (stale > 0) {
        rep.note("removed " + stale + " temporary state file(s) left by an interrupted write");
      }
    } catch (IOException e) {
      rep.problem(store.file().getParent() + ": cannot clean up: " + Text.oneLine(e.getMessage(), "?"));
    }
    return loaded.state();
  }

  private DesiredHost desired(CycleReport rep) {
    DesiredStateSource.Desired d;
    rollout = null;
    try {
      d = source.fetch(config.host());
    } catch (IOException e) {
      rep.problem(Text.oneLine(e.getMessage(), "cannot read the desired state"));
      rep.status(Reason.FETCH_FAILED, "the desired state cannot be read; nothing was changed");
      return null;
    }
    rep.revision = d.revision();
    images = d.images();
    rollout = d.rollout();
    int shown = 0;
    for (Problem p : d.problems()) {
      if (!p.isError()) {
        rep.note(p.format());
      } else if (shown++ < 20) {
        rep.problem(p.format());
      }
    }
    if (d.hasErrors()) {
      rep.status(Reason.REVISION_INVALID, d.revision() + " has errors; nothing from it is applied");
      return null;
    }
    if (d.host() == null) {
      rep.problem("the fleet repository declares no host " + config.host());
      rep.status(Reason.HOST_NOT_DECLARED, d.revision() + " declares no host " + config.host());
    }
    return d.host();
  }

  /** Reads the host with the driver Git names (or the one detection finds); null when none could. */
  private HostDrivers.Seen observeHost(DesiredHost want, CycleReport rep) {
    flatpakFresh = false;
    kargs = null;
    HostDriverKind kind = want == null ? HostDriverKind.AUTO : want.driver();
    try {
      HostDrivers.Seen seen = drivers.observe(kind);
      driver = seen.driver();
      rep.driver = HostDrivers.name(driver);
      rep.driverHow = seen.how();
      if (driver.kind() == HostDriverKind.RPM_OSTREE) {
        kargs = driver.kargs();
      }
      return seen;
    } catch (HostDriver.HostException | ObservedStateException e) {
      rep.problem(e.getMessage());
      String tool = kind == HostDriverKind.AUTO ? "bootc" : kind.id();
      rep.status(Reason.OBSERVE_FAILED, tool + " status failed; nothing was changed");
      return null;
    }
  }

  /** Applies /etc and Flatpaks, and returns the plan of the host as it is after them. */
  private HostPlan applyLiveChanges(Planner planner, DesiredHost want, ObservedHost host, AgentState st,
      CycleReport rep) throws IOException {
    EtcApplier.Observed files = observe(want, st, rep);
    HostPlan plan = plan(planner, want, host, st, files);
    if (etc.apply(plan, want, st, files, store, rep)) {
      // Plan again from what /etc holds now: the status says where the host stands after the writes.
      plan = plan(planner, want, host, st, observe(want, st, quiet(rep)));
    }
    // Flatpaks live outside the OS image: they apply live, on a held host too (ADR 0009).
    if (flatpak.apply(plan, rep)) {
      flatpakFresh = false;
      plan = plan(planner, want, host, st, observe(want, st, quiet(rep)));
    }
    return plan;
  }

  /** After a bootloader fallback: revert the queued return to the failed image, once, so the fallback sticks. */
  private void keepFallback(AgentState st, HostRecord.Hold hold, CycleReport rep) throws IOException {
    String ref = hold == null ? null : hold.ref();
    try {
      if (driver.revertQueuedRollback()) {
        rep.step("keep-fallback", ref, "done", HostDrivers.name(driver) + " rollback: the next boot stays on the"
            + " image the bootloader fell back to");
      }
      st.record = HostLifecycle.fallbackKept(st.record);
      store.save(st);
    } catch (HostDriver.HostException e) {
      rep.step("keep-fallback", ref, "failed", e.getMessage());
      rep.problem(e.getMessage());
    }
  }

  /**
   * The /etc files bootfleet manages, with the kernel arguments on rpm-ostree hosts and the Flatpak
   * remotes and apps when Git lists any.
   */
  private EtcApplier.Observed observe(DesiredHost want, AgentState st, CycleReport rep) {
    EtcApplier.Observed o = etc.observe(config.host(), want, st, rep);
    if (!flatpakFresh) { // flatpak is read once a cycle, and again only after the agent changed it
      flatpakState = flatpak.observe(want, rep);
      flatpakFresh = true;
    }
    FlatpakState apps = flatpakState;
    if (kargs == null && apps == null) {
      return o;
    }
    EtcReport r = o.report();
    EtcReport all = new EtcReport(r.host(), r.files(), kargs == null ? r.kargs() : kargs, apps, r.notFiles());
    return new EtcApplier.Observed(all, o.localChanges());
  }

  /** This host's plan from what it reports and what the agent observed of /etc and Flatpaks. */
  private static HostPlan plan(Planner planner, DesiredHost want, ObservedHost host, AgentState st,
      EtcApplier.Observed files) {
    return planner.planHost(want, new Observation(host, files.report(), new HostHistory(
        new HashSet<>(st.record.restageable()))));
  }

  /** A report that goes nowhere: for observing again after a change, without logging it twice. */
  private CycleReport quiet(CycleReport rep) {
    return new CycleReport(config.host(), rep.time, rep.bootId, new PrintStream(OutputStream.nullOutputStream()));
  }

  /** Reports steady state to the reboot coordinator once the boot is over (and once when the agent starts). */
  private void releaseSlot(AgentState st, String bootId, CycleReport rep) {
    if (!policy.coordinates() || !HostLifecycle.releaseSlot(st.record, bootId, firstCycle)) {
      return;
    }
    String why = policy.release();
    if (why == null) {
      if (st.record.rebootSlot() != null) {
        rep.fleetLock = "slot given back (steady state)";
        rep.note("FleetLock: steady state reported, reboot slot given back");
      }
      st.record = st.record.withRebootSlot(null);
    } else {
      rep.problem(why);
    }
  }

  private String writeAgentReport(CycleReport rep) throws IOException {
    String text = StateStore.JSON.writeValueAsString(rep.toJson()) + "\n";
    AtomicFiles.write(config.reportDir().resolve(config.host() + ".agent.json"), text.getBytes(StandardCharsets.UTF_8),
        AtomicFiles.Attributes.mode(0644));
    return text;
  }

  private void writeReports(CycleReport rep, String statusText, ObservedHost before, DesiredHost want,
      AgentState st, long started) {
    try {
      Path dir = config.reportDir();
      Files.createDirectories(dir);
      String status = statusText;
      if (before != null && rep.steps.stream().anyMatch(s -> s.result().equals("done") && !s.type().endsWith("-file")
          && !s.type().startsWith("flatpak-"))) {
        try {
          status = driver.status(); // the OS changed: report what the tool says now
          if (kargs != null) {
            kargs = driver.kargs();
          }
        } catch (HostDriver.HostException e) {
          rep.problem(e.getMessage());
        }
      }
      if (status != null) {
        AtomicFiles.write(dir.resolve(config.host() + ".json"), status.getBytes(StandardCharsets.UTF_8),
            AtomicFiles.Attributes.mode(0644));
      }
      String etcText = null;
      if (want != null) {
        EtcApplier.Observed files = observe(want, st, quiet(rep));
        etcText = EtcReportJson.render(files.report());
        AtomicFiles.write(dir.resolve(config.host() + ".etc.json"), etcText.getBytes(StandardCharsets.UTF_8),
            AtomicFiles.Attributes.mode(0644));
      }
      if (sink != ReportSink.NONE && status == null) {
        rep.note("no status document this cycle: nothing is sent to " + source.describe());
      }
      rep.durationMs = (System.nanoTime() - started) / 1_000_000;
      String agentText = writeAgentReport(rep);
      if (sink != ReportSink.NONE && status != null) {
        try {
          sink.send(config.host(), status, etcText, agentText);
        } catch (IOException e) {
          rep.problem(Text.oneLine(e.getMessage(), "the report was not sent"));
          writeAgentReport(rep); // the report folder says that the server did not get it
        }
      }
    } catch (IOException e) {
      rep.problem("cannot write reports to " + config.reportDir() + ": " + Text.oneLine(e.getMessage(), "?"));
    }
  }
}
