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
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The engine driven through whole rollouts on random fleets: random policies, hosts that fail their
 * health checks, never report, go offline and come back, and a clock that jumps. Whatever happens, at
 * every decision: no wave or label value has more hosts down than allowed once a reboot is granted, no
 * reboot is outside a window unless the rollout is urgent, no rejected digest is staged or rebooted
 * into, no host is told twice to roll back from one digest; and a complete rollout leaves each host
 * done, held, rejected or unknown. Without failures, offline hosts or windows, a rollout completes.
 */
class RolloutEnginePropertiesTest {
  static final Digest OLD = new Digest("a".repeat(64));
  static final Digest NEW = new Digest("b".repeat(64));
  static final List<ZoneId> ZONES = List.of(ZoneId.of("UTC"), ZoneId.of("Europe/Berlin"),
      ZoneId.of("America/New_York"), ZoneId.of("Australia/Lord_Howe"));

  /** One simulated host: what it runs and what it does next. */
  static final class SimHost {
    final String name;
    final Map<String, String> labels;
    final ZoneId zone;
    final boolean fails;
    final boolean silent; // never reports after its reboot
    final boolean soft;
    Digest booted = OLD;
    Digest staged;
    Instant lastSeen;
    Instant granted;
    Health health = Health.NONE;
    Instant bootsAt; // a reboot under way ends then
    Digest bootsInto;
    Instant offlineUntil; // silent until then
    final Set<Digest> told = new HashSet<>();

    SimHost(String name, Map<String, String> labels, ZoneId zone, boolean fails, boolean silent, boolean soft) {
      this.name = name;
      this.labels = labels;
      this.zone = zone;
      this.fails = fails;
      this.silent = silent;
      this.soft = soft;
    }

    boolean online(Instant now) {
      return (offlineUntil == null || !now.isBefore(offlineUntil)) && bootsAt == null;
    }

    HostState state() {
      return new HostState(name, labels, zone, NEW, booted, staged, lastSeen, granted, health, soft, told);
    }
  }

  @Property(tries = 120)
  void invariantsHold_throughWholeRollouts(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int size,
      @ForAll @IntRange(min = 0, max = 40) int failPercent, @ForAll @IntRange(min = 0, max = 30) int offlinePercent,
      @ForAll boolean windowed, @ForAll boolean urgent) {
    Random random = new Random(seed);
    RolloutPolicy policy = policy(random, windowed, urgent);
    simulate(random, policy, fleet(random, size, failPercent, offlinePercent), true);
  }

  @Property(tries = 60)
  void aRolloutWithoutTrouble_completes(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int size) {
    Random random = new Random(seed);
    RolloutPolicy policy = policy(random, false, false);
    Decision last = simulate(random, policy, fleet(random, size, 0, 0), false);

    assertThat(last.phase()).as("after the run: %s", last.waves()).isEqualTo(Decision.Phase.COMPLETE);
    assertThat(last.hosts().values()).containsOnly(HostPhase.DONE);
  }

  static List<SimHost> fleet(Random random, int size, int failPercent, int offlinePercent) {
    List<SimHost> hosts = new ArrayList<>();
    String[] rings = {"canary", "early", "early", "none", "none", "none"};
    String[] sites = {"a", "b", "c", null};
    for (int i = 0; i < size; i++) {
      Map<String, String> labels = new HashMap<>();
      labels.put("ring", rings[random.nextInt(rings.length)]);
      String site = sites[random.nextInt(sites.length)];
      if (site != null) {
        labels.put("site", site);
      }
      boolean fails = random.nextInt(100) < failPercent;
      boolean silent = random.nextInt(100) < failPercent / 4;
      SimHost h = new SimHost(String.format("h%02d", i), labels, ZONES.get(random.nextInt(ZONES.size())), fails,
          silent, random.nextBoolean());
      if (random.nextInt(100) < offlinePercent) {
        h.offlineUntil = Instant.EPOCH; // set once the clock is known
      }
      hosts.add(h);
    }
    return hosts;
  }

  static RolloutPolicy policy(Random random, boolean windowed, boolean urgent) {
    List<Wave> waves = new ArrayList<>();
    waves.add(new Wave("canary", new LabelSelector(Map.of("ring", "canary"), List.of()), Optional.of(Amount.count(1)),
        false));
    waves.add(new Wave("early", new LabelSelector(Map.of("ring", "early"), List.of()),
        random.nextBoolean() ? Optional.empty() : Optional.of(Amount.percent(10 + random.nextInt(60))),
        random.nextInt(4) == 0));
    Amount max = random.nextBoolean() ? Amount.count(1 + random.nextInt(3)) : Amount.percent(10 + random.nextInt(60));
    List<Budget> budgets = random.nextBoolean() ? List.of(new Budget("site", Amount.count(1 + random.nextInt(2))))
        : List.of();
    int threshold = List.of(50, 80, 100).get(random.nextInt(3));
    Duration soak = Duration.ofMinutes(random.nextInt(4) * 20L);
    List<RolloutPolicy.WindowSpec> windows = new ArrayList<>();
    if (windowed) {
      Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      days.add(DayOfWeek.of(1 + random.nextInt(7)));
      days.add(DayOfWeek.of(1 + random.nextInt(7)));
      windows.add(new Weekly(days, LocalTime.of(random.nextInt(24), 15 * random.nextInt(4)), 30 + random.nextInt(300)));
    }
    Optional<ZoneId> zone = random.nextBoolean() ? Optional.empty() : Optional.of(ZONES.get(random.nextInt(ZONES.size())));
    return new RolloutPolicy(LabelSelector.ALL, waves, max, budgets, threshold, soak, Duration.ofMinutes(15),
        Duration.ofMinutes(10), Duration.ofMinutes(30), false, false,
        random.nextBoolean() ? RebootMode.SOFT_REBOOT : RebootMode.REBOOT, urgent, zone, windows);
  }

  /** A random start in 2026; every host seen then, and the offline ones back within ten hours of it. */
  static Instant start(Random random, List<SimHost> hosts) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z").plus(Duration.ofMinutes(random.nextInt(60 * 24 * 365)));
    for (SimHost h : hosts) {
      h.lastSeen = now;
      if (h.offlineUntil != null) {
        h.offlineUntil = now.plus(Duration.ofMinutes(random.nextInt(600)));
      }
    }
    return now;
  }

  /** Runs the rollout for a simulated fortnight (or until complete), checking the invariants at each step. */
  static Decision simulate(Random random, RolloutPolicy policy, List<SimHost> hosts, boolean trouble) {
    Instant now = start(random, hosts);
    RunState run = RunState.NEW;
    Map<String, Integer> rollbacks = new HashMap<>();
    Decision d = null;
    Instant end = now.plus(Duration.ofDays(14));
    while (now.isBefore(end)) {
      for (SimHost h : hosts) {
        advance(h, now);
      }
      List<HostState> states = hosts.stream().map(SimHost::state).toList();
      d = RolloutEngine.decide(policy, states, run, now);
      check(policy, hosts, run, d, now);
      for (String r : d.rollback()) {
        SimHost h = find(hosts, r);
        assertThat(rollbacks.merge(r + "@" + h.booted, 1, Integer::sum)).as("rollbacks of %s", r).isEqualTo(1);
      }
      if (d.phase() == Decision.Phase.COMPLETE && !trouble) {
        return d;
      }
      // Carry the decision out, as a server and its hosts would.
      run = d.next();
      if (d.phase() == Decision.Phase.AWAITING_APPROVAL && random.nextInt(3) == 0) {
        run = run.approve(d.waves().stream().filter(w -> w.state().equals("awaiting-approval")).findFirst()
            .orElseThrow().name());
      }
      for (String s : d.stage()) {
        SimHost h = find(hosts, s);
        if (h.online(now)) {
          h.staged = NEW;
        }
      }
      for (Decision.Reboot r : d.reboot()) {
        SimHost h = find(hosts, r.host());
        h.granted = now;
        h.health = Health.NONE;
        h.bootsAt = now.plus(Duration.ofMinutes(1 + random.nextInt(trouble ? 25 : 10)));
        h.bootsInto = h.staged;
      }
      for (String u : d.unstage()) {
        SimHost h = find(hosts, u);
        if (h.online(now)) {
          h.staged = null;
        }
      }
      for (String r : d.rollback()) {
        SimHost h = find(hosts, r);
        h.told.add(h.booted);
        h.bootsAt = now.plus(Duration.ofMinutes(1 + random.nextInt(5)));
        h.bootsInto = OLD;
      }
      if (trouble && random.nextInt(20) == 0) { // a host drops off for a while
        SimHost h = hosts.get(random.nextInt(hosts.size()));
        h.offlineUntil = now.plus(Duration.ofMinutes(random.nextInt(240)));
      }
      now = now.plus(Duration.ofMinutes(1 + random.nextInt(trouble ? 45 : 15)));
    }
    return d;
  }

  /** Boots that were due, reports of hosts that are online. */
  static void advance(SimHost h, Instant now) {
    if (h.bootsAt != null && !now.isBefore(h.bootsAt)) {
      h.bootsAt = null;
      boolean toNew = NEW.equals(h.bootsInto);
      h.booted = h.bootsInto == null ? h.booted : h.bootsInto;
      h.staged = null;
      if (toNew) {
        h.health = h.fails ? Health.FAILED : Health.HEALTHY;
        if (h.silent) {
          h.offlineUntil = now.plus(Duration.ofDays(30));
        }
      }
    }
    if (h.online(now)) {
      h.lastSeen = now;
    }
  }

  static void check(RolloutPolicy policy, List<SimHost> hosts, RunState before, Decision d, Instant now) {
    Set<Digest> rejected = new HashSet<>(d.next().rejected());
    assertThat(d.next().rejected()).containsAll(before.rejected());
    List<Wave> waves = policy.wavesWithRest();
    Map<String, Integer> waveOf = new HashMap<>();
    for (SimHost h : hosts) {
      for (int i = 0; i < waves.size(); i++) {
        if (waves.get(i).selector().matches(h.labels)) {
          waveOf.put(h.name, i);
          break;
        }
      }
    }
    for (String s : d.stage()) {
      assertThat(rejected).as("staged %s", s).doesNotContain(NEW);
    }
    Set<Integer> grantedWaves = new HashSet<>();
    Set<String> grantedValues = new HashSet<>();
    for (Decision.Reboot r : d.reboot()) {
      SimHost h = find(hosts, r.host());
      assertThat(rejected).as("rebooted %s into a rejected digest", r.host()).doesNotContain(NEW);
      boolean open = RebootWindows.of(policy, h.zone).isOpen(now);
      assertThat(open || policy.urgent() && r.overridesWindow()).as("%s rebooted outside a window", r.host()).isTrue();
      assertThat(r.overridesWindow()).isEqualTo(!open);
      grantedWaves.add(waveOf.get(h.name));
      if (h.labels.containsKey("site")) {
        grantedValues.add(h.labels.get("site"));
      }
    }
    for (int w : grantedWaves) {
      List<String> in = hosts.stream().filter(h -> waveOf.get(h.name) == w).map(h -> h.name).toList();
      long down = in.stream().filter(n -> isDown(d.hosts().get(n))).count();
      long counted = in.stream().filter(n -> d.hosts().get(n) != HostPhase.SKIPPED).count();
      int max = waves.get(w).maxUnavailable().orElse(policy.maxUnavailable()).of((int) counted);
      assertThat(down).as("hosts down in wave %s", waves.get(w).name()).isLessThanOrEqualTo(max);
    }
    for (Budget b : policy.budgets()) {
      for (String v : grantedValues) {
        List<String> in = hosts.stream().filter(h -> v.equals(h.labels.get(b.labelKey()))).map(h -> h.name).toList();
        long down = in.stream().filter(n -> isDown(d.hosts().get(n))).count();
        assertThat(down).as("hosts down with %s=%s", b.labelKey(), v)
            .isLessThanOrEqualTo(b.maxUnavailable().of(in.size()));
      }
    }
    for (SimHost h : hosts) {
      boolean mustGo = h.staged != null && rejected.contains(h.staged) && !rejected.contains(h.booted);
      assertThat(d.unstage().contains(h.name)).as("%s staged a rejected digest", h.name).isEqualTo(mustGo);
    }
    for (String r : d.rollback()) {
      SimHost h = find(hosts, r);
      assertThat(rejected).contains(h.booted);
      assertThat(h.told).as("told %s twice", r).doesNotContain(h.booted);
    }
    if (d.phase() == Decision.Phase.COMPLETE) {
      assertThat(d.hosts().values()).containsAnyOf(HostPhase.values()).allMatch(p -> p == HostPhase.DONE
          || p == HostPhase.FAILED || p == HostPhase.REJECTED || p == HostPhase.UNKNOWN || p == HostPhase.SKIPPED);
    }
  }

  static boolean isDown(HostPhase p) {
    return p == HostPhase.REBOOTING || p == HostPhase.UNKNOWN;
  }

  static SimHost find(List<SimHost> hosts, String name) {
    return hosts.stream().filter(h -> h.name.equals(name)).findFirst().orElseThrow();
  }
}
