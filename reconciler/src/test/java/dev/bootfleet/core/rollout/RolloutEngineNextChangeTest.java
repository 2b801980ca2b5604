package dev.bootfleet.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.RolloutPolicy;
import dev.bootfleet.core.rollout.HostState.Health;
import dev.bootfleet.core.rollout.RolloutEnginePropertiesTest.SimHost;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * {@link RolloutEngine#nextChange} held to {@link RolloutEngine#decide}: through whole rollouts on random
 * fleets (those of {@link RolloutEnginePropertiesTest}: failures, offline hosts, windows, soaks, approvals),
 * wherever a decision is settled (its next run state is the one it was given, no reboot granted), deciding
 * again at random instants before the next change, and just before it, gives the same decision; and at the
 * next change itself, time has moved past no rule's edge unnoticed (the instant is after now). And a host
 * seen again with nothing else changed gives the same decision whenever {@link RolloutEngine#sameDecision}
 * says so.
 */
class RolloutEngineNextChangeTest {

  @Property(tries = 150)
  void decide_isTheSame_untilNextChange(@ForAll long seed, @ForAll @IntRange(min = 1, max = 30) int size,
      @ForAll @IntRange(min = 0, max = 40) int failPercent, @ForAll @IntRange(min = 0, max = 30) int offlinePercent,
      @ForAll boolean windowed, @ForAll boolean urgent) {
    Random random = new Random(seed);
    RolloutPolicy policy = RolloutEnginePropertiesTest.policy(random, windowed, urgent);
    List<SimHost> hosts = RolloutEnginePropertiesTest.fleet(random, size, failPercent, offlinePercent);
    Instant now = RolloutEnginePropertiesTest.start(random, hosts);
    RunState run = RunState.NEW;
    Instant end = now.plus(Duration.ofDays(10));
    int settled = 0;
    int sameRefused = 0;
    while (now.isBefore(end)) {
      for (SimHost h : hosts) {
        RolloutEnginePropertiesTest.advance(h, now);
      }
      List<HostState> states = hosts.stream().map(SimHost::state).toList();
      Decision d = RolloutEngine.decide(policy, states, run, now);
      if (d.next().equals(run) && d.reboot().isEmpty()) {
        settled++;
        Optional<Instant> next = RolloutEngine.nextChange(policy, states, run, now);
        if (next.isPresent()) {
          assertThat(next.get()).isAfter(now);
        }
        Instant until = next.orElse(now.plus(Duration.ofDays(30)));
        long span = Duration.between(now, until).toMillis();
        for (int i = 0; i < 4; i++) {
          Instant t = i == 0 ? until.minusMillis(1) : now.plusMillis((long) (random.nextDouble() * span));
          assertThat(RolloutEngine.decide(policy, states, run, t)).as("at %s, next change %s (now %s)", t, until, now)
              .isEqualTo(d);
        }
      }
      // a host reports again, nothing changed but when it was seen: sameDecision promises the same decision
      int i = random.nextInt(states.size());
      HostState was = states.get(i);
      HostState seen = new HostState(was.name(), was.labels(), was.zone(), was.desired(), was.booted(), was.staged(),
          now, was.rebootGrantedAt(), was.health(), was.softRebootCapable(), was.rollbackToldFor());
      if (RolloutEngine.sameDecision(policy, was, seen, run, now)) {
        List<HostState> again = new java.util.ArrayList<>(states);
        again.set(i, seen);
        assertThat(RolloutEngine.decide(policy, again, run, now)).as("%s seen again at %s", was.name(), now)
            .isEqualTo(d);
      } else {
        sameRefused++;
      }
      // carry the decision out, as a server and its hosts would
      run = d.next();
      if (d.phase() == Decision.Phase.AWAITING_APPROVAL && random.nextInt(3) == 0) {
        run = run.approve(d.waves().stream().filter(w -> w.state().equals("awaiting-approval")).findFirst()
            .orElseThrow().name());
      }
      for (String s : d.stage()) {
        SimHost h = RolloutEnginePropertiesTest.find(hosts, s);
        if (h.online(now)) {
          h.staged = RolloutEnginePropertiesTest.NEW;
        }
      }
      for (Decision.Reboot r : d.reboot()) {
        SimHost h = RolloutEnginePropertiesTest.find(hosts, r.host());
        h.granted = now;
        h.health = Health.NONE;
        h.bootsAt = now.plus(Duration.ofMinutes(1 + random.nextInt(25)));
        h.bootsInto = h.staged;
      }
      for (String r : d.rollback()) {
        SimHost h = RolloutEnginePropertiesTest.find(hosts, r);
        h.told.add(h.booted);
        h.bootsAt = now.plus(Duration.ofMinutes(1 + random.nextInt(5)));
        h.bootsInto = RolloutEnginePropertiesTest.OLD;
      }
      if (random.nextInt(20) == 0) {
        SimHost h = hosts.get(random.nextInt(hosts.size()));
        h.offlineUntil = now.plus(Duration.ofMinutes(random.nextInt(240)));
      }
      // often straight to the next change (or just past it), so that edges are crossed exactly
      Optional<Instant> next = RolloutEngine.nextChange(policy, hosts.stream().map(SimHost::state).toList(), run, now);
      now = next.isPresent() && random.nextBoolean() ? next.get().plusMillis(random.nextInt(2))
          : now.plus(Duration.ofMinutes(1 + random.nextInt(45)));
    }
    Statistics.label("settled decisions checked").collect(settled == 0 ? "none" : settled < 10 ? "1-9" : "10+");
    Statistics.label("reports sameDecision refused").collect(sameRefused == 0 ? "none" : "some");
  }
}
