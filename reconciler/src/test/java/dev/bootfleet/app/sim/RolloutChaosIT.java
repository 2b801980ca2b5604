package dev.bootfleet.app.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.Await;
import dev.bootfleet.testing.BootfleetProcesses;
import dev.bootfleet.testing.PostgresExtension;
import dev.bootfleet.testing.PostgresServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rollouts survive SIGKILL (issue 16, "Tests"): {@code bin/bootfleet serve} as a process, {@code bin/bootfleet sim
 * fleet --events} as another (real agents in server mode over in-memory bootc hosts: greenboot checks, reboot
 * leases, backoff), a JGit fleet repository with a {@code Rollout} (a canary and two waves by label, maxUnavailable,
 * one host per {@code site} at once, a soak of 0 to 2 s, a maintenance window open four seconds in every six). A
 * commit bumps the digest; then a second commit names the image the simulator calls unhealthy. The server is
 * SIGKILLed at moments chosen by a seeded {@link Random} (after the k-th event line of the simulator, never after a
 * sleep) and restarted from its store on the same port while the agents keep going.
 *
 * <p>Checked from the simulator's event lines and the server's API after each phase: never more hosts down (rebooted
 * into a new image, health not yet known) than the wave's maxUnavailable or the site budget allow; every reboot the
 * rollout let happen, and every reboot lease, inside a window; the rejected digest never staged after the API showed
 * it rejected; one rollback per failure; and at the end every host on the desired digest or held. Runs: {@code
 * -Dbootfleet.chaos.runs} (default 3; {@code bench/rollout-chaos.sh} runs 100), on the embedded store; and {@code
 * -Dbootfleet.chaos.pgRuns} (default 1) on PostgreSQL with two replicas, one killed, then the other after the first
 * came back. A failure names its seed; {@code -Dbootfleet.chaos.seed} replays one.
 */
class RolloutChaosIT {
  static final int HOSTS = 12;
  static final int TTL_SECONDS = 20;
  /** The window: a cron schedule firing every six seconds, open four: closes and reopens during every run. */
  static final long PERIOD_MS = 6000;
  static final long OPEN_MS = 4000;
  static final String V1 = DemoImages.digest("1.0");
  static final String V2 = DemoImages.digest("1.1");
  static final String BAD = DemoImages.digest("1.2-broken");
  static final Duration PHASE = Duration.ofSeconds(120);
  static final Duration READY = Duration.ofSeconds(90);
  static final PersonIdent WHO = new PersonIdent("Test", "test@example.com");
  static final JsonMapper JSON = JsonMapper.shared();
  static final Pattern EVENT = Pattern.compile("^(staged|rebooting|booted|rolled-back|health) (\\S+) (sha256:[0-9a-f]{64})"
      + "(?: (healthy|failed))? ([0-9]+)$");
  static final Pattern LEASE = Pattern.compile("reboot lease [0-9]+ of group \\S+ to host (\\S+) until (\\S+)");

  @RegisterExtension
  static final PostgresExtension PG = new PostgresExtension();

  @RegisterExtension
  final BootfleetProcesses bootfleet = new BootfleetProcesses();

  @TempDir
  Path tmp;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  final List<Run> runs = new ArrayList<>();

  @AfterEach
  void stopTheLast() {
    runs.forEach(Run::close);
  }

  @Test
  void embeddedStore_killedAtRandomMoments_keepsEveryInvariant() throws Exception {
    runs("embedded store", "run-", Integer.getInteger("bootfleet.chaos.runs", 3), () -> null);
  }

  @Test
  void postgresWithTwoReplicas_eachKilledInTurn_keepsEveryInvariant() throws Exception {
    runs("PostgreSQL, two replicas", "pg-run-", Integer.getInteger("bootfleet.chaos.pgRuns", 1),
        () -> PG.server().newDatabase());
  }

  /**
   * {@code count} seeded runs, each on the database {@code database} gives (null: the embedded store); a single
   * run replays {@code -Dbootfleet.chaos.seed}, more draw their seeds from it. Prints each run and the totals.
   */
  private void runs(String on, String prefix, int count, java.util.concurrent.Callable<String> database)
      throws Exception {
    Random seeds = new Random(Long.getLong("bootfleet.chaos.seed", System.nanoTime()));
    Instant start = Instant.now();
    for (int i = 0; i < count; i++) {
      long seed = count == 1 && System.getProperty("bootfleet.chaos.seed") != null
          ? Long.getLong("bootfleet.chaos.seed") : seeds.nextLong();
      Run run = new Run(runDir(prefix + i), seed, database.call());
      runs.add(run);
      run.go();
      run.close();
      System.err.println("[chaos] run " + (i + 1) + " of " + count + ": " + run.summary() + ", "
          + Duration.between(start, Instant.now()).toSeconds() + " s so far");
    }
    System.err.println("[chaos] " + on + ": " + count + " runs, " + runs.stream().mapToInt(r -> r.kills).sum()
        + " kills, 0 failures, " + Duration.between(start, Instant.now()).toSeconds() + " s");
  }

  /**
   * Where run {@code name} keeps its repository, stores, server logs and the simulators' output ({@code sim.out}):
   * under {@code -Dbootfleet.chaos.dir} when given, kept after the test to read a failure by, else a temporary
   * folder.
   */
  private Path runDir(String name) throws IOException {
    String keep = System.getProperty("bootfleet.chaos.dir");
    return keep == null ? tmp.resolve(name) : Files.createDirectories(Path.of(keep, name + "-" + System.nanoTime()));
  }

  /** How long a replica may serve what it held before it hears of another's decision (the change feed's delay). */
  static final Duration REPLICA_LAG = Duration.ofSeconds(1);

  /** One server (embedded store) or two replicas (PostgreSQL), their simulators, and one seeded run. */
  final class Run {
    final Path dir;
    final long seed;
    final Random random;
    final String database;
    final List<Server> servers = new ArrayList<>();
    final List<Process> sims = new ArrayList<>();
    final List<String> said = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    final int soakSeconds;
    int kills;
    String operator;
    Instant rejectedSeen;

    Run(Path dir, long seed, String database) {
      this.dir = dir;
      this.seed = seed;
      this.random = new Random(seed);
      this.database = database;
      this.soakSeconds = random.nextInt(3);
    }

    String summary() {
      return "seed " + seed + (database == null ? " (embedded store)" : " (PostgreSQL, two replicas)") + ": " + kills
          + " kills, soak " + soakSeconds + " s, " + events.size() + " event lines";
    }

    void go() throws Exception {
      try {
        phases();
      } catch (AssertionError | Exception e) {
        throw new AssertionError("chaos run with seed " + seed + " (replay: -Dbootfleet.chaos.seed=" + seed
            + " -Dbootfleet.chaos.runs=1) failed: " + e.getMessage() + "\n" + tail(), e);
      }
    }

    private void phases() throws Exception {
      Path repo = Files.createDirectories(dir.resolve("fleet"));
      try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
        commit(git, repo, V1, soakSeconds);
        int replicas = database == null ? 1 : 2;
        for (int i = 0; i < replicas; i++) {
          servers.add(new Server("s" + i, freePort(), dir.resolve("data-s" + i), dir.resolve("s" + i + ".log"),
              repo.toUri().toString()));
        }
        for (Server s : servers) {
          s.start();
          Await.until(s.name + " ready", READY, s::ready);
        }
        operator = Files.readString(servers.get(0).data.resolve("operator.token")).strip();
        // one simulator per replica, each with its half of the hosts: a replica's death leaves the other's hosts going
        List<String> names = names();
        int per = names.size() / replicas;
        for (int i = 0; i < replicas; i++) {
          sim(servers.get(i), names.subList(i * per, (i + 1) * per), i);
        }
        Await.until("every simulated host reported its first cycle", PHASE, () -> reported() == HOSTS);

        // phase 1: a good digest through canary, early and late, the server killed at two random moments
        int before = events.size();
        commit(git, repo, V2, -1);
        chaos(before, 2, 40, () -> phaseIs("complete") && everyHostBoots(V2));
        checkPhaseOne();

        // phase 2: the image greenboot fails on; the canary fails, the run halts, the digest is rejected
        before = events.size();
        commit(git, repo, BAD, -1);
        chaos(before, 1, 3, () -> {
          if (rejectedSeen == null && rejected()) {
            rejectedSeen = Instant.now();
          }
          return rejectedSeen != null && phaseIs("halted") && everyHostBoots(V2) && settled();
        });
        checkInvariants();
        checkPhaseTwo();
      }
    }

    /**
     * Kills servers after {@code kills} random event counts in (before, before + span], restarting each from its
     * store on its port, until {@code done} holds. With two replicas the kills alternate, each after the other came
     * back.
     */
    private void chaos(int before, int n, int span, BooleanSupplier done) throws Exception {
      List<Integer> at = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        at.add(before + 1 + random.nextInt(span));
      }
      at.sort(null);
      Instant end = Instant.now().plus(PHASE.multipliedBy(2));
      while (!done.getAsBoolean()) {
        if (!at.isEmpty() && events.size() >= at.get(0)) {
          at.remove(0);
          Server victim = servers.get(kills % servers.size());
          victim.kill();
          kills++;
          victim.start();
          Await.until(victim.name + " ready after the kill", READY, victim::ready);
          continue;
        }
        String died = said.stream().filter(l -> l.contains(": the agent failed: ")).findFirst().orElse(null);
        if (died != null) {
          throw new AssertionError("a simulated host's agent failed: " + died);
        }
        if (Instant.now().isAfter(end)) {
          throw new AssertionError("not within " + PHASE.multipliedBy(2) + ": the phase did not finish; the rollout: "
              + brief());
        }
        Thread.sleep(100); // between checks of the conditions, not in place of one
      }
    }

    /** Phase 1 over: every host done in the API, and every invariant so far. */
    private void checkPhaseOne() throws Exception {
      checkInvariants();
      JsonNode doc = rollout();
      for (JsonNode h : doc.get("hosts")) {
        assertThat(h.get("phase").asString()).as("phase of " + h.get("name") + " after phase 1").isEqualTo("done");
      }
      assertThat(doc.get("rejected")).isEmpty();
    }

    /** Phase 2 over: halted, the bad digest rejected, one rollback per failure, every host back on V2 or held. */
    private void checkPhaseTwo() throws Exception {
      JsonNode doc = rollout();
      assertThat(doc.get("rejected").toString()).contains(BAD);
      List<String> failedHosts = new ArrayList<>();
      for (String e : events) {
        Matcher m = EVENT.matcher(e);
        if (m.matches() && m.group(1).equals("health") && "failed".equals(m.group(4))) {
          failedHosts.add(m.group(2));
        }
      }
      assertThat(failedHosts).as("hosts that booted the bad image (the canary wave lets one down at once)").hasSize(1);
      assertThat(lines("rolled-back")).as("one rollback per failure").hasSize(failedHosts.size());
      Map<String, Integer> told = new TreeMap<>();
      for (JsonNode e : doc.get("events")) {
        if (e.get("type").asString().equals("rollback")) {
          told.merge(e.get("host").asString(), 1, Integer::sum);
        }
      }
      assertThat(told.values()).as("the API's rollback events per host: " + told).allMatch(c -> c == 1);
      for (JsonNode h : doc.get("hosts")) {
        assertThat(h.get("phase").asString()).as("phase of " + h.get("name") + " after phase 2")
            .isIn("done", "failed", "rejected", "unknown", "skipped");
      }
    }

    /** The invariants over everything seen so far. */
    private void checkInvariants() throws Exception {
      // down: from a reboot into a new image until greenboot's verdict in that boot (the server learns it later,
      // so the engine counts each host down at least this long)
      Map<String, Long> downSince = new HashMap<>();
      Map<String, String> bootedNow = new HashMap<>();
      names().forEach(n -> bootedNow.put(n, V1));
      for (String e : events) {
        Matcher m = EVENT.matcher(e);
        if (!m.matches()) {
          continue;
        }
        String type = m.group(1);
        String host = m.group(2);
        String digest = m.group(3);
        switch (type) {
          case "booted" -> {
            if (!digest.equals(bootedNow.get(host)) && !lastRollbackWasFrom(host, bootedNow.get(host), e)) {
              downSince.put(host, Long.parseLong(m.group(5)));
              checkBudget(downSince, host, e);
            }
            bootedNow.put(host, digest);
          }
          case "health" -> downSince.remove(host);
          default -> { }
        }
      }
      // windows: every reboot the rollout let happen, and every lease, granted inside a window
      JsonNode doc = rollout();
      for (JsonNode e : doc.get("events")) {
        if (e.get("type").asString().equals("reboot")) {
          Instant at = Instant.parse(e.get("at").asString());
          assertThat(open(at)).as("the rollout let " + e.get("host") + " reboot at " + at + ", outside the window")
              .isTrue();
        }
      }
      for (Server s : servers) {
        Matcher m = LEASE.matcher(Files.readString(s.log));
        while (m.find()) {
          Instant granted = Instant.parse(m.group(2)).minusSeconds(TTL_SECONDS);
          if (forARollback(m.group(1), granted)) {
            continue; // a host told to roll back reboots whatever the windows (ADR 0021)
          }
          assertThat(open(granted)).as("reboot lease of " + m.group(1) + " granted at " + granted
              + ", outside the window (" + s.name + ")").isTrue();
        }
        assertThat(Files.readString(s.log)).doesNotContain(operator).doesNotContain("Exception");
      }
      // the rejected digest: never staged after the API showed it rejected. Two replicas are consistent within
      // REPLICA_LAG: the other replica hears of the rejection through the change feed and may answer a long poll
      // with the target it held until then (ADR 0021, "Replicas"); such a host is told to unstage at once
      if (rejectedSeen != null) {
        long after = rejectedSeen.toEpochMilli() + (database == null ? 0 : REPLICA_LAG.toMillis());
        for (String e : lines("staged")) {
          Matcher m = EVENT.matcher(e);
          assertThat(m.matches() && m.group(3).equals(BAD) && Long.parseLong(m.group(5)) > after)
              .as("staged after the rejection was acknowledged at " + rejectedSeen + ": " + e).isFalse();
        }
      }
      // never two rollbacks for one failure
      Map<String, Integer> rollbacks = new TreeMap<>();
      for (String e : lines("rolled-back")) {
        Matcher m = EVENT.matcher(e);
        assertThat(m.matches()).isTrue();
        rollbacks.merge(m.group(2) + " " + m.group(3), 1, Integer::sum);
      }
      assertThat(rollbacks.values()).as("rollbacks per host and digest: " + rollbacks).allMatch(c -> c == 1);
    }

    /** Whether {@code host}'s lease granted at {@code at} was for the reboot of a rollback it had queued. */
    private boolean forARollback(String host, Instant at) {
      boolean queued = false;
      for (String e : events) {
        Matcher m = EVENT.matcher(e);
        if (!m.matches() || !m.group(2).equals(host) || Long.parseLong(m.group(5)) > at.toEpochMilli()) {
          continue;
        }
        queued = m.group(1).equals("rolled-back") || queued && !m.group(1).equals("rebooting");
      }
      return queued;
    }

    /** Whether {@code host}'s boot reported by {@code line} is the rollback it queued from {@code from}. */
    private boolean lastRollbackWasFrom(String host, String from, String line) {
      int upTo = events.indexOf(line);
      for (int i = upTo - 1; i >= 0; i--) {
        Matcher m = EVENT.matcher(events.get(i));
        if (m.matches() && m.group(2).equals(host)) {
          if (m.group(1).equals("rolled-back")) {
            return m.group(3).equals(from);
          }
          if (m.group(1).equals("rebooting")) {
            continue;
          }
          return false;
        }
      }
      return false;
    }

    /** Hosts down at once: at most the wave's maxUnavailable, and one per site. */
    private void checkBudget(Map<String, Long> down, String host, String line) {
      Map<String, Integer> perWave = new TreeMap<>();
      Map<String, Integer> perSite = new TreeMap<>();
      for (String h : down.keySet()) {
        perWave.merge(wave(h), 1, Integer::sum);
        perSite.merge(site(h), 1, Integer::sum);
      }
      perWave.forEach((wave, n) -> assertThat(n).as("hosts of wave " + wave + " down at once at " + line + ": "
          + down.keySet()).isLessThanOrEqualTo(maxUnavailable(wave)));
      perSite.forEach((site, n) -> assertThat(n).as("hosts of site " + site + " down at once at " + line + ": "
          + down.keySet()).isLessThanOrEqualTo(1));
    }

    /** Whether every simulated host boots {@code digest}, by its event lines. */
    private boolean everyHostBoots(String digest) {
      Map<String, String> booted = new HashMap<>();
      names().forEach(n -> booted.put(n, V1));
      for (String e : events) {
        Matcher m = EVENT.matcher(e);
        if (m.matches() && m.group(1).equals("booted")) {
          booted.put(m.group(2), m.group(3));
        }
      }
      return booted.values().stream().allMatch(digest::equals);
    }

    /** Whether no host of the API's rollout is still on its way (staged or rebooting). */
    private boolean settled() {
      try {
        for (JsonNode h : rollout().get("hosts")) {
          if (List.of("staged", "rebooting", "pending").contains(h.get("phase").asString())) {
            return false;
          }
        }
        return true;
      } catch (Exception e) {
        return false;
      }
    }

    private List<String> lines(String type) {
      return events.stream().filter(l -> l.startsWith(type + " ")).toList();
    }

    private boolean rejected() {
      try {
        return rollout().get("rejected").toString().contains(BAD);
      } catch (Exception e) {
        return false;
      }
    }

    private boolean phaseIs(String phase) {
      try {
        JsonNode doc = rollout();
        return phase.equals(doc.get("phase").asString());
      } catch (Exception e) {
        return false;
      }
    }

    /** The rollout's phase, rejections and each host's phase, for a failure's message. */
    String brief() {
      try {
        JsonNode doc = rollout();
        StringBuilder b = new StringBuilder(doc.get("phase").asString() + ", rejected " + doc.get("rejected") + ";");
        doc.get("hosts").forEach(h -> b.append(' ').append(h.get("name").asString()).append('=')
            .append(h.get("phase").asString()));
        return b.toString();
      } catch (Exception e) {
        return "(no server answers: " + e.getMessage() + ")";
      }
    }

    JsonNode rollout() throws Exception {
      for (Server s : servers) {
        try {
          HttpResponse<String> r = s.get("/v1/rollouts/chaos", operator);
          if (r.statusCode() == 200) {
            return JSON.readTree(r.body());
          }
        } catch (IOException e) {
          // that replica is down now: ask the other
        }
      }
      throw new IOException("no server answers GET /v1/rollouts/chaos");
    }

    int reported() {
      int n = 0;
      try {
        for (JsonNode h : JSON.readTree(servers.get(0).get("/v1/hosts", operator).body()).path("hosts")) {
          n += h.path("lastReport").isNull() || h.path("lastReport").isMissingNode() ? 0 : 1;
        }
      } catch (Exception e) {
        return 0;
      }
      return n;
    }

    Process sim(Server s, List<String> names, int i) throws IOException {
      Process p = bootfleet.start(BootfleetProcesses.command(List.of("sim", "fleet", "--server", s.base(),
          "--names", String.join(",", names), "--operator-token-file", servers.get(0).data.resolve("operator.token")
              .toString(), "--images", "demo", "--image", DemoImages.pinned("1.0"), "--unhealthy-image", BAD,
          "--reboot-any-time", "--events", "--interval-seconds", "2", "--dir", dir.resolve("sim-" + i).toString()))
          .redirectErrorStream(true));
      Path out = dir.resolve("sim-" + i + ".out"); // all it said, to read a failure by
      Thread.ofVirtual().start(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            java.io.Writer w = Files.newBufferedWriter(out)) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            w.write(line + "\n");
            w.flush();
            said.add(line);
            if (EVENT.matcher(line).matches()) {
              events.add(line);
            }
          }
        } catch (IOException e) {
          said.add("(output closed: " + e.getMessage() + ")");
        }
      });
      sims.add(p);
      return p;
    }

    String tail() {
      StringBuilder b = new StringBuilder("the simulators said (last 40 lines):\n");
      said.subList(Math.max(0, said.size() - 40), said.size()).forEach(l -> b.append(l).append('\n'));
      for (Server s : servers) {
        try {
          List<String> log = Files.readAllLines(s.log);
          b.append(s.name).append(" logged (last 20 lines):\n");
          log.subList(Math.max(0, log.size() - 20), log.size()).forEach(l -> b.append(l).append('\n'));
        } catch (IOException e) {
          b.append(s.name).append(": no log\n");
        }
      }
      return b.toString();
    }

    void close() {
      sims.forEach(BootfleetProcesses::kill);
      servers.forEach(s -> {
        if (s.process != null) {
          BootfleetProcesses.kill(s.process);
        }
      });
    }

    /** One {@code bootfleet serve} process, restartable from its store on its port. */
    final class Server {
      final String name;
      final int port;
      final Path data;
      final Path log;
      final String repo;
      Process process;

      Server(String name, int port, Path data, Path log, String repo) {
        this.name = name;
        this.port = port;
        this.data = data;
        this.log = log;
        this.repo = repo;
      }

      String base() {
        return "http://127.0.0.1:" + port;
      }

      void start() throws IOException {
        List<String> args = new ArrayList<>(List.of("serve", "--repo", repo, "--data", data.toString(), "--listen",
            "127.0.0.1:" + port, "--poll-seconds", "1", "--lease-ttl-seconds", String.valueOf(TTL_SECONDS),
            "--default-reboot-slots", String.valueOf(HOSTS)));
        if (database != null) {
          args.addAll(List.of("--database", database, "--database-user", PostgresServer.USER));
        }
        ProcessBuilder pb = BootfleetProcesses.command(args).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (database != null) {
          pb.environment().put("BOOTFLEET_DATABASE_PASSWORD", PG.server().password());
        }
        process = bootfleet.start(pb);
      }

      /** SIGKILL, and wait until it is gone. */
      void kill() throws InterruptedException {
        BootfleetProcesses.kill(process);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(name + " gone after SIGKILL").isTrue();
      }

      boolean ready() {
        try {
          return get("/readyz", null).statusCode() == 200;
        } catch (Exception e) {
          return false;
        }
      }

      HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30));
        return http.send((token == null ? b : b.header("Authorization", "Bearer " + token)).build(),
            HttpResponse.BodyHandlers.ofString());
      }
    }
  }

  /** Whether the window is open at {@code t}: it opens every six seconds (UTC) for four. */
  static boolean open(Instant t) {
    return Math.floorMod(t.toEpochMilli(), PERIOD_MS) < OPEN_MS;
  }

  static List<String> names() {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= HOSTS; i++) {
      out.add("chaos-%02d".formatted(i));
    }
    return out;
  }

  /** chaos-01, -02: canary; 03-07: early; 08-12: late. */
  static String wave(String host) {
    int i = Integer.parseInt(host.substring(host.length() - 2));
    return i <= 2 ? "canary" : i <= 7 ? "early" : "late";
  }

  static String site(String host) {
    int i = Integer.parseInt(host.substring(host.length() - 2));
    return "site-" + (char) ('a' + i % 3);
  }

  static int maxUnavailable(String wave) {
    return switch (wave) {
      case "canary" -> 1;
      default -> 2; // early: 2; late: 50% of 5, rounded down
    };
  }

  /** Writes the hosts (on {@code digest}) and, with a soak of 0 or more seconds, the Rollout; commits. */
  static void commit(Git git, Path repo, String digest, int soakSeconds) throws Exception {
    Files.createDirectories(repo.resolve("hosts"));
    for (String name : names()) {
      Files.writeString(repo.resolve("hosts/" + name + ".yaml"), """
          apiVersion: bootfleet.dev/v1alpha1
          kind: Host
          metadata:
            name: %s
            labels: {ring: %s, site: %s}
          spec:
            image:
              ref: %s@%s
          """.formatted(name, wave(name), site(name), DemoImages.REPOSITORY, digest));
    }
    if (soakSeconds >= 0) {
      Files.writeString(repo.resolve("rollout.yaml"), """
          apiVersion: bootfleet.dev/v1alpha1
          kind: Rollout
          metadata: {name: chaos}
          spec:
            waves:
              - {name: canary, selector: {matchLabels: {ring: canary}}}
              - {name: early, selector: {matchLabels: {ring: early}}, maxUnavailable: 2}
              - {name: late, selector: {matchLabels: {ring: late}}, maxUnavailable: "50%%"}
            maxUnavailable: 1
            disruptionBudgets:
              - {labelKey: site, maxUnavailable: 1}
            soak: %ds
            healthTimeout: 2m
            windows:
              cron:
                - {schedule: "0/6 * * * * ?", duration: 4s}
          """.formatted(soakSeconds));
    }
    git.add().addFilepattern(".").call();
    git.commit().setMessage("fleet: " + digest).setAuthor(WHO).setCommitter(WHO).setSign(false).call();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
