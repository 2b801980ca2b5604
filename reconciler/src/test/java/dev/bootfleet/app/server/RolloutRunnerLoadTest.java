package dev.bootfleet.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.adapters.store.SqlFleetStore;
import dev.bootfleet.core.image.Digest;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.port.FleetStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica reloads its rollouts from the store at every notice from another replica ({@link RolloutRunner#load}),
 * while hosts ask for their targets without the fleet's lock: a target asked during a load is the one before it or
 * the one after it, never a governed host served Git's digest as if no rollout governed it (found by
 * RolloutChaosIT on two PostgreSQL replicas: a host told to roll back was served the rejected digest without
 * {@code rollbackFrom}, kept it and was told to roll back a second time).
 */
class RolloutRunnerLoadTest {
  static final Instant NOW = Instant.parse("2026-03-02T02:30:00Z");

  @TempDir
  Path tmp;

  final Map<String, FleetStore.StoredReport> reports = new HashMap<>();
  final Map<String, ObservedHost> observed = new HashMap<>();

  /** A runner over {@code store} that decided {@code f} once, c1 and w1 booting the old digest. */
  private RolloutRunner decided(FleetStore store, Fleet f) throws Exception {
    RolloutRunner runner = new RolloutRunner(store);
    runner.fleet(f);
    RolloutRunnerTest.reportOld(List.of("c1", "w1"), NOW, reports, observed);
    runner.decide(f, reports::get, observed::get, NOW, true, null);
    return runner;
  }

  @Test
  void aTargetAskedDuringALoad_isStillTheRollouts() throws Exception {
    Fleet f = RolloutRunnerTest.ringed(tmp.resolve("repo"), List.of("c1", "w1"), """
          waves:
            - {name: canary, selector: {matchLabels: {ring: canary}}, approval: true}
        """);
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    boolean[] pause = {false};
    try (SqlFleetStore real = SqlFleetStore.embedded(tmp.resolve("store"))) {
      // the store as it is, but a load's read of the host records waits until the test has asked for a target
      FleetStore store = (FleetStore) Proxy.newProxyInstance(FleetStore.class.getClassLoader(),
          new Class<?>[] {FleetStore.class}, (proxy, method, args) -> {
            if (pause[0] && method.getName().equals("rolloutHosts")) {
              reading.countDown();
              assertThat(release.await(30, TimeUnit.SECONDS)).as("the test released the load").isTrue();
            }
            try {
              return method.invoke(real, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
      RolloutRunner runner = decided(store, f);
      assertThat(served(runner, f)).as("before the load: w1 waits for its wave on the old digest")
          .isEqualTo(RolloutRunnerTest.OLD);

      pause[0] = true;
      Thread load = Thread.ofPlatform().start(runner::load);
      assertThat(reading.await(30, TimeUnit.SECONDS)).as("the load reads the store").isTrue();
      String during = served(runner, f);
      release.countDown();
      load.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(load.isAlive()).as("the load finished").isFalse();

      assertThat(during).as("during the load: still the rollout's target, never Git's digest")
          .isEqualTo(RolloutRunnerTest.OLD);
      assertThat(served(runner, f)).as("after the load").isEqualTo(RolloutRunnerTest.OLD);
    }
  }

  @Test
  void aTargetOfANewDigest_askedBeforeItsDecision_keepsWhatTheLastDecisionAllowed() throws Exception {
    Fleet f = RolloutRunnerTest.ringed(tmp.resolve("repo"), List.of("c1", "w1"), """
          waves:
            - {name: canary, selector: {matchLabels: {ring: canary}}}
        """);
    try (SqlFleetStore store = SqlFleetStore.embedded(tmp.resolve("store"))) {
      RolloutRunner runner = decided(store, f);
      assertThat(digestOf(runner.target(RolloutRunnerTest.host(f, "c1")))).as("the canary may stage NEW")
          .isEqualTo(RolloutRunnerTest.NEW);
      assertThat(runner.decidedOn(f)).isTrue();

      // Git moves on to NEWER; the server serves the new fleet and has not decided its rollout yet
      Fleet next = RolloutRunnerTest.load(tmp.resolve("repo"), RolloutRunnerTest.NEWER);
      assertThat(runner.decidedOn(next)).as("the server's targets wait for this decision").isFalse();
      assertThat(digestOf(runner.target(RolloutRunnerTest.host(next, "c1"))))
          .as("released for NEW, so NEW at most: never NEWER before the rollout decides on it")
          .isEqualTo(RolloutRunnerTest.NEW);
      assertThat(digestOf(runner.target(RolloutRunnerTest.host(next, "w1")))).isEqualTo(RolloutRunnerTest.OLD);

      runner.decide(next, reports::get, observed::get, NOW, true, null);
      assertThat(runner.decidedOn(next)).isTrue();
      assertThat(digestOf(runner.target(RolloutRunnerTest.host(next, "c1")))).as("decided: the canary moves on")
          .isEqualTo(RolloutRunnerTest.NEWER);
    }
  }

  private static String digestOf(RolloutRunner.Targeted t) {
    return t == null ? "no rollout" : t.host().image().digest().map(Digest::toString).orElse(null);
  }

  /** The digest {@code w1}'s target names, or "no rollout" when its rollout does not govern it. */
  private static String served(RolloutRunner runner, Fleet f) {
    return digestOf(runner.target(RolloutRunnerTest.host(f, "w1")));
  }
}
