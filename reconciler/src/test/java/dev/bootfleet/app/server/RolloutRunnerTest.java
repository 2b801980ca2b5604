package dev.bootfleet.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.adapters.git.WorkTreeFiles;
import dev.bootfleet.adapters.store.SqlFleetStore;
import dev.bootfleet.core.image.Digest;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.manifest.FleetLoader;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.port.FleetStore;
import dev.bootfleet.core.server.StatusReport;
import dev.bootfleet.testing.Example;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * The runner's decision on what changed (a report's hosts, the clock's tick) held to the decision from
 * scratch, as {@code ReplannerTest} holds {@code Replanner.reported} to a whole re-plan: two runners on two
 * real embedded stores take the same random fleet, policy, reports, ticks, operators' actions and a digest
 * bump; one decides on what changed (the server's way), the other from scratch every time. After every step
 * both serve the same targets, show the same rollout (events included), count the same hosts, and their
 * stores hold the same records.
 */
class RolloutRunnerTest {
  static final String OLD = RolloutServerIT.OLD;
  static final String NEW = RolloutServerIT.NEW;
  static final String NEWER = "sha256:" + "2".repeat(64);
  static final String REPO = RolloutServerIT.REPO;

  @TempDir
  Path tmp;

  /** A simulated host: what bootc shows on it and how its boots go. */
  static final class Sim {
    String booted;
    String staged;
    String health; // what its agent says after a boot onto a new digest: healthy, failed, pending or nothing
    boolean silent;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void decidingOnWhatChanged_givesWhatDecidingFromScratchGives(long seed) throws Exception {
    Random random = new Random(seed);
    int size = 3 + random.nextInt(22);
    Path repo = tmp.resolve("repo");
    String policy = policy(random);
    Map<String, Sim> sims = new HashMap<>();
    for (int i = 0; i < size; i++) {
      String name = String.format("h%02d", i);
      String ring = List.of("canary", "early", "early", "none").get(random.nextInt(4));
      String site = List.of("a", "b", "c").get(random.nextInt(3));
      write(repo.resolve("hosts/" + name + ".yaml"), """
          apiVersion: bootfleet.dev/v1alpha1
          kind: Host
          metadata:
            name: %s
            labels: {ring: %s, site: %s}
          spec: {}
          """.formatted(name, ring, site));
      Sim s = new Sim();
      s.booted = random.nextInt(4) == 0 ? NEW : OLD;
      s.health = List.of("healthy", "healthy", "failed", "pending", "none").get(random.nextInt(5));
      s.silent = random.nextInt(8) == 0;
      sims.put(name, s);
    }
    write(repo.resolve("rollout.yaml"), policy);
    Fleet first = load(repo, NEW);
    Fleet second = load(repo, NEWER);
    assertThat(first.problems()).as("the generated fleet loads").isEmpty();
    assertThat(first.rollouts()).hasSize(1);

    Map<String, FleetStore.StoredReport> reports = new HashMap<>();
    Map<String, ObservedHost> observed = new HashMap<>();
    try (SqlFleetStore storeA = SqlFleetStore.embedded(tmp.resolve("a"));
        SqlFleetStore storeB = SqlFleetStore.embedded(tmp.resolve("b"))) {
      RolloutRunner changes = new RolloutRunner(storeA);
      RolloutRunner scratch = new RolloutRunner(storeB);
      Fleet f = first;
      Instant now = Instant.parse("2026-03-02T00:00:00Z").plus(Duration.ofMinutes(random.nextInt(60 * 24 * 7)));
      changes.fleet(f);
      scratch.fleet(f);
      assertThat(changes.decide(f, reports::get, observed::get, now, true, null))
          .isEqualTo(scratch.decide(f, reports::get, observed::get, now, true, null));
      for (int step = 0; step < 250; step++) {
        int what = random.nextInt(20);
        String did;
        boolean a;
        boolean b;
        if (what < 11) { // a batch of hosts reports what they did with their targets
          Set<String> batch = new HashSet<>();
          for (int k = 1 + random.nextInt(3); k > 0; k--) {
            String host = String.format("h%02d", random.nextInt(size));
            Sim s = sims.get(host);
            if (s.silent && random.nextInt(4) != 0) {
              continue;
            }
            follow(s, changes.target(host(f, host)));
            StatusReport r = StatusReport.parse(host, body(s).getBytes(StandardCharsets.UTF_8));
            reports.put(host, new FleetStore.StoredReport(r, now));
            observed.put(host, r.observation().status());
            batch.add(host);
          }
          did = "reports of " + batch;
          a = changes.decide(f, reports::get, observed::get, now, true, batch);
          b = scratch.decide(f, reports::get, observed::get, now, true, null);
        } else if (what < 17) { // the clock's tick
          did = "tick";
          a = changes.decide(f, reports::get, observed::get, now, true, Set.of());
          b = scratch.decide(f, reports::get, observed::get, now, true, null);
        } else if (what < 19) { // an operator
          RolloutRunner.Action action = RolloutRunner.Action.values()[random.nextInt(5)];
          String arg = action == RolloutRunner.Action.CLEAR ? (random.nextBoolean() ? NEW : NEWER) : null;
          did = "operator " + action;
          Integer refusedA = act(changes, action, arg, f, now);
          Integer refusedB = act(scratch, action, arg, f, now);
          assertThat(refusedA).as(did).isEqualTo(refusedB);
          a = changes.decide(f, reports::get, observed::get, now, true, null);
          b = scratch.decide(f, reports::get, observed::get, now, true, null);
        } else { // Git names another digest (once), or the same revision is served again
          f = f == first && random.nextBoolean() ? second : f;
          did = "revision " + (f == second ? "NEWER" : "same");
          changes.fleet(f);
          scratch.fleet(f);
          a = changes.decide(f, reports::get, observed::get, now, true, null);
          b = scratch.decide(f, reports::get, observed::get, now, true, null);
        }
        String as = "seed " + seed + ", step " + step + " (" + did + ") at " + now;
        assertThat(a).as("whether a target may have changed, %s", as).isEqualTo(b);
        same(changes, scratch, storeA, storeB, f, as, now);
        now = now.plus(List.of(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(3),
            Duration.ofMinutes(11), Duration.ofMinutes(40), Duration.ofHours(5)).get(random.nextInt(7)));
      }
    }
  }

  static void same(RolloutRunner changes, RolloutRunner scratch, FleetStore storeA, FleetStore storeB, Fleet f,
      String as, Instant now) {
    for (DesiredHost h : f.hosts()) {
      RolloutRunner.Targeted x = changes.target(h);
      RolloutRunner.Targeted y = scratch.target(h);
      assertThat(x == null ? null : List.of(x.host(), x.rollout())).as("the target of %s, %s", h.name(), as)
          .isEqualTo(y == null ? null : List.of(y.host(), y.rollout()));
    }
    ObjectNode shownA = changes.show("os", 1000, now);
    ObjectNode shownB = scratch.show("os", 1000, now);
    assertThat(shownA).as("the rollout shown, %s", as).isEqualTo(shownB);
    assertThat(changes.hostCounts()).as("the metrics, %s", as).isEqualTo(scratch.hostCounts());
    assertThat(storeA.rolloutHosts()).as("the stored records, %s", as).isEqualTo(storeB.rolloutHosts());
    assertThat(storeA.rolloutRuns()).as("the stored runs, %s", as).isEqualTo(storeB.rolloutRuns());
  }

  /** An operator's action; the refusal's status, or null when it was done. */
  static Integer act(RolloutRunner r, RolloutRunner.Action action, String arg, Fleet f, Instant now) {
    try {
      r.act("os", action, arg, "operator:test", f.revision(), now);
      return null;
    } catch (RolloutRunner.Refused e) {
      return e.status;
    }
  }

  /** What an agent does with its target: stage the image served, reboot when told, roll back when told. */
  static void follow(Sim s, RolloutRunner.Targeted t) {
    if (t == null) {
      return;
    }
    String served = t.host().image().digest().map(Digest::toString).orElse(null);
    if (t.rollout().path("rollbackFrom").asString(null) != null
        && t.rollout().get("rollbackFrom").asString().equals(s.booted)) {
      s.booted = OLD;
      s.staged = null;
      return;
    }
    if (served != null && !served.equals(s.booted)) {
      s.staged = served;
    } else if (served != null) {
      s.staged = null;
    }
    if (t.rollout().path("reboot").asBoolean(false) && s.staged != null) {
      s.booted = s.staged;
      s.staged = null;
    }
  }

  static String body(Sim s) throws Exception {
    ObjectNode status = (ObjectNode) ServerHarness.JSON.readTree(
        Files.readString(Example.fleetRepo().resolve("observed/web-01.json")));
    ObjectNode st = (ObjectNode) status.get("status");
    ObjectNode booted = (ObjectNode) st.get("booted");
    image(booted, s.booted);
    if (s.staged != null) {
      ObjectNode staged = booted.deepCopy();
      image(staged, s.staged);
      st.set("staged", staged);
    }
    ((ObjectNode) status.get("spec").get("image")).put("image", REPO + "@" + (s.staged != null ? s.staged : s.booted));
    String agent = s.booted.equals(OLD) || s.health.equals("none") ? "null"
        : "{\"kind\":\"AgentReport\",\"health\":\"" + s.health + "\"}";
    return "{\"status\": " + status + ", \"agent\": " + agent + "}";
  }

  private static void image(ObjectNode entry, String digest) {
    ObjectNode img = (ObjectNode) entry.get("image");
    ((ObjectNode) img.get("image")).put("image", REPO + "@" + digest);
    img.put("imageDigest", digest);
  }

  /**
   * A fleet on {@link #NEW} of {@code hosts} (a name starting with c is labelled ring=canary, any other
   * ring=main) and the Rollout {@code os} whose spec is {@code spec} (indented under {@code spec:}).
   */
  static Fleet ringed(Path repo, List<String> hosts, String spec) throws Exception {
    for (String h : hosts) {
      write(repo.resolve("hosts/" + h + ".yaml"), """
          apiVersion: bootfleet.dev/v1alpha1
          kind: Host
          metadata:
            name: %s
            labels: {ring: %s}
          spec: {}
          """.formatted(h, h.startsWith("c") ? "canary" : "main"));
    }
    write(repo.resolve("rollout.yaml"), """
        apiVersion: bootfleet.dev/v1alpha1
        kind: Rollout
        metadata: {name: os}
        spec:
        """ + spec);
    Fleet f = load(repo, NEW);
    assertThat(f.problems()).isEmpty();
    return f;
  }

  /** Each of {@code hosts} boots {@link #OLD} and reports it at {@code now}, saying nothing of health. */
  static void reportOld(List<String> hosts, Instant now, Map<String, FleetStore.StoredReport> reports,
      Map<String, ObservedHost> observed) throws Exception {
    for (String h : hosts) {
      Sim sim = new Sim();
      sim.booted = OLD;
      sim.health = "none";
      StatusReport r = StatusReport.parse(h, body(sim).getBytes(StandardCharsets.UTF_8));
      reports.put(h, new FleetStore.StoredReport(r, now));
      observed.put(h, r.observation().status());
    }
  }

  static DesiredHost host(Fleet f, String name) {
    return f.hosts().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
  }

  /** A random policy over the waves canary (ring=canary) and early (ring=early), the rest after them. */
  static String policy(Random random) {
    StringBuilder y = new StringBuilder("""
        apiVersion: bootfleet.dev/v1alpha1
        kind: Rollout
        metadata: {name: os}
        spec:
          waves:
            - {name: canary, selector: {matchLabels: {ring: canary}}, maxUnavailable: 1}
            - {name: early, selector: {matchLabels: {ring: early}}, approval: %s}
          maxUnavailable: %s
          successThreshold: "%s"
          soak: %s
          healthTimeout: 10m
          offline: {after: 10m, countFor: 30m}
        """.formatted(random.nextInt(4) == 0, List.of("1", "2", "\"50%\"").get(random.nextInt(3)),
        List.of("50%", "80%", "100%").get(random.nextInt(3)), List.of("0s", "5m", "20m").get(random.nextInt(3))));
    if (random.nextBoolean()) {
      y.append("  disruptionBudgets: [{labelKey: site, maxUnavailable: 1}]\n");
    }
    if (random.nextBoolean()) {
      y.append("  urgent: ").append(random.nextBoolean()).append('\n');
      y.append("  windows: {weekly: [{days: [Mon, Wed, Fri, Sun], start_time: \"%02d:00\", length_minutes: 240}]}\n"
          .formatted(random.nextInt(24)));
    }
    return y.toString();
  }

  /** The fleet of {@code repo} with every host pinned to {@code digest}. */
  static Fleet load(Path repo, String digest) throws Exception {
    write(repo.resolve("groups/all.yaml"), """
        apiVersion: bootfleet.dev/v1alpha1
        kind: HostGroup
        metadata: {name: all}
        spec:
          selector: {}
          priority: 0
          image:
            ref: %s:1@%s
        """.formatted(REPO, digest));
    return FleetLoader.load(new WorkTreeFiles(repo), FleetLoader.Options.DEFAULT);
  }

  static void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
