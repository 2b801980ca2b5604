package dev.bootfleet.app.agent;

import dev.bootfleet.core.status.SyncStatus;

import dev.bootfleet.adapters.fs.AtomicFiles;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.ImageSpec;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.manifest.Transport;
import dev.bootfleet.core.manifest.HostDriverKind;
import dev.bootfleet.core.observed.BootEntry;
import dev.bootfleet.core.observed.EtcReport;
import dev.bootfleet.core.observed.FlatpakState;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.observed.ObservedStateException;
import dev.bootfleet.core.plan.Action;
import dev.bootfleet.core.plan.BootCheck;
import dev.bootfleet.core.plan.HostHistory;
import dev.bootfleet.core.plan.HostPlan;

import dev.bootfleet.core.plan.Observation;
import dev.bootfleet.core.plan.Planner;
import dev.bootfleet.core.image.ImageLock;
import dev.bootfleet.core.port.DesiredStateSource;
import dev.bootfleet.core.port.HostDriver;
import dev.bootfleet.core.render.EtcReportJson;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One host's agent: each {@link #cycle()} observes the host with bootc or rpm-ostree ({@link
 * HostDrivers}), tells how the last boot went, plans with the same engine as the CLI, carries out the
 * plan (files first, then the OS changes, the reboot last and only under the reboot policy), and writes
 * its reports. On rpm-ostree hosts every OS change is staged finalization-locked, and the reboot is
 * {@code rpm-ostree finalize-deployment}. See docs/adr/0006-host-agent.md and README, "rpm-ostree hosts".
 */
public final class Agent {
  /** Staged updates lost at this many boots in a row make a hold: no endless stage-reboot-lose loop. */
  static final int MAX_LOST = 3;
  /** After asking for a reboot, the agent waits this long in the same boot before asking again. */
  static final Duration REBOOT_GRACE = Duration.ofMinutes(30);

  private final AgentConfig config;
  private final DesiredStateSource source;
  private final HostDrivers drivers;
  /** The driver of this cycle. */
  private HostDriver driver;
  /** rpm-ostree hosts: the kernel arguments of the next boot for the report; null otherwise. */
  private java.util.List<String> kargs;
  private final EtcApplier etc;
  private final FlatpakApplier flatpak;
  private final RebootPolicy policy;
  private final StateStore store;
  private final Clock clock;
  private final PrintStream log;
  private boolean firstCycle = true;
  /** The Flatpak state read in this cycle, and whether it is still current. */
  private FlatpakState flatpakState;
  private boolean flatpakFresh;
  /** The lock of the revision last read: which manifests each pinned image index lists. */
  private ImageLock images = ImageLock.EMPTY;

  Agent(AgentConfig config, DesiredStateSource source, HostDrivers drivers, EtcApplier etc, FlatpakApplier flatpak,
      RebootPolicy policy, StateStore store, Clock clock, PrintStream log) {
    this.config = config;
    this.source = source;
    this.drivers = drivers;
    this.etc = etc;
    this.flatpak = flatpak;
    this.policy = policy;
    this.store = store;
    this.clock = clock;
    this.log = log;
  }

  /** Runs one cycle; problems are in the report, only an unwritable state folder throws. */
  public CycleReport cycle() throws IOException {
    long started = System.nanoTime(); // the cycle's duration: a monotonic clock, not the agent's Clock
    Instant now = clock.instant();
    String bootId = bootId();
    CycleReport rep = new CycleReport(config.host(), now, bootId, log);
    rep.source = source.describe();
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
    AgentState st = loaded.state();

    DesiredHost want = desired(rep);
    flatpakFresh = false;
    ObservedHost host = null;
    String statusText = null;
    String tool = want == null || want.driver() == HostDriverKind.AUTO ? "bootc" : want.driver().id();
    kargs = null;
    try {
      HostDrivers.Seen seen = drivers.observe(want == null ? HostDriverKind.AUTO : want.driver());
      driver = seen.driver();
      tool = HostDrivers.name(driver);
      rep.driver = tool;
      rep.driverHow = seen.how();
      statusText = seen.text();
      host = seen.host();
      if (driver.kind() == HostDriverKind.RPM_OSTREE) {
        kargs = driver.kargs();
      }
    } catch (HostDriver.HostException | ObservedStateException e) {
      rep.problem(e.getMessage());
    }

    etc.cleanUp(want, st, rep);
    if (host != null && host.booted() != null) {
      checkBoot(st, bootId, host, rep);
      if (want != null) {
        reconcile(want, host, st, bootId, rep);
      }
    } else if (host != null) {
      rep.status("unknown", tool + " reports no booted deployment (not a bootc host?)");
    }
    if (host == null) {
      rep.status("unknown", tool + " status failed; nothing was changed");
    }
    releaseSlot(st, bootId, rep);
    firstCycle = false;
    rep.hold = st.hold;
    store.save(st);
    writeReports(rep, statusText, host, want, st, started);
    return rep;
  }

  private DesiredHost desired(CycleReport rep) {
    DesiredStateSource.Desired d;
    try {
      d = source.fetch(config.host());
    } catch (IOException e) {
      rep.problem(Text.oneLine(e.getMessage(), "cannot read the desired state"));
      rep.status("unknown", "the desired state cannot be read; nothing was changed");
      return null;
    }
    rep.revision = d.revision();
    images = d.images();
    int shown = 0;
    for (Problem p : d.problems()) {
      if (!p.isError()) {
        rep.note(p.format());
      } else if (shown++ < 20) {
        rep.problem(p.format());
      }
    }
    if (d.hasErrors()) {
      rep.status("unknown", d.revision() + " has errors; nothing from it is applied");
      return null;
    }
    if (d.host() == null) {
      rep.problem("the fleet repository declares no host " + config.host());
      rep.status("unknown", d.revision() + " declares no host " + config.host());
    }
    return d.host();
  }

  // --- after a boot ---

  private void checkBoot(AgentState st, String bootId, ObservedHost host, CycleReport rep) {
    BootCheck.Staged record = st.staged == null ? null : new BootCheck.Staged(spec(st.staged.ref(),
        st.staged.transport(), st.staged.enforce()), st.staged.bootId(), st.staged.locked(),
        st.staged.rebootBootId() != null);
    BootCheck.Outcome outcome = st.staged != null && st.staged.byDeployment()
        ? DeploymentCheck.classify(st.staged, bootId, host) : BootCheck.classify(record, bootId, host);
    String ref = st.staged == null ? null : st.staged.ref();
    switch (outcome) {
      case NONE -> { }
      case PENDING -> {
        if (!st.staged.bootId().equals(bootId)) {
          st.staged = st.staged.inBoot(bootId); // a reboot kept it staged: it stays pending in this boot
        }
      }
      case CONVERGED -> {
        if (st.staged.from() != null && !canonical(st.staged.from()).equals(st.staged.ref())) {
          st.remember(canonical(st.staged.from())); // left on purpose: Git may name it again (a revert)
        }
        st.lostAttempts = 0;
        st.staged = null;
        booted(st, bootId, outcome, ref, rep, "booted " + ref);
      }
      case STAGED_DISCARDED -> {
        st.staged = null;
        booted(st, bootId, outcome, ref, rep, "a reboot the agent did not ask for discarded the locked staged entry"
            + " of " + ref + " (as meant); it is staged again");
      }
      case STAGED_LOST -> {
        st.staged = null;
        st.lostAttempts++;
        booted(st, bootId, outcome, ref, rep, "the host booted its old image and the staged update of " + ref
            + " is gone (finalization lost or failed; see journalctl -u ostree-finalize-staged -b -1); attempt "
            + st.lostAttempts + " of " + MAX_LOST);
        if (st.lostAttempts >= MAX_LOST) {
          hold(st, ref, outcome, "the staged update of " + ref + " was lost at " + MAX_LOST
              + " boots in a row; no new switch until Git names another digest or an operator clears the hold");
        }
      }
      case BOOTLOADER_FALLBACK -> {
        st.staged = null;
        booted(st, bootId, outcome, ref, rep, "the bootloader fell back from " + ref + " to the previous image");
        hold(st, ref, outcome, "the bootloader fell back from " + ref + " (boot failure?); it will not be staged"
            + " again until Git names another digest or an operator clears the hold");
      }
      case EXPLICIT_ROLLBACK -> {
        st.staged = null;
        booted(st, bootId, outcome, ref, rep, "the host rolled back from " + ref);
        hold(st, ref, outcome, "rolled back from " + ref + "; no new switch until Git names another digest or an"
            + " operator clears the hold (bootfleet agent clear-hold)");
      }
    }
  }

  private void booted(AgentState st, String bootId, BootCheck.Outcome outcome, String ref, CycleReport rep,
      String text) {
    rep.bootOutcome = outcome.id();
    rep.bootImage = ref;
    st.lastBoot = new AgentState.Boot(bootId, outcome.id(), ref, rep.time.toString());
    rep.note("boot: " + outcome.id() + ": " + text);
  }

  private void hold(AgentState st, String ref, BootCheck.Outcome outcome, String reason) {
    st.restageable.remove(ref);
    st.hold = new AgentState.Hold(ref, outcome.id(), reason, clock.instant().toString());
  }

  // --- reconcile ---

  private void reconcile(DesiredHost want, ObservedHost host, AgentState st, String bootId, CycleReport rep)
      throws IOException {
    String target = want.image().switchTarget();
    if (st.hold != null && !st.hold.ref().equals(target)) {
      rep.note("the hold on " + st.hold.ref() + " ends: Git names " + target);
      st.hold = null;
      st.lostAttempts = 0;
    }
    Planner planner = new Planner(clock, images);
    if (st.hold != null && planner.planHost(want, new Observation(host, null)).status() == SyncStatus.IN_SYNC) {
      rep.note("the hold on " + st.hold.ref() + " ends: the host runs it");
      st.hold = null;
    }
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
    boolean held = st.hold != null;
    if (held || plan.status() == SyncStatus.HELD) {
      rep.status("held", held ? st.hold.reason() : plan.reason());
      for (Action a : plan.actions()) {
        if (!(a instanceof Action.WriteFile) && !(a instanceof Action.RemoveFile) && !a.isFlatpak()) {
          rep.step(a.type(), target, "skipped", "held");
        }
      }
      return;
    }
    rep.status(plan.status().id(), plan.reason());
    List<Action> os = plan.actions().stream().filter(a -> !a.isFlatpak()).toList(); // Flatpaks ran above
    if (driver instanceof HostDriver.RpmOstree r) {
      new RpmOstreeSteps(this, r, want, host, st, bootId, rep).run(os);
      return;
    }
    HostDriver.Bootc bootc = (HostDriver.Bootc) driver;
    boolean unlock = false;
    for (Action a : os) {
      try {
        switch (a) {
          case Action.WriteFile w -> { }
          case Action.RemoveFile r -> { }
          case Action.Stage s -> {
            bootc.switchTo(s.ref(), s.transport(), s.enforceSignaturePolicy());
            st.staged = new AgentState.Staged(s.ref(), s.transport(), s.enforceSignaturePolicy(), bootId,
                imageOf(host.booted()), false, null, null);
            store.save(st);
            rep.step("stage", s.ref(), "done", "bootc switch" + (s.from() == null ? "" : "; from " + s.from()));
          }
          case Action.UnlockStaged u -> unlock = true;
          case Action.CancelStaged c -> {
            if (host.staged() != null && host.staged().downloadOnly()) {
              rep.step("cancel-staged", c.ref(), "done", "already locked: the next boot discards it");
            } else {
              bootc.lockStaged();
              rep.step("cancel-staged", c.ref(), "done", "locked (bootc upgrade --download-only): the next boot"
                  + " discards it; bootc has no verb to drop it");
            }
          }
          case Action.CancelRollback c -> {
            ObservedHost now = HostDrivers.parse(driver.status(), driver);
            if (now.rollbackQueued()) { // bootc rollback toggles: only when one is still queued
              driver.revertQueuedRollback();
              rep.step("cancel-rollback", c.ref(), "done", "bootc rollback reverted the queued rollback");
            }
          }
          case Action.SetKargs k -> rep.step("set-kargs", String.join(" ", k.append()), "skipped",
              "not supported by this driver");
          case Action.Reboot r -> reboot(bootc, want, host, st, bootId, unlock, rep);
          default -> rep.step(a.type(), target, "skipped", "not supported by this driver");
        }
      } catch (HostDriver.HostException | ObservedStateException e) {
        rep.step(a.type(), target, "failed", e.getMessage());
        rep.problem(e.getMessage());
        return; // the next cycle starts again from what bootc reports
      }
    }
  }

  private void reboot(HostDriver.Bootc bootc, DesiredHost want, ObservedHost host, AgentState st, String bootId,
      boolean unlock, CycleReport rep) throws HostDriver.HostException, IOException {
    Instant now = clock.instant();
    String target = want.image().switchTarget();
    if (st.staged != null && bootId.equals(st.staged.rebootBootId()) && st.staged.rebootAt() != null
        && Instant.parse(st.staged.rebootAt()).plus(REBOOT_GRACE).isAfter(now)) {
      rep.reboot = "requested at " + st.staged.rebootAt() + "; waiting for it";
      rep.step("reboot", target, "waiting", rep.reboot);
      return;
    }
    if (st.staged == null) { // staged by someone else (or the state was lost): record it for after the boot
      boolean locked = host.staged() != null && host.staged().downloadOnly();
      st.staged = new AgentState.Staged(target, want.image().transport().id(), want.image().enforceSignaturePolicy(),
          bootId, imageOf(host.booted()), locked, null, null);
    }
    RebootPolicy.Decision d = policy.decide(now);
    if (d instanceof RebootPolicy.Wait w) {
      rep.reboot = "waiting: " + w.why();
      if (config.reboot().defers() && !st.staged.locked() && !unlock) {
        bootc.lockStaged();
        st.staged = st.staged.withLocked(true);
        rep.step("lock-staged", target, "done", "so that only the agent's reboot applies it");
      }
      rep.step("reboot", target, "waiting", w.why());
      return;
    }
    boolean slot = ((RebootPolicy.Go) d).slotTaken();
    if (slot) {
      st.fleetLock = new AgentState.Lock(true, bootId, now.toString());
      rep.fleetLock = "slot taken";
    }
    try {
      if (unlock || st.staged.locked()) {
        bootc.unlockStaged();
        st.staged = st.staged.withLocked(false);
        rep.step("unlock-staged", target, "done", "bootc upgrade --from-downloaded");
      }
    } catch (HostDriver.HostException e) {
      giveBack(st, rep);
      throw e;
    }
    st.staged = st.staged.withReboot(bootId, now.toString());
    rep.reboot = "requested";
    store.save(st);
    String failed = runReboot();
    if (failed != null) {
      st.staged = st.staged.withReboot(null, null);
      rep.reboot = "failed: " + failed;
      rep.step("reboot", target, "failed", failed);
      rep.problem("reboot command " + String.join(" ", config.reboot().command()) + ": " + failed);
      giveBack(st, rep);
      return;
    }
    rep.step("reboot", target, "requested", String.join(" ", config.reboot().command()));
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
    return new EtcApplier.Observed(new EtcReport(r.host(), r.files(), kargs == null ? r.kargs() : kargs, apps),
        o.localChanges());
  }

  /** This host's plan from what it reports and what the agent observed of /etc and Flatpaks. */
  private static HostPlan plan(Planner planner, DesiredHost want, ObservedHost host, AgentState st,
      EtcApplier.Observed files) {
    return planner.planHost(want, new Observation(host, files.report(), new HostHistory(
        new java.util.HashSet<>(st.restageable))));
  }

  /** A report that goes nowhere: for observing again after a change, without logging it twice. */
  private CycleReport quiet(CycleReport rep) {
    return new CycleReport(config.host(), rep.time, rep.bootId, new PrintStream(java.io.OutputStream.nullOutputStream()));
  }

  /** Replaces the kernel arguments reported for this cycle (after the agent changed them). */
  void kargs(java.util.List<String> now) {
    kargs = now;
  }

  AgentConfig config() {
    return config;
  }

  Clock clock() {
    return clock;
  }

  RebootPolicy policy() {
    return policy;
  }

  StateStore store() {
    return store;
  }

  void giveBack(AgentState st, CycleReport rep) {
    if (st.fleetLock != null && st.fleetLock.held()) {
      String why = policy.release();
      if (why == null) {
        st.fleetLock = null;
        rep.fleetLock = "slot given back";
      } else {
        rep.problem(why);
      }
    }
  }

  /** Hands the reboot to systemd (or the configured command); null on success, else why it failed. */
  private String runReboot() {
    try {
      Process p = new ProcessBuilder(config.reboot().command()).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      byte[] out = p.getInputStream().readNBytes(64 * 1024);
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return "did not finish in 2 minutes";
      }
      return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + Text.oneLine(new String(out,
          StandardCharsets.UTF_8), "");
    } catch (IOException e) {
      return "cannot start: " + Text.oneLine(e.getMessage(), "?");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Reports steady state to FleetLock once the boot is over (and once when the agent starts). */
  private void releaseSlot(AgentState st, String bootId, CycleReport rep) {
    if (!policy.usesFleetLock()) {
      return;
    }
    boolean rebootPending = st.staged != null && bootId.equals(st.staged.rebootBootId());
    boolean heldFromBefore = st.fleetLock != null && st.fleetLock.held() && !bootId.equals(st.fleetLock.bootId());
    if (rebootPending || !(heldFromBefore || firstCycle)) {
      return;
    }
    String why = policy.release();
    if (why == null) {
      if (st.fleetLock != null) {
        rep.fleetLock = "slot given back (steady state)";
        rep.note("FleetLock: steady state reported, reboot slot given back");
      }
      st.fleetLock = null;
    } else {
      rep.problem(why);
    }
  }

  private String bootId() throws IOException {
    try {
      return Files.readString(config.bootIdFile(), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new IOException("cannot read the boot id from " + config.bootIdFile() + ": " + e.getMessage(), e);
    }
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
      if (want != null) {
        EtcApplier.Observed files = observe(want, st, quiet(rep));
        AtomicFiles.write(dir.resolve(config.host() + ".etc.json"), EtcReportJson.render(files.report())
            .getBytes(StandardCharsets.UTF_8), AtomicFiles.Attributes.mode(0644));
      }
      rep.durationMs = (System.nanoTime() - started) / 1_000_000;
      AtomicFiles.write(dir.resolve(config.host() + ".agent.json"), (StateStore.JSON.writeValueAsString(rep.toJson())
          + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.Attributes.mode(0644));
    } catch (IOException e) {
      rep.problem("cannot write reports to " + config.reportDir() + ": " + Text.oneLine(e.getMessage(), "?"));
    }
  }

  static ImageSpec spec(String ref, String transport, boolean enforce) {
    Transport t = Transport.of(transport);
    return new ImageSpec(ref, t, enforce, t == Transport.OCI ? null : ImageRef.parse(ref));
  }

  /** The form Git's references take ({@code ImageSpec.switchTarget}); an unparsable one as it is. */
  static String canonical(String ref) {
    try {
      return ImageRef.parse(ref).canonical();
    } catch (IllegalArgumentException e) {
      return ref;
    }
  }

  static String imageOf(BootEntry e) {
    return e == null || e.image() == null ? null : e.image().image().image();
  }
}
