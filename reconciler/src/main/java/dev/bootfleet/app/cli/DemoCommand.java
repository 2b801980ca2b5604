package dev.bootfleet.app.cli;

import dev.bootfleet.adapters.agentclient.ServerClient;
import dev.bootfleet.app.server.ReconcilerServer;
import dev.bootfleet.app.sim.SimulatedFleet;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code bootfleet demo}: the README's first command. A scratch copy of examples/fleet-repo as a Git repository
 * with a group of simulated shop hosts and a {@code Rollout}, the reconciler server in this process on its
 * embedded store, and the fleet simulator's hosts (the real agent over in-memory bootc, images from the demo's
 * in-memory catalog) in this process too. Act 1 commits a digest bump and follows the waves; act 2 commits an
 * image whose greenboot check fails and shows the halt, the fleet-wide rejection and the canary's rollback.
 * Nothing is installed or left behind (unless --keep). ADR 0023 says what is simulated and what is real.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run the rollout demo: a server, a fleet repository and simulated hosts in this process; a digest"
        + " bump rolled out in waves (a canary, a soak, waves inside a window and a per-site budget), then an image"
        + " whose health check fails (the canary fails, the rollout halts, the digest is rejected fleet-wide and the"
        + " canary rolls back). Needs nothing but the build; removes its folder at the end (unless --keep)."})
final class DemoCommand implements Callable<Integer> {
  static final String GROUP_FILE = "groups/shop.yaml";
  static final String ROLLOUT = "shop";
  static final List<String> SITES = List.of("ams", "fra", "lon");
  /** How long one act may take before the demo gives up (it takes seconds). */
  static final Duration ACT_LIMIT = Duration.ofSeconds(120);
  private static final PersonIdent WHO = new PersonIdent("bootfleet demo", "demo@bootfleet.invalid");

  @Option(names = "--no-fault", description = "Skip act 2 (the image whose health check fails).")
  boolean noFault;

  @Option(names = "--hosts", defaultValue = "10", paramLabel = "N", description = "Simulated shop hosts, 4 to 200"
      + " (default: ${DEFAULT-VALUE}).")
  int hosts;

  @Option(names = "--keep", description = "Keep the scratch folder (fleet repository, server data, hosts' folders).")
  boolean keep;

  @Option(names = "--dir", paramLabel = "DIR", description = "The scratch folder (must not exist, or be empty;"
      + " default: a new temporary folder).")
  Path dir;

  @Option(names = "--port", defaultValue = "0", paramLabel = "P", description = "The server's port on 127.0.0.1"
      + " (default: any free port).")
  int port;

  @Option(names = "--stay", description = "After the summary, keep the server and the simulated hosts running (the"
      + " dashboard and the API at the address printed first) until stopped with Ctrl-C or SIGTERM.")
  boolean stay;

  @Option(names = "--example", paramLabel = "DIR", description = "The fleet repository to copy (default:"
      + " examples/fleet-repo of the checkout the jar was built in).")
  Path example;

  @Spec
  CommandSpec spec;

  private PrintWriter out;
  private Git git;
  private final Deque<String> serverLog = new ArrayDeque<>();

  @Override
  public Integer call() {
    out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> problems = check();
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("bootfleet: error: " + p));
      err.flush();
      return Main.ERROR;
    }
    boolean made = dir == null;
    ReconcilerServer server = null;
    SimulatedFleet fleet = null;
    // Ctrl-C or SIGTERM: interrupt the demo and let its finally stop everything and remove the folder first
    Thread main = Thread.currentThread();
    java.util.concurrent.CountDownLatch cleaned = new java.util.concurrent.CountDownLatch(1);
    Thread stopping = new Thread(() -> {
      main.interrupt();
      try {
        cleaned.await(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "demo-stop");
    Runtime.getRuntime().addShutdownHook(stopping);
    try {
      if (made) {
        dir = Files.createTempDirectory("bootfleet-demo-");
      } else {
        Files.createDirectories(dir);
      }
      long started = System.nanoTime();
      Path repo = dir.resolve("fleet");
      git = fleetRepo(repo);
      server = new ReconcilerServer(new ReconcilerServer.Config(repo.toUri().toString(), "main", "", "127.0.0.1",
          port, dir.resolve("server"), Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(30),
          Duration.ofSeconds(900), secret(), null), this::serverSaid).leases(Duration.ofMinutes(2), Map.of(), hosts);
      int listening = server.start();
      Path tokenFile = dir.resolve("server/operator.token");
      URI base = URI.create("http://127.0.0.1:" + listening);
      say("bootfleet demo: dashboard and API at " + base + ", operator token in " + tokenFile);
      String operator = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      Api api = new Api(new ServerClient(base, null, null, Duration.ofSeconds(10), Duration.ofSeconds(30)), operator);
      await("the server to serve the fleet repository", () -> api.status("/readyz") == 200);

      List<String> names = names();
      Set<String> unhealthy = noFault ? Set.of() : Set.of(SimulatedFleet.demoDigest("1.2-broken"));
      fleet = SimulatedFleet.enroll(new SimulatedFleet.Settings(api.client, operator, "of the demo's server",
          names, pinned("1.0"), "amd64", SimulatedFleet.lookup("demo"), unhealthy, dir.resolve("hosts"),
          Duration.ofSeconds(5), true, false, false), line -> {}, (host, digest) -> {});
      fleet.start();
      say("bootfleet demo: " + names.size() + " simulated hosts (" + String.join(", ", SITES) + ") on "
          + SimulatedFleet.DEMO_REPOSITORY + ":1.0, rollout " + ROLLOUT + ": canary, then waves early and late, at"
          + " most 1 host per site down, soak 3s, a reboot window open now");
      // every host reported 1.0 and the rollout is served (its run towards 1.0, which the hosts already boot, need
      // not sit out its soaks: the bump starts a new run)
      await("every simulated host to report", () -> api.rollout() != null && reportedAll(api, names));

      List<String> summary = new ArrayList<>();
      say("");
      say("act 1: commit " + SimulatedFleet.DEMO_REPOSITORY + " 1.0 -> 1.1");
      long act1 = System.nanoTime();
      bump(repo, "1.1");
      JsonNode done = follow(api, "1.1", r -> "complete".equals(r.path("phase").asString("")));
      double act1s = seconds(act1);
      summary.add("act 1: 1.0 -> 1.1 on " + done.path("hosts").size() + " hosts in " + waveNames(done).size()
          + " waves (" + String.join(", ", waveNames(done)) + "), " + "%.1f s".formatted(act1s)
          + ": rollout complete");

      if (!noFault) {
        say("");
        say("act 2: commit " + SimulatedFleet.DEMO_REPOSITORY + " 1.1 -> 1.2-broken (its greenboot check fails)");
        long act2 = System.nanoTime();
        bump(repo, "1.2-broken");
        String broken = SimulatedFleet.demoDigest("1.2-broken");
        String good = SimulatedFleet.demoDigest("1.1");
        JsonNode halted = follow(api, "1.2-broken", r -> "halted".equals(r.path("phase").asString(""))
            && contains(r.path("rejected"), broken));
        SimulatedFleet f = fleet;
        await("the failed host to roll back to 1.1", () -> f.booted().values().stream().allMatch(good::equals));
        JsonNode after = api.rollout();
        List<String> rolledBack = new ArrayList<>();
        for (JsonNode e : thisRun(after).path("events")) {
          if (e.path("type").asString("").equals("rollback")) {
            rolledBack.add(e.path("host").asString(""));
          }
        }
        JsonNode run = thisRun(after);
        Set<String> staged = new java.util.TreeSet<>();
        Set<String> rebooted = new java.util.TreeSet<>();
        for (JsonNode e : run.path("events")) {
          switch (e.path("type").asString("")) {
            case "stage" -> staged.add(e.path("host").asString(""));
            case "reboot" -> rebooted.add(e.path("host").asString(""));
            default -> { }
          }
        }
        summary.add("act 2: 1.1 -> 1.2-broken halted after " + "%.1f s".formatted(seconds(act2)) + ": "
            + String.join(", ", rebooted) + " booted it and failed greenboot's check; " + short12(broken)
            + " (1.2-broken) rejected fleet-wide; rolled back: " + String.join(", ", rolledBack) + " ("
            + rolledBack.size() + (rolledBack.size() == 1 ? " rollback" : " rollbacks") + "); "
            + (names.size() - staged.size()) + " other hosts never staged it");
      }
      Map<String, Integer> on = new TreeMap<>();
      fleet.booted().values().forEach(d -> on.merge(d, 1, Integer::sum));
      List<String> each = new ArrayList<>();
      on.forEach((d, n) -> each.add(n + " on " + short12(d) + " (" + tagOf(d) + ")"));
      summary.add("hosts: " + String.join(", ", each));
      JsonNode last = api.rollout();
      List<String> rejected = new ArrayList<>();
      last.path("rejected").forEach(d -> rejected.add(short12(d.asString()) + " (" + tagOf(d.asString()) + ")"));
      summary.add("rejected: " + (rejected.isEmpty() ? "none" : String.join(", ", rejected)));
      summary.add("total " + "%.1f s".formatted(seconds(started)));
      say("");
      say("summary:");
      summary.forEach(l -> say("  " + l));
      if (stay) {
        say("");
        say("bootfleet demo: staying: the dashboard and API at " + base + " (log in with the token in " + tokenFile
            + "); Ctrl-C ends the demo" + (keep ? "" : " and removes " + dir));
        try {
          new java.util.concurrent.CountDownLatch(1).await(); // until the stop hook interrupts this thread
        } catch (InterruptedException e) {
          say("bootfleet demo: stopping");
        }
      }
      return Main.OK;
    } catch (Exception e) {
      err.println("bootfleet: error: demo: " + Text.oneLine(e.getMessage(), e.getClass().getSimpleName()));
      err.flush();
      return Main.ERROR;
    } finally {
      if (git != null) {
        git.close();
      }
      if (fleet != null) {
        fleet.stop(); // interrupts the agents; the server's close ends their long polls
      }
      if (server != null) {
        server.close();
      }
      if (fleet != null) {
        fleet.close();
      }
      if (!keep && dir != null) {
        try {
          delete(dir);
        } catch (IOException e) {
          err.println("bootfleet: error: demo: cannot remove " + dir + ": " + Text.oneLine(e.getMessage(), "?"));
        }
      } else if (dir != null) {
        say("bootfleet demo: kept " + dir);
      }
      err.flush();
      cleaned.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(stopping);
      } catch (IllegalStateException e) {
        // already stopping: the hook is running and waits for this cleanup, done now
      }
    }
  }

  /** Every problem with the options, one line each. */
  List<String> check() {
    List<String> p = new ArrayList<>();
    if (hosts < 4 || hosts > 200) {
      p.add("--hosts " + hosts + ": expected 4 to 200 (a canary and at least one host in each later wave)");
    }
    if (port < 0 || port > 65535) {
      p.add("--port " + port + ": expected 0 (any free port) to 65535");
    }
    if (dir != null && Files.exists(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          p.add("--dir " + dir + ": not empty (expected a new or empty folder; the demo removes it at the end)");
        }
      } catch (IOException e) {
        p.add("--dir " + dir + ": cannot be read (expected a new or empty folder)");
      }
    }
    Path from = example();
    if (from == null || !Files.isDirectory(from.resolve("hosts"))) {
      p.add(example != null ? "--example " + example + ": not a fleet repository (expected a folder with hosts/)"
          : "cannot find examples/fleet-repo beside the jar (expected a source checkout; or --example DIR)");
    }
    return p;
  }

  /** The fleet repository to copy: --example, or examples/fleet-repo of the checkout the jar (or classes) came from. */
  Path example() {
    if (example != null) {
      return example;
    }
    try {
      Path code = Paths.get(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // reconciler/target/bootfleet.jar or reconciler/target/classes: the checkout is three levels up
      Path root = code.getParent().getParent().getParent();
      return root.resolve("examples/fleet-repo");
    } catch (Exception e) {
      return null;
    }
  }

  /** The shop hosts: shop-01 (the canary) ... shop-N. */
  List<String> names() {
    List<String> n = new ArrayList<>();
    for (int i = 1; i <= hosts; i++) {
      n.add("shop-%02d".formatted(i));
    }
    return n;
  }

  static String pinned(String tag) {
    return SimulatedFleet.DEMO_REPOSITORY + ":" + tag + "@" + SimulatedFleet.demoDigest(tag);
  }

  /** Copies the example into {@code repo}, adds the shop hosts, their group and rollout, and commits. */
  private Git fleetRepo(Path repo) throws Exception {
    Path from = example();
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.sorted().toList()) {
        Path to = repo.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    List<String> names = names();
    for (int i = 0; i < names.size(); i++) {
      String ring = i == 0 ? "canary" : i <= (names.size() - 1) / 2 ? "early" : "late";
      Files.writeString(repo.resolve("hosts/" + names.get(i) + ".yaml"), """
          apiVersion: bootfleet.dev/v1alpha1
          kind: Host
          metadata:
            name: %s
            labels:
              app: shop
              site: %s
              ring: %s
          spec: {}
          """.formatted(names.get(i), SITES.get(i % SITES.size()), ring));
    }
    Files.writeString(repo.resolve(GROUP_FILE), group("1.0"));
    LocalTime opened = LocalTime.now(ZoneOffset.UTC).minusHours(1).withMinute(0).withSecond(0).withNano(0);
    Files.createDirectories(repo.resolve("rollouts"));
    Files.writeString(repo.resolve("rollouts/shop.yaml"), """
        # The demo's rollout: a canary, then two waves; at most 1 host per site rebooting at once.
        apiVersion: bootfleet.dev/v1alpha1
        kind: Rollout
        metadata:
          name: %s
        spec:
          selector: {matchLabels: {app: shop}}
          waves:
            - {name: canary, selector: {matchLabels: {ring: canary}}}
            - {name: early, selector: {matchLabels: {ring: early}}}
            - {name: late, selector: {matchLabels: {ring: late}}}
          maxUnavailable: 3
          disruptionBudgets:
            - {labelKey: site, maxUnavailable: 1}
          successThreshold: "100%%"
          soak: 3s
          healthTimeout: 30s
          windows:
            weekly:
              - {days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun], start_time: "%s", length_minutes: 240}
        """.formatted(ROLLOUT, opened.toString()));
    Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call();
    git.add().addFilepattern(".").call();
    git.commit().setMessage("demo: the example fleet and " + hosts + " shop hosts on 1.0").setAuthor(WHO)
        .setCommitter(WHO).setSign(false).call();
    return git;
  }

  static String group(String tag) {
    return """
        apiVersion: bootfleet.dev/v1alpha1
        kind: HostGroup
        metadata:
          name: shop
        spec:
          selector: {matchLabels: {app: shop}}
          priority: 20
          image:
            ref: %s
        """.formatted(pinned(tag));
  }

  private void bump(Path repo, String tag) throws Exception {
    Files.writeString(repo.resolve(GROUP_FILE), group(tag));
    git.add().addFilepattern(GROUP_FILE).call();
    git.commit().setMessage("shop: " + tag).setAuthor(WHO).setCommitter(WHO).setSign(false).call();
  }

  /**
   * Follows the rollout towards {@code tag} until {@code until} holds of it, showing it as {@code rollout status
   * --watch} does (bars on a terminal, a line per change otherwise); returns its last state.
   */
  private JsonNode follow(Api api, String tag, java.util.function.Predicate<JsonNode> until) throws Exception {
    String digest = SimulatedFleet.demoDigest(tag);
    boolean terminal = Terminal.isInteractive();
    RolloutView.Redrawn bars = new RolloutView.Redrawn(out);
    RolloutView.Follower lines = new RolloutView.Follower(out);
    long end = System.nanoTime() + ACT_LIMIT.toNanos();
    List<String> drawn = null;
    while (true) {
      JsonNode r = api.rollout();
      boolean ours = r != null && r.path("target").asString("").contains(digest);
      if (ours) {
        if (terminal) {
          List<String> now = RolloutView.bars(r, 30);
          if (!now.equals(drawn)) { // redrawn when it changed, not at every look
            bars.show(now);
            drawn = now;
          }
        } else {
          lines.show(thisRun(r));
        }
        if (until.test(r)) {
          return r;
        }
      }
      if (System.nanoTime() > end) {
        throw new IOException("the rollout towards " + tag + " did not get there within " + ACT_LIMIT.toSeconds()
            + " s (phase " + (r == null ? "none" : r.path("phase").asString("?")) + ")" + lastServerLine());
      }
      Thread.sleep(250); // the pace of the display, as rollout status --watch polls
    }
  }

  /** The rollout with only the events of its current run (the ones before it were shown with the act before). */
  static JsonNode thisRun(JsonNode r) {
    tools.jackson.databind.node.ObjectNode copy = (tools.jackson.databind.node.ObjectNode) r.deepCopy();
    java.time.Instant start = java.time.Instant.parse(r.path("startedAt").asString());
    tools.jackson.databind.node.ArrayNode events = copy.putArray("events");
    for (JsonNode e : r.path("events")) {
      if (!java.time.Instant.parse(e.path("at").asString()).isBefore(start)) {
        events.add(e);
      }
    }
    return copy;
  }

  interface Check {
    boolean holds() throws Exception;
  }

  /** Waits until {@code condition} holds, checking every 100 ms, at most {@link #ACT_LIMIT}. */
  private void await(String what, Check condition) throws Exception {
    long end = System.nanoTime() + ACT_LIMIT.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > end) {
        throw new IOException("waited " + ACT_LIMIT.toSeconds() + " s for " + what + lastServerLine());
      }
      Thread.sleep(100); // between checks of the condition
    }
  }

  private static boolean reportedAll(Api api, List<String> names) throws IOException {
    JsonNode list = api.get("/v1/hosts");
    int n = 0;
    for (JsonNode h : list.path("hosts")) {
      if (names.contains(h.path("name").asString("")) && !h.path("lastReport").isNull()
          && !h.path("lastReport").isMissingNode()) {
        n++;
      }
    }
    return n == names.size();
  }

  private static boolean contains(JsonNode array, String text) {
    for (JsonNode x : array) {
      if (x.asString("").equals(text)) {
        return true;
      }
    }
    return false;
  }

  /** The names of the waves that have hosts (the implicit "rest" wave has none here). */
  private static List<String> waveNames(JsonNode r) {
    List<String> w = new ArrayList<>();
    r.path("waves").forEach(x -> {
      if (x.path("hosts").asInt() > 0) {
        w.add(x.path("name").asString(""));
      }
    });
    return w;
  }

  static String short12(String digest) {
    return digest.startsWith("sha256:") && digest.length() > 19 ? digest.substring(0, 19) : digest;
  }

  static String tagOf(String digest) {
    for (String t : SimulatedFleet.DEMO_TAGS) {
      if (SimulatedFleet.demoDigest(t).equals(digest)) {
        return t;
      }
    }
    return "?";
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static byte[] secret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return b;
  }

  private synchronized void serverSaid(String line) {
    serverLog.addLast(line);
    if (serverLog.size() > 5) {
      serverLog.removeFirst();
    }
  }

  private synchronized String lastServerLine() {
    return serverLog.isEmpty() ? "" : "; the server said last: " + Text.oneLine(serverLog.peekLast(), "");
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }

  private static void delete(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The operator's reads of the demo's server. */
  private record Api(ServerClient client, String operator) {
    int status(String path) throws IOException {
      return client.get(path, null, 64 * 1024).status();
    }

    JsonNode get(String path) throws IOException {
      ServerClient.Response r = client.get(path, operator, 4 * 1024 * 1024);
      if (r.status() != 200) {
        throw new IOException("GET " + path + ": " + r.detail());
      }
      return r.json();
    }

    /** The demo's rollout, or null while the served revision has none. */
    JsonNode rollout() throws IOException {
      ServerClient.Response r = client.get("/v1/rollouts/" + ROLLOUT, operator, 4 * 1024 * 1024);
      return r.status() == 200 ? r.json() : null;
    }
  }
}
