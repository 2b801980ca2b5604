package dev.bootfleet.core.rollout;

import dev.bootfleet.core.image.Digest;
import dev.bootfleet.core.manifest.RolloutPolicy;
import dev.bootfleet.core.manifest.RolloutPolicy.Budget;
import dev.bootfleet.core.manifest.RolloutPolicy.RebootMode;
import dev.bootfleet.core.manifest.RolloutPolicy.Wave;
import dev.bootfleet.core.rollout.Decision.HostPhase;
import dev.bootfleet.core.rollout.Decision.Phase;
import dev.bootfleet.core.rollout.Decision.Reboot;
import dev.bootfleet.core.rollout.Decision.WaveStatus;
import dev.bootfleet.core.rollout.HostState.Health;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rollout engine (ADR 0021): given a rollout's policy, each host's state, what the server kept of
 * the run and the time, which hosts may stage now, which may reboot now and which must roll back. Pure:
 * no I/O, the time passed in; the server persists {@link Decision#next()} and carries the rest out.
 *
 * <p>The rules, each a row of {@code RolloutEngineTest}:
 * <ul>
 *   <li>Hosts go to the first wave whose selector matches them; those no wave matches to the last wave,
 *       {@value RolloutPolicy#REST}. A wave starts when the one before it is done and the soak since the last
 *       wave with hosts has passed (a wave without hosts waits for no soak), and, if it asks for approval, once
 *       approved.
 *   <li>A wave is done when each of its hosts is done or failed (skipped hosts do not count). Failures
 *       beyond its success threshold halt the run and reject the failed digests fleet-wide.
 *   <li>Hosts of started waves stage at any time; a staged host reboots only inside a window (or
 *       outside, when the rollout is urgent: the reboot says so), while its wave has fewer than its
 *       maxUnavailable hosts down and each budget's label value fewer than its maxUnavailable. Down
 *       means rebooting or unknown (not seen for {@code offline.after}); an unknown host counts as down
 *       for {@code offline.countFor}, then is skipped until it reports again.
 *   <li>A host that does not report the desired digest healthy within {@code healthTimeout} of its
 *       reboot has failed.
 *   <li>Paused: nothing new stages or reboots. Aborted: the same, for good. Halted: the same until Git
 *       names another digest (a new run) or an operator clears the rejected digest.
 *   <li>Hosts booting a rejected digest are told to roll back, once per digest, whatever the windows;
 *       hosts that only staged it are told to drop it, so that no reboot finalises it.
 * </ul>
 */
public final class RolloutEngine {
  private RolloutEngine() {}

  /** A host and the facts the rules need, worked out once. */
  private record Entry(HostState host, int wave, HostPhase phase, boolean countsDown) {}

  public static Decision decide(RolloutPolicy policy, List<HostState> hosts, RunState run, Instant now) {
    List<Wave> waves = policy.wavesWithRest();
    List<HostState> governed = hosts.stream().filter(h -> policy.selector().matches(h.labels()))
        .filter(h -> h.desired() != null).sorted(Comparator.comparing(HostState::name)).toList();
    List<Entry> entries = new ArrayList<>();
    for (HostState h : governed) {
      int wave = waveOf(waves, h);
      HostPhase phase = phase(policy, h, run.rejected(), now);
      boolean down = phase == HostPhase.REBOOTING || phase == HostPhase.UNKNOWN;
      entries.add(new Entry(h, wave, phase, down));
    }
    entries.sort(Comparator.comparingInt(Entry::wave)); // stable: by wave, then name

    // Waves: counts, the threshold, and how far the run has got.
    Map<String, Instant> done = new HashMap<>(run.wavesDone());
    Set<Digest> rejected = new HashSet<>(run.rejected());
    List<Digest> rejectNow = new ArrayList<>();
    // A run whose target is rejected (a restart, a digest an operator has not cleared) stays halted.
    boolean halted = run.halted() || governed.stream().anyMatch(h -> rejected.contains(h.desired()));
    List<WaveStatus> status = new ArrayList<>();
    int started = 0; // waves [0, started) have started
    Phase waiting = null; // why the first wave not started waits
    Instant waitUntil = null;
    for (int i = 0; i < waves.size(); i++) {
      Wave w = waves.get(i);
      final int index = i;
      List<Entry> in = entries.stream().filter(e -> e.wave() == index).toList();
      int size = (int) in.stream().filter(e -> e.phase() != HostPhase.SKIPPED).count();
      int failed = (int) in.stream().filter(e -> e.phase() == HostPhase.FAILED).count();
      int ok = (int) in.stream().filter(e -> e.phase() == HostPhase.DONE).count();
      int down = (int) in.stream().filter(Entry::countsDown).count();
      int skipped = in.size() - size;
      boolean isStarted = waiting == null && startable(policy, waves, i, done, run.approved(), entries, now);
      boolean firstWaiting = waiting == null && !isStarted;
      if (firstWaiting) {
        if (i > 0 && done.containsKey(waves.get(i - 1).name()) && !soaked(policy, waves, i, done, entries, now)) {
          waiting = Phase.SOAKING;
          waitUntil = soakFrom(waves, i, done, entries).plus(policy.soak());
        } else if (i == 0 || done.containsKey(waves.get(i - 1).name())) {
          waiting = Phase.AWAITING_APPROVAL;
        } else {
          waiting = Phase.PROGRESSING; // an earlier wave is still under way
        }
      }
      String state;
      if (isStarted) {
        started = i + 1;
        int allowed = size - (int) Math.ceil(size * policy.successThreshold() / 100.0);
        if (failed > allowed && !halted) {
          halted = true;
          for (Entry e : in) {
            if (e.phase() == HostPhase.FAILED && rejected.add(e.host().desired())) {
              rejectNow.add(e.host().desired());
            }
          }
        }
        boolean finished = ok + failed == size && failed <= allowed;
        if (finished) {
          done.putIfAbsent(w.name(), now);
        }
        state = done.containsKey(w.name()) ? "done" : "active";
      } else {
        state = !firstWaiting ? "waiting" : switch (waiting) {
          case SOAKING -> "soaking";
          case AWAITING_APPROVAL -> "awaiting-approval";
          default -> "waiting";
        };
      }
      status.add(new WaveStatus(w.name(), state, size, ok, failed, down, skipped,
          state.equals("soaking") ? Optional.of(waitUntil) : Optional.empty()));
    }
    // A rejection changes phases: hosts whose desired digest was just rejected stage nothing more.
    if (!rejectNow.isEmpty()) {
      List<Entry> again = new ArrayList<>();
      for (Entry e : entries) {
        HostPhase p = phase(policy, e.host(), rejected, now);
        again.add(new Entry(e.host(), e.wave(), p, p == HostPhase.REBOOTING || p == HostPhase.UNKNOWN));
      }
      entries = again;
    }

    Phase phase = policy.aborted() ? Phase.ABORTED : halted ? Phase.HALTED : policy.paused() ? Phase.PAUSED
        : waiting == null ? (done.keySet().containsAll(names(waves)) && settled(entries) ? Phase.COMPLETE
            : Phase.PROGRESSING) : waiting;
    boolean moving = !policy.aborted() && !halted && !policy.paused();

    List<String> stage = new ArrayList<>();
    List<Reboot> reboot = new ArrayList<>();
    if (moving) {
      for (Entry e : entries) {
        if (e.wave() < started && e.phase() == HostPhase.PENDING) {
          stage.add(e.host().name());
        }
      }
      reboot = reboots(policy, waves, entries, started, now);
    }
    List<String> rollback = new ArrayList<>();
    List<String> unstage = new ArrayList<>();
    for (HostState h : governed) {
      boolean bootsRejected = h.booted() != null && rejected.contains(h.booted());
      if (bootsRejected && !h.rollbackToldFor().contains(h.booted())) {
        rollback.add(h.name());
      } else if (!bootsRejected && h.staged() != null && rejected.contains(h.staged())) {
        unstage.add(h.name());
      }
    }
    Map<String, HostPhase> phases = new LinkedHashMap<>();
    Set<String> rebooting = new HashSet<>();
    reboot.forEach(r -> rebooting.add(r.host()));
    int[] grantedNow = new int[waves.size()];
    for (Entry e : entries) {
      phases.put(e.host().name(), rebooting.contains(e.host().name()) ? HostPhase.REBOOTING : e.phase());
      if (rebooting.contains(e.host().name()) && !e.countsDown()) {
        grantedNow[e.wave()]++;
      }
    }
    for (int i = 0; i < status.size(); i++) { // a reboot granted now is down now: the budget in use counts it
      WaveStatus w = status.get(i);
      status.set(i, new WaveStatus(w.name(), w.state(), w.hosts(), w.done(), w.failed(), w.down() + grantedNow[i],
          w.skipped(), w.startsAt()));
    }
    RunState next = new RunState(done, run.approved(), halted, rejected);
    return new Decision(phase, stage, reboot, rollback, unstage, rejectNow, next, status, phases);
  }

  /**
   * The first instant after {@code now} at which time alone can change what {@link #decide} answers for
   * these hosts and this run: a granted reboot's health timeout, a host going unknown and then skipped, a
   * soak ending, a window opening. Empty when nothing ever will. It holds for a settled decision, one whose
   * {@link Decision#next()} is {@code run} and that grants no reboot: {@code decide} at any instant from
   * {@code now} until then gives the same decision (a granted reboot is carried out and changes the hosts'
   * states, and a window closing then matters no more: a staged host that did not get a reboot while a
   * window was open was held by its wave's or a budget's count). The server skips its clock's decisions
   * until then; {@code RolloutEngineNextChangeTest} holds this to {@code decide}.
   */
  public static Optional<Instant> nextChange(RolloutPolicy policy, List<HostState> hosts, RunState run, Instant now) {
    List<Wave> waves = policy.wavesWithRest();
    boolean[] hasHosts = new boolean[waves.size()];
    Set<java.time.ZoneId> zones = new HashSet<>();
    Instant next = null;
    for (HostState h : hosts) {
      if (h.desired() == null || !policy.selector().matches(h.labels())) {
        continue;
      }
      hasHosts[waveOf(waves, h)] = true;
      zones.add(h.zone());
      // the instants at which phase() answers differently, branch by branch
      if (h.booted() != null && run.rejected().contains(h.booted())) {
        continue;
      }
      boolean onDesired = h.desired().equals(h.booted());
      if (h.rebootGrantedAt() != null) {
        if (h.health() != Health.FAILED && !(onDesired && h.health() == Health.HEALTHY)) {
          next = earliest(next, h.rebootGrantedAt().plus(policy.healthTimeout()), now);
        }
        continue;
      }
      if (onDesired || run.rejected().contains(h.desired()) || h.lastSeen() == null) {
        continue;
      }
      Instant unknown = h.lastSeen().plus(policy.offlineAfter());
      next = earliest(next, unknown, now);
      next = earliest(next, unknown.plus(policy.offlineCountFor()), now);
    }
    for (int i = 1; i < waves.size(); i++) {
      Instant done = run.wavesDone().get(waves.get(i - 1).name());
      if (done != null && hasHosts[i - 1]) {
        next = earliest(next, done.plus(policy.soak()), now);
      }
    }
    if (!policy.urgent() && !policy.windows().isEmpty()) { // an urgent rollout's reboots wait for no window
      for (java.time.ZoneId z : zones) {
        Optional<Instant> opens = RebootWindows.of(policy, z).nextOpening(now);
        if (opens.isPresent()) {
          next = earliest(next, opens.get(), now);
        }
      }
    }
    return Optional.ofNullable(next);
  }

  /**
   * Whether {@link #decide} at {@code now} gives the same decision with {@code after} in place of {@code before}
   * (one host's states, the others alike): they differ at most in when the host was last seen, and its phase at
   * {@code now} is the same (the last report moves only the offline rule's edge). A report that changes nothing
   * else of its host need not be decided again.
   */
  public static boolean sameDecision(RolloutPolicy policy, HostState before, HostState after, RunState run,
      Instant now) {
    HostState seenLater = new HostState(before.name(), before.labels(), before.zone(), before.desired(),
        before.booted(), before.staged(), after.lastSeen(), before.rebootGrantedAt(), before.health(),
        before.softRebootCapable(), before.rollbackToldFor());
    return seenLater.equals(after) && (after.desired() == null || !policy.selector().matches(after.labels())
        || phase(policy, before, run.rejected(), now) == phase(policy, after, run.rejected(), now));
  }

  /** The earlier of {@code best} and {@code t}, counting {@code t} only when it is after {@code now}. */
  private static Instant earliest(Instant best, Instant t, Instant now) {
    return !t.isAfter(now) || best != null && !t.isBefore(best) ? best : t;
  }

  /**
   * Whether no host is still on its way: a host skipped while offline when its wave finished, back now,
   * converges in its wave, and the rollout is not complete until it has.
   */
  private static boolean settled(List<Entry> entries) {
    return entries.stream().noneMatch(e -> e.phase() == HostPhase.PENDING || e.phase() == HostPhase.STAGED
        || e.phase() == HostPhase.REBOOTING);
  }

  private static Set<String> names(List<Wave> waves) {
    Set<String> s = new TreeSet<>();
    waves.forEach(w -> s.add(w.name()));
    return s;
  }

  private static int waveOf(List<Wave> waves, HostState h) {
    for (int i = 0; i < waves.size(); i++) {
      if (waves.get(i).selector().matches(h.labels())) {
        return i;
      }
    }
    return waves.size() - 1; // the rest wave matches everything; never reached
  }

  /** Whether wave {@code i} may run: the one before it done and soaked, and approved if it asks. */
  private static boolean startable(RolloutPolicy policy, List<Wave> waves, int i, Map<String, Instant> done,
      Set<String> approved, List<Entry> entries, Instant now) {
    if (i > 0 && (!done.containsKey(waves.get(i - 1).name()) || !soaked(policy, waves, i, done, entries, now))) {
      return false;
    }
    return !waves.get(i).approval() || approved.contains(waves.get(i).name());
  }

  /**
   * Whether the soak before wave {@code i} has passed. It runs from the end of the last wave before it that had
   * hosts (none after a run of empty waves alone), and a wave without hosts waits for none: an empty wave, such
   * as a {@code rest} that no host falls into, neither soaks nor shortens the next wave's soak.
   */
  private static boolean soaked(RolloutPolicy policy, List<Wave> waves, int i, Map<String, Instant> done,
      List<Entry> entries, Instant now) {
    Instant from = soakFrom(waves, i, done, entries);
    return entries.stream().noneMatch(e -> e.wave() == i) || from == null || !now.isBefore(from.plus(policy.soak()));
  }

  /** When the last wave before wave {@code i} that had hosts was done; null when none had hosts. */
  private static Instant soakFrom(List<Wave> waves, int i, Map<String, Instant> done, List<Entry> entries) {
    for (int j = i - 1; j >= 0; j--) {
      int wave = j;
      if (entries.stream().anyMatch(e -> e.wave() == wave)) {
        return done.get(waves.get(j).name());
      }
    }
    return null;
  }

  static HostPhase phase(RolloutPolicy policy, HostState h, Set<Digest> rejected, Instant now) {
    if (h.booted() != null && rejected.contains(h.booted())) {
      return HostPhase.REJECTED;
    }
    Instant granted = h.rebootGrantedAt();
    boolean onDesired = h.desired().equals(h.booted());
    if (granted != null) {
      // told to roll back from its desired digest, still rejected: it failed on it, whatever its reports say after
      // the rollback (the boot into the rollback deployment has no verdict of its own). Once an operator clears the
      // digest, the host waits for its health again, as before.
      if (h.health() == Health.FAILED
          || rejected.contains(h.desired()) && h.rollbackToldFor().contains(h.desired())) {
        return HostPhase.FAILED;
      }
      if (onDesired && h.health() == Health.HEALTHY) {
        return HostPhase.DONE;
      }
      return now.isBefore(granted.plus(policy.healthTimeout())) ? HostPhase.REBOOTING : HostPhase.FAILED;
    }
    if (onDesired) {
      return HostPhase.DONE; // already there: nothing to prove
    }
    if (rejected.contains(h.desired())) {
      return HostPhase.REJECTED;
    }
    if (h.lastSeen() == null || !now.isBefore(h.lastSeen().plus(policy.offlineAfter()))) {
      Instant unknownSince = h.lastSeen() == null ? null : h.lastSeen().plus(policy.offlineAfter());
      boolean counted = unknownSince != null && now.isBefore(unknownSince.plus(policy.offlineCountFor()));
      return counted ? HostPhase.UNKNOWN : HostPhase.SKIPPED;
    }
    return h.desired().equals(h.staged()) ? HostPhase.STAGED : HostPhase.PENDING;
  }

  /** The staged hosts of started waves that may reboot now, within windows, maxUnavailable and budgets. */
  private static List<Reboot> reboots(RolloutPolicy policy, List<Wave> waves, List<Entry> entries, int started,
      Instant now) {
    int[] downByWave = new int[waves.size()];
    int[] sizeByWave = new int[waves.size()];
    Map<String, Integer> downByValue = new HashMap<>(); // "key=value"
    Map<String, Integer> sizeByValue = new HashMap<>();
    for (Entry e : entries) {
      if (e.phase() != HostPhase.SKIPPED) {
        sizeByWave[e.wave()]++;
      }
      for (Budget b : policy.budgets()) {
        String v = e.host().labels().get(b.labelKey());
        if (v != null) {
          sizeByValue.merge(b.labelKey() + "=" + v, 1, Integer::sum);
          if (e.countsDown()) {
            downByValue.merge(b.labelKey() + "=" + v, 1, Integer::sum);
          }
        }
      }
      if (e.countsDown()) {
        downByWave[e.wave()]++;
      }
    }
    List<Reboot> out = new ArrayList<>();
    Map<java.time.ZoneId, RebootWindows> windows = new HashMap<>();
    for (Entry e : entries) { // by wave, then name
      if (e.wave() >= started || e.phase() != HostPhase.STAGED) {
        continue;
      }
      Wave w = waves.get(e.wave());
      int waveMax = w.maxUnavailable().orElse(policy.maxUnavailable()).of(sizeByWave[e.wave()]);
      if (downByWave[e.wave()] >= waveMax) {
        continue;
      }
      boolean withinBudgets = true;
      for (Budget b : policy.budgets()) {
        String v = e.host().labels().get(b.labelKey());
        String key = b.labelKey() + "=" + v;
        if (v != null && downByValue.getOrDefault(key, 0) >= b.maxUnavailable().of(sizeByValue.get(key))) {
          withinBudgets = false;
        }
      }
      if (!withinBudgets) {
        continue;
      }
      boolean open = windows.computeIfAbsent(e.host().zone(), z -> RebootWindows.of(policy, z)).isOpen(now);
      if (!open && !policy.urgent()) {
        continue;
      }
      RebootMode mode = policy.rebootMode() == RebootMode.SOFT_REBOOT && e.host().softRebootCapable()
          ? RebootMode.SOFT_REBOOT : RebootMode.REBOOT;
      out.add(new Reboot(e.host().name(), mode, !open));
      downByWave[e.wave()]++;
      for (Budget b : policy.budgets()) {
        String v = e.host().labels().get(b.labelKey());
        if (v != null) {
          downByValue.merge(b.labelKey() + "=" + v, 1, Integer::sum);
        }
      }
    }
    return out;
  }
}
