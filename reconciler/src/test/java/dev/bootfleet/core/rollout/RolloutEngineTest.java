package dev.bootfleet.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.image.Digest;
import dev.bootfleet.core.manifest.LabelSelector;
import dev.bootfleet.core.manifest.RolloutPolicy;
import dev.bootfleet.core.manifest.RolloutPolicy.Amount;
import dev.bootfleet.core.manifest.RolloutPolicy.Budget;
import dev.bootfleet.core.manifest.RolloutPolicy.RebootMode;
import dev.bootfleet.core.manifest.RolloutPolicy.Wave;
import dev.bootfleet.core.manifest.RolloutPolicy.Weekly;
import dev.bootfleet.core.rollout.Decision.HostPhase;
import dev.bootfleet.core.rollout.HostState.Health;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The engine's rules, a row each. A row names the policy's changes from the base (waves {@code canary}
 * for {@code ring=canary} and {@code early} for {@code ring=early}, then {@code rest}; maxUnavailable 1;
 * threshold 100%; no soak; reboot any time), the run state, and the hosts as {@code name:labels:state};
 * then the phase and the hosts to stage, reboot and roll back. The time is Saturday 2026-12-05 12:00 UTC.
 */
class RolloutEngineTest {
  static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  static final Digest OLD = new Digest("a".repeat(64));
  static final Digest NEW = new Digest("b".repeat(64));
  static final Digest NEWER = new Digest("c".repeat(64));

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      # rule                                      | policy          | run                  | hosts                                                          | phase             | stage     | reboot       | rollback
      canary first: only its hosts move           | -               | -                    | c1:ring=canary:pending e1:ring=early:pending r1::pending        | PROGRESSING       | c1        | -            | -
      a staged canary host reboots                | -               | -                    | c1:ring=canary:staged e1:ring=early:pending                     | PROGRESSING       | -         | c1           | -
      the canary done, the next wave stages       | -               | -                    | c1:ring=canary:done e1:ring=early:pending r1::pending           | PROGRESSING       | e1        | -            | -
      a wave without hosts is passed over         | -               | -                    | e1:ring=early:pending                                           | PROGRESSING       | e1        | -            | -
      soak: the next wave waits                   | soak=1h         | done=canary@30       | c1:ring=canary:done e1:ring=early:pending                       | SOAKING           | -         | -            | -
      soak over: the next wave stages             | soak=1h         | done=canary@61       | c1:ring=canary:done e1:ring=early:pending                       | PROGRESSING       | e1        | -            | -
      approval: the wave waits for it             | approval=early  | -                    | c1:ring=canary:done e1:ring=early:pending                       | AWAITING_APPROVAL | -         | -            | -
      approved: the wave stages                   | approval=early  | approved=early       | c1:ring=canary:done e1:ring=early:pending                       | PROGRESSING       | e1        | -            | -
      maxUnavailable 1: one at a time             | -               | -                    | r1::staged r2::staged                                           | PROGRESSING       | -         | r1           | -
      maxUnavailable counts reboots under way     | -               | -                    | r1::rebooting r2::staged                                        | PROGRESSING       | -         | -            | -
      maxUnavailable as a percentage              | max=50%         | -                    | r1::staged r2::staged r3::staged r4::staged                     | PROGRESSING       | -         | r1 r2        | -
      budget per site: one down per site          | max=10 budget=site:1 | -               | r1:site=a:staged r2:site=a:staged r3:site=b:staged             | PROGRESSING       | -         | r1 r3        | -
      budget counts a site's host already down    | max=10 budget=site:1 | -               | r1:site=a:rebooting r2:site=a:staged r3:site=b:staged          | PROGRESSING       | -         | r3           | -
      window closed: staged, no reboot            | window=closed   | -                    | r1::staged r2::pending                                          | PROGRESSING       | r2        | -            | -
      window open: reboot                         | window=open     | -                    | r1::staged                                                      | PROGRESSING       | -         | r1           | -
      urgent: reboots outside the window          | window=closed urgent | -               | r1::staged                                                      | PROGRESSING       | -         | r1!          | -
      soft-reboot where the host can              | soft            | -                    | r1::staged-soft r2::staged                                      | PROGRESSING       | -         | r1~          | -
      health timeout passed: failed               | -               | -                    | c1:ring=canary:rebooting-late e1:ring=early:pending            | HALTED            | -         | -            | c1
      a failed canary halts and rejects           | -               | -                    | c1:ring=canary:failed e1:ring=early:pending                    | HALTED            | -         | -            | c1
      failures below the threshold: held, on      | threshold=50%   | -                    | r1::failed r2::done r3::staged                                  | PROGRESSING       | -         | r3           | -
      rollback is told once                       | -               | halted rejected      | c1:ring=canary:failed-told e1:ring=early:pending               | HALTED            | -         | -            | -
      a rejected digest is not staged             | -               | halted rejected      | c1:ring=canary:onrejected r1::pending                          | HALTED            | -         | -            | c1
      staged, not booted: dropped, not rolled back | -              | halted rejected      | r1::staged                                                      | HALTED            | -         | -            | -
      a new run keeps it rejected, and halted     | -               | rejected             | c1:ring=canary:pending                                          | HALTED            | -         | -            | -
      a new digest moves on: the old stays rejected | -             | rejected             | c1:ring=canary:pending-other                                    | PROGRESSING       | c1        | -            | -
      offline: counts against maxUnavailable      | -               | -                    | r1::offline r2::staged                                          | PROGRESSING       | -         | -            | -
      offline too long: skipped                   | -               | -                    | r1::offline-long r2::staged                                     | PROGRESSING       | -         | r2           | -
      a skipped host does not block its wave      | -               | -                    | c1:ring=canary:offline-long e1:ring=early:pending              | PROGRESSING       | e1        | -            | -
      paused: nothing new                         | paused          | -                    | r1::staged r2::pending                                          | PAUSED            | -         | -            | -
      aborted: nothing new                        | aborted         | -                    | r1::staged r2::pending                                          | ABORTED           | -         | -            | -
      every host done: complete                   | -               | -                    | c1:ring=canary:done e1:ring=early:done r1::done                | COMPLETE          | -         | -            | -
      """)
  void decide_followsTheRule(String rule, String policy, String run, String hosts, String phase, String stage,
      String reboot, String rollback) {
    Decision d = RolloutEngine.decide(policy(policy), hosts(hosts), run(run), NOW);

    assertThat(d.phase()).as(rule).isEqualTo(Decision.Phase.valueOf(phase));
    assertThat(d.stage()).as(rule).containsExactlyElementsOf(list(stage));
    assertThat(d.reboot()).as(rule).extracting(r -> r.host() + (r.overridesWindow() ? "!" : "")
        + (r.mode() == RebootMode.SOFT_REBOOT ? "~" : "")).containsExactlyElementsOf(list(reboot));
    assertThat(d.rollback()).as(rule).containsExactlyElementsOf(list(rollback));
  }

  @Test
  void halt_rejectsTheFailedDigest_andRecordsIt() {
    Decision d = RolloutEngine.decide(policy("-"), hosts("c1:ring=canary:failed e1:ring=early:pending"),
        RunState.NEW, NOW);

    assertThat(d.rejectNow()).containsExactly(NEW);
    assertThat(d.next().halted()).isTrue();
    assertThat(d.next().rejected()).containsExactly(NEW);
    assertThat(d.hosts()).containsEntry("c1", HostPhase.REJECTED).containsEntry("e1", HostPhase.REJECTED);
  }

  @Test
  void aRejectedDigestStaged_isToldToGo_notRolledBack() {
    Decision d = RolloutEngine.decide(policy("-"), hosts("c1:ring=canary:failed r1::staged r2::pending"),
        RunState.NEW, NOW);

    assertThat(d.rollback()).containsExactly("c1");
    assertThat(d.unstage()).containsExactly("r1");
  }

  @Test
  void aHostRolledBack_staysFailed_notRebootingAgain() {
    // found by RolloutChaosIT: back on the old image, its report says nothing of health, and it read as rebooting
    HostState back = new HostState("c1", Map.of("ring", "canary"), null, NEW, OLD, null, NOW.minusSeconds(5),
        NOW.minus(Duration.ofMinutes(1)), Health.NONE, false, Set.of(NEW));
    Decision d = RolloutEngine.decide(policy("-"), List.of(back, host("e1", Map.of("ring", "early"), "pending")),
        run("halted rejected"), NOW);

    assertThat(d.hosts()).containsEntry("c1", HostPhase.FAILED);
    assertThat(d.rollback()).isEmpty();
    assertThat(d.reboot()).isEmpty();
  }

  @Test
  void waveDone_isRecordedOnce_withTheTimeFirstSeen() {
    Decision first = RolloutEngine.decide(policy("soak=1h"), hosts("c1:ring=canary:done e1:ring=early:pending"),
        RunState.NEW, NOW);
    Decision later = RolloutEngine.decide(policy("soak=1h"), hosts("c1:ring=canary:done e1:ring=early:pending"),
        first.next(), NOW.plus(Duration.ofMinutes(30)));

    assertThat(first.next().wavesDone()).containsEntry("canary", NOW);
    assertThat(later.next().wavesDone()).containsEntry("canary", NOW);
    assertThat(later.waves().get(1).state()).isEqualTo("soaking");
    assertThat(later.waves().get(1).startsAt()).contains(NOW.plus(Duration.ofHours(1)));
  }

  @Test
  void anEmptyLastWave_soaksNot_soTheRunCompletesWithItsLastHost() {
    // canary and early done, no host in rest: nothing is left to protect, so no soak before rest
    Decision d = RolloutEngine.decide(policy("soak=1h"), hosts("c1:ring=canary:done e1:ring=early:done"),
        run("done=canary@120"), NOW);

    assertThat(d.phase()).isEqualTo(Decision.Phase.COMPLETE);
    assertThat(d.waves()).extracting(Decision.WaveStatus::state).containsExactly("done", "done", "done");
  }

  @Test
  void anEmptyWaveBetween_keepsTheSoakSinceTheLastWaveWithHosts() {
    // canary has no hosts in this fleet; early waits for nothing; rest waits for early's soak
    Decision d = RolloutEngine.decide(policy("soak=1h"), hosts("e1:ring=early:done r1::pending"),
        run("done=canary@90 done=early@30"), NOW);
    assertThat(d.phase()).isEqualTo(Decision.Phase.SOAKING);
    assertThat(d.waves().get(2).startsAt()).contains(NOW.plus(Duration.ofMinutes(30)));

    // early has no hosts: rest soaks from canary's end, not from early's
    Decision between = RolloutEngine.decide(policy("soak=1h"), hosts("c1:ring=canary:done r1::pending"),
        run("done=canary@30 done=early@1"), NOW);
    assertThat(between.phase()).isEqualTo(Decision.Phase.SOAKING);
    assertThat(between.waves().get(1).state()).isEqualTo("done");
    assertThat(between.waves().get(2).startsAt()).contains(NOW.plus(Duration.ofMinutes(30)));
    assertThat(between.stage()).isEmpty();
  }

  @Test
  void aRebootGrantedNow_countsInTheWavesBudgetInUse() {
    Decision d = RolloutEngine.decide(policy("max=2"), hosts("r1::staged r2::rebooting r3::pending"),
        RunState.NEW, NOW);

    assertThat(d.reboot()).extracting(Decision.Reboot::host).containsExactly("r1");
    assertThat(d.waves().get(2).down()).as("r2 under way and r1 granted now").isEqualTo(2);
  }

  @Test
  void aNewRun_keepsTheRejectedDigests_andAnOperatorClearsOne() {
    RunState halted = new RunState(Map.of("canary", NOW), Set.of("early"), true, Set.of(NEW));

    assertThat(halted.start()).isEqualTo(new RunState(Map.of(), Set.of(), false, Set.of(NEW)));
    RunState cleared = halted.clear(NEW);
    assertThat(cleared.halted()).isFalse();
    assertThat(cleared.rejected()).isEmpty();
    assertThat(RolloutEngine.decide(policy("-"), hosts("c1:ring=canary:pending"), cleared.start(), NOW).stage())
        .containsExactly("c1");
  }

  @Test
  void offlineHost_comingBack_convergesInItsWave() {
    HostState back = host("r1", Map.of(), "pending");
    Decision d = RolloutEngine.decide(policy("-"), List.of(back), RunState.NEW, NOW);

    assertThat(d.stage()).containsExactly("r1");
  }

  @Test
  void hostOutsideTheSelector_orWithoutATarget_isNotGoverned() {
    RolloutPolicy p = policy("-");
    RolloutPolicy onlySiteA = new RolloutPolicy(new LabelSelector(Map.of("site", "a"), List.of()), p.waves(),
        p.maxUnavailable(), p.budgets(), p.successThreshold(), p.soak(), p.healthTimeout(), p.offlineAfter(),
        p.offlineCountFor(), false, false, RebootMode.REBOOT, false, p.timeZone(), p.windows());
    HostState noTarget = new HostState("r3", Map.of("site", "a"), null, null, OLD, null, NOW, null, null, false,
        Set.of());

    Decision d = RolloutEngine.decide(onlySiteA, List.of(host("r1", Map.of("site", "a"), "pending"),
        host("r2", Map.of("site", "b"), "pending"), noTarget), RunState.NEW, NOW);

    assertThat(d.hosts().keySet()).containsExactly("r1");
  }

  // --- the rows' little language ---

  static List<String> list(String s) {
    return s.equals("-") ? List.of() : Arrays.asList(s.trim().split("\\s+"));
  }

  static RolloutPolicy policy(String changes) {
    List<Wave> waves = new ArrayList<>(List.of(
        new Wave("canary", new LabelSelector(Map.of("ring", "canary"), List.of()), Optional.empty(), false),
        new Wave("early", new LabelSelector(Map.of("ring", "early"), List.of()), Optional.empty(), false)));
    Amount max = Amount.count(1);
    List<Budget> budgets = new ArrayList<>();
    int threshold = 100;
    Duration soak = Duration.ZERO;
    boolean paused = false;
    boolean aborted = false;
    boolean urgent = false;
    RebootMode mode = RebootMode.REBOOT;
    List<RolloutPolicy.WindowSpec> windows = new ArrayList<>();
    for (String c : list(changes)) {
      String[] kv = c.split("=", 2);
      String v = kv.length > 1 ? kv[1] : "";
      switch (kv[0]) {
        case "soak" -> soak = Duration.parse("PT" + v.toUpperCase());
        case "approval" -> waves.replaceAll(w -> w.name().equals(v) ? new Wave(w.name(), w.selector(),
            w.maxUnavailable(), true) : w);
        case "max" -> max = amount(v);
        case "budget" -> budgets.add(new Budget(v.split(":")[0], amount(v.split(":")[1])));
        case "threshold" -> threshold = Integer.parseInt(v.replace("%", ""));
        case "window" -> windows.add(v.equals("open")
            ? new Weekly(Set.of(DayOfWeek.SATURDAY), LocalTime.of(11, 0), 120)
            : new Weekly(Set.of(DayOfWeek.MONDAY), LocalTime.of(1, 0), 60));
        case "urgent" -> urgent = true;
        case "paused" -> paused = true;
        case "aborted" -> aborted = true;
        case "soft" -> mode = RebootMode.SOFT_REBOOT;
        default -> throw new IllegalArgumentException(c);
      }
    }
    return new RolloutPolicy(LabelSelector.ALL, waves, max, budgets, threshold, soak, Duration.ofMinutes(15),
        Duration.ofMinutes(10), Duration.ofMinutes(30), paused, aborted, mode, urgent, Optional.of(ZoneId.of("UTC")),
        windows);
  }

  static Amount amount(String v) {
    return v.endsWith("%") ? Amount.percent(Integer.parseInt(v.replace("%", ""))) : Amount.count(Integer.parseInt(v));
  }

  static RunState run(String text) {
    Map<String, Instant> done = new HashMap<>();
    Set<String> approved = new HashSet<>();
    boolean halted = false;
    Set<Digest> rejected = new HashSet<>();
    for (String c : list(text)) {
      String[] kv = c.split("=", 2);
      switch (kv[0]) {
        case "done" -> done.put(kv[1].split("@")[0], NOW.minus(Duration.ofMinutes(Long.parseLong(kv[1].split("@")[1]))));
        case "approved" -> approved.add(kv[1]);
        case "halted" -> halted = true;
        case "rejected" -> rejected.add(NEW);
        default -> throw new IllegalArgumentException(c);
      }
    }
    return new RunState(done, approved, halted, rejected);
  }

  static List<HostState> hosts(String text) {
    List<HostState> out = new ArrayList<>();
    for (String h : list(text)) {
      String[] p = h.split(":", -1);
      Map<String, String> labels = new LinkedHashMap<>();
      for (String l : p[1].isEmpty() ? new String[0] : p[1].split(",")) {
        labels.put(l.split("=")[0], l.split("=")[1]);
      }
      out.add(host(p[0], labels, p[2]));
    }
    return out;
  }

  static HostState host(String name, Map<String, String> labels, String state) {
    Instant seen = NOW.minus(Duration.ofMinutes(1));
    Instant granted = NOW.minus(Duration.ofMinutes(5));
    ZoneId utc = ZoneId.of("UTC");
    return switch (state) {
      case "pending" -> new HostState(name, labels, utc, NEW, OLD, null, seen, null, null, false, Set.of());
      case "pending-other" -> new HostState(name, labels, utc, NEWER, OLD, null, seen, null, null, false, Set.of());
      case "staged" -> new HostState(name, labels, utc, NEW, OLD, NEW, seen, null, null, false, Set.of());
      case "staged-soft" -> new HostState(name, labels, utc, NEW, OLD, NEW, seen, null, null, true, Set.of());
      case "rebooting" -> new HostState(name, labels, utc, NEW, OLD, NEW, seen, granted, null, false, Set.of());
      case "rebooting-late" -> new HostState(name, labels, utc, NEW, NEW, null, seen, NOW.minus(Duration.ofMinutes(16)),
          Health.NONE, false, Set.of());
      case "done" -> new HostState(name, labels, utc, NEW, NEW, null, seen, granted, Health.HEALTHY, false, Set.of());
      case "failed" -> new HostState(name, labels, utc, NEW, NEW, null, seen, granted, Health.FAILED, false, Set.of());
      case "failed-told" -> new HostState(name, labels, utc, NEW, NEW, null, seen, granted, Health.FAILED, false,
          Set.of(NEW));
      case "onrejected" -> new HostState(name, labels, utc, NEW, NEW, null, seen, null, null, false, Set.of());
      case "offline" -> new HostState(name, labels, utc, NEW, OLD, NEW, NOW.minus(Duration.ofMinutes(15)), null,
          null, false, Set.of());
      case "offline-long" -> new HostState(name, labels, utc, NEW, OLD, NEW, NOW.minus(Duration.ofHours(2)), null,
          null, false, Set.of());
      default -> throw new IllegalArgumentException(state);
    };
  }
}
