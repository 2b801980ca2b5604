package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.BootfleetProcesses;
import java.io.BufferedReader;
import java.io.InputStreamReader;
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
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bin/bootfleet demo} as a user runs it: the end-to-end test of the server, the rollout engine and real
 * agents (on simulated hosts), a bad image halting included. While the demo runs, the test reads the server's API
 * at the address the demo prints (every rollout event, each state of the run), and asserts the rollout's rules
 * from what the server recorded; then the summary, the exit code and the removed folder.
 */
class DemoIT {
  static final Pattern ADDRESS = Pattern.compile("dashboard and API at (http://127\\.0\\.0\\.1:\\d+), operator token in (\\S+)");
  static final List<String> WAVES = List.of("canary", "early", "late");

  @RegisterExtension
  final BootfleetProcesses bootfleet = new BootfleetProcesses();

  @TempDir
  Path tmp;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final List<String> said = new CopyOnWriteArrayList<>();
  /** Every rollout event the server showed, by at + type + host + message (each once). */
  final Map<String, JsonNode> events = new ConcurrentHashMap<>();
  /** The largest budget in use and any wave over its maxUnavailable, from each state of the run read. */
  volatile int maxBudgetInUse;
  final List<String> overWave = new CopyOnWriteArrayList<>();
  final Map<String, String> siteOf = new ConcurrentHashMap<>();

  record Ran(int exit, List<String> lines) {}

  /** Reads the demo's output into {@code lines} as it comes, on a virtual thread of its own. */
  static Thread readInto(List<String> lines, Process p) {
    return Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.add(line);
        }
      } catch (java.io.IOException e) {
        lines.add("(output closed: " + e.getMessage() + ")");
      }
    });
  }

  Ran demo(Path dir, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("demo", "--dir", dir.toString()));
    args.addAll(List.of(extra));
    Process p = bootfleet.start(BootfleetProcesses.command(args).redirectErrorStream(true));
    Thread reader = readInto(said, p);
    // the API's address and the operator's token, as the demo prints them first
    Instant end = Instant.now().plusSeconds(60);
    Matcher m = null;
    while (m == null && p.isAlive() && Instant.now().isBefore(end)) {
      m = said.stream().map(ADDRESS::matcher).filter(Matcher::find).findFirst().orElse(null);
      if (m == null) {
        Thread.sleep(50); // between looks at the output
      }
    }
    boolean stays = args.contains("--stay");
    if (m != null) {
      String base = m.group(1);
      String token = Files.readString(Path.of(m.group(2))).strip();
      while (p.isAlive() && !(stays && said.stream().anyMatch(l -> l.startsWith("bootfleet demo: staying: ")))) {
        watch(base, token);
        Thread.sleep(100); // between reads of the run; the assertions are on what the server recorded
      }
      if (stays && p.isAlive()) {
        watch(base, token); // the run as the server recorded it to the end: the demo's last moment is not missed
        stop(p);
      }
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the demo ends").isTrue();
    reader.join(Duration.ofSeconds(10));
    return new Ran(p.exitValue(), List.copyOf(said));
  }

  /**
   * SIGTERM to the JVM and the launcher (a terminal's Ctrl-C reaches both the same way), through the handles:
   * Process.destroy would close the output still to be read.
   */
  static void stop(Process p) throws Exception {
    List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
    all.add(p.toHandle());
    all.forEach(ProcessHandle::destroy);
    for (ProcessHandle h : all) {
      h.onExit().get(60, TimeUnit.SECONDS);
    }
  }

  /** One read of the demo's rollout: its events and budgets kept. Fails quietly while the server stops. */
  void watch(String base, String token) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/rollouts/shop"))
          .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return;
      }
      JsonNode run = JsonMapper.shared().readTree(r.body());
      for (JsonNode e : run.path("events")) {
        events.putIfAbsent(e.path("at").asString() + " " + e.path("type").asString() + " " + e.path("host")
            .asString("") + " " + e.path("message").asString(), e);
      }
      maxBudgetInUse = Math.max(maxBudgetInUse, run.path("budgetInUse").asInt());
      for (JsonNode w : run.path("waves")) {
        if (w.path("down").asInt() > w.path("maxUnavailable").asInt()) {
          overWave.add(w.toString());
        }
      }
      for (JsonNode h : run.path("hosts")) {
        String name = h.path("name").asString();
        if (!siteOf.containsKey(name)) {
          HttpResponse<String> host = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/hosts/" + name))
              .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
          if (host.statusCode() == 200) {
            siteOf.put(name, JsonMapper.shared().readTree(host.body()).path("desired").path("labels").path("site")
                .asString());
          }
        }
      }
    } catch (Exception e) {
      // the server is starting or stopping: the next read will tell
    }
  }

  /** The events of the run towards {@code digest}, oldest first. */
  List<JsonNode> run(String digest) {
    List<JsonNode> all = new ArrayList<>(events.values());
    // a run's first decisions share its start's instant: "started" goes first among equals
    all.sort(java.util.Comparator.comparing((JsonNode e) -> Instant.parse(e.path("at").asString()))
        .thenComparing(e -> !e.path("type").asString().equals("started")));
    List<JsonNode> out = new ArrayList<>();
    boolean in = false;
    for (JsonNode e : all) {
      if (e.path("type").asString().equals("started")) {
        in = e.path("message").asString().contains(digest);
      }
      if (in) {
        out.add(e);
      }
    }
    return out;
  }

  static Instant at(JsonNode e) {
    return Instant.parse(e.path("at").asString());
  }

  static String wave(String host) {
    int i = Integer.parseInt(host.substring("shop-".length()));
    return i == 1 ? "canary" : i <= 5 ? "early" : "late"; // the demo's ten hosts: 1 canary, 4 early, 5 late
  }

  static String digestIn(List<String> lines, String tag) {
    for (String l : lines) {
      Matcher m = Pattern.compile("(sha256:[0-9a-f]{12}) \\(" + Pattern.quote(tag) + "\\)").matcher(l);
      if (m.find()) {
        return m.group(1);
      }
    }
    return null;
  }

  @Test
  void demo_rollsOutInWaves_thenHaltsTheBadImage_rollsTheCanaryBack_andCleansUp() throws Exception {
    Path dir = tmp.resolve("demo");
    // --stay: the server's record is read once more after the summary, then the demo is stopped. Without it the
    // demo ends a moment after act 2's last decision, and a read of the run can miss it (CI did once). The exit
    // status without --stay is noFault_skipsAct2's; reaching "staying" needs both acts to have succeeded.
    Ran ran = demo(dir, "--stay");
    String out = String.join("\n", ran.lines());

    assertThat(out).contains("bootfleet demo: staying: ", "bootfleet demo: stopping");
    assertThat(dir).as("the scratch folder is removed").doesNotExist();
    assertThat(ran.lines().get(0)).as(out).matches(".*dashboard and API at http://127\\.0\\.0\\.1:\\d+, operator token in .*");
    assertThat(out).contains("act 1: commit").contains("act 2: commit").doesNotContain("Exception")
        .doesNotContain("bootfleet: error");

    // act 1, as the server recorded it: the canary first, each wave after the one before was done, the budgets kept
    List<JsonNode> act1 = run(digestFromEvents("1.1"));
    assertThat(act1).as(out).isNotEmpty();
    List<JsonNode> reboots = act1.stream().filter(e -> e.path("type").asString().equals("reboot")).toList();
    assertThat(reboots).extracting(e -> e.path("host").asString()).as("every host rebooted once")
        .hasSize(10).doesNotHaveDuplicates();
    assertThat(reboots.get(0).path("host").asString()).as("the canary first").isEqualTo("shop-01");
    Map<String, Instant> done = new HashMap<>();
    act1.stream().filter(e -> e.path("type").asString().equals("wave-done"))
        .forEach(e -> done.putIfAbsent(e.path("message").asString().split(" ")[1], at(e)));
    assertThat(done).containsKeys("canary", "early", "late");
    for (JsonNode r : reboots) {
      String w = wave(r.path("host").asString());
      int i = WAVES.indexOf(w);
      if (i > 0) {
        assertThat(at(r)).as(r.path("host").asString() + " rebooted after wave " + WAVES.get(i - 1) + " was done")
            .isAfterOrEqualTo(done.get(WAVES.get(i - 1)));
      }
      assertThat(at(r)).as("wave " + w + " was not done before its host " + r.path("host").asString() + " rebooted")
          .isBeforeOrEqualTo(done.get(w));
    }
    assertThat(maxBudgetInUse).as("hosts down at once, fleet-wide").isBetween(1, 3);
    assertThat(overWave).as("a wave over its maxUnavailable").isEmpty();
    // at most one host per site down at once: [reboot granted, healthy) per host, never two overlapping in a site
    Map<String, Instant> healthy = new TreeMap<>();
    act1.stream().filter(e -> e.path("type").asString().equals("healthy"))
        .forEach(e -> healthy.put(e.path("host").asString(), at(e)));
    assertThat(siteOf).hasSize(10);
    for (JsonNode a : reboots) {
      for (JsonNode b : reboots) {
        String x = a.path("host").asString();
        String y = b.path("host").asString();
        if (x.compareTo(y) < 0 && siteOf.get(x).equals(siteOf.get(y))) {
          boolean overlap = at(a).isBefore(healthy.get(y)) && at(b).isBefore(healthy.get(x));
          assertThat(overlap).as(x + " and " + y + " (site " + siteOf.get(x) + ") down at once").isFalse();
        }
      }
    }

    // act 2: only the canary moved; it failed, the run halted, the digest was rejected, one rollback
    List<JsonNode> act2 = run(digestFromEvents("1.2-broken"));
    assertThat(act2.stream().filter(e -> e.path("type").asString().equals("reboot")).map(e -> e.path("host")
        .asString())).as(out).containsExactly("shop-01");
    assertThat(act2.stream().filter(e -> e.path("type").asString().equals("stage")).map(e -> e.path("host")
        .asString())).containsExactly("shop-01");
    assertThat(act2.stream().filter(e -> e.path("type").asString().equals("rollback")).map(e -> e.path("host")
        .asString())).as("exactly one rollback").containsExactly("shop-01");
    assertThat(act2).anySatisfy(e -> assertThat(e.path("type").asString()).isEqualTo("halted"));
    assertThat(act2).anySatisfy(e -> assertThat(e.path("message").asString()).contains("rejected fleet-wide"));

    // the summary says the same
    String broken = digestIn(ran.lines(), "1.2-broken");
    String good = digestIn(ran.lines(), "1.1");
    assertThat(out).contains("act 1: 1.0 -> 1.1 on 10 hosts in 3 waves (canary, early, late)")
        .contains("shop-01 booted it and failed greenboot's check")
        .contains("rolled back: shop-01 (1 rollback); 9 other hosts never staged it")
        .contains("hosts: 10 on " + good + " (1.1)")
        .contains("rejected: " + broken + " (1.2-broken)");
    assertThat(broken).isNotNull().isNotEqualTo(good);
  }

  @Test
  void noFault_skipsAct2() throws Exception {
    Path dir = tmp.resolve("quiet");
    Ran ran = demo(dir, "--no-fault", "--hosts", "4");
    String out = String.join("\n", ran.lines());

    assertThat(ran.exit()).as(out).isZero();
    assertThat(dir).doesNotExist();
    assertThat(out).contains("act 1: 1.0 -> 1.1 on 4 hosts").contains("hosts: 4 on ").contains("rejected: none")
        .doesNotContain("act 2").doesNotContain("1.2-broken");
  }

  @Test
  void stay_keepsTheDashboardServing_untilStopped_thenCleansUp() throws Exception {
    Path dir = tmp.resolve("stay");
    Process p = bootfleet.start(BootfleetProcesses.command(List.of("demo", "--dir", dir.toString(), "--no-fault",
        "--hosts", "4", "--stay")).redirectErrorStream(true));
    Thread reader = readInto(said, p);
    Instant end = Instant.now().plusSeconds(90);
    while (said.stream().noneMatch(l -> l.startsWith("bootfleet demo: staying: "))) {
      assertThat(p.isAlive()).as("the demo stays: " + said).isTrue();
      assertThat(Instant.now()).as("the demo reaches its summary within 90 s: " + said).isBefore(end);
      Thread.sleep(50); // between looks at the output
    }
    Matcher m = said.stream().map(ADDRESS::matcher).filter(Matcher::find).findFirst().orElseThrow();
    HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(m.group(1) + "/login"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(p.isAlive()).as("still serving after the summary").isTrue();

    stop(p);
    reader.join(Duration.ofSeconds(10));
    assertThat(dir).as("the scratch folder is removed on stop").doesNotExist();
    assertThat(said).as("the demo said it stops").contains("bootfleet demo: stopping");
  }

  @Test
  void badOptions_areOneLineEach_andNothingIsLeft() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("full"));
    Files.writeString(dir.resolve("keep-me"), "x");
    Process p = bootfleet.start(BootfleetProcesses.command(List.of("demo", "--dir", dir.toString(), "--hosts", "2",
        "--port", "70000")).redirectErrorStream(true));
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(text.lines().toList()).containsExactly(
        "bootfleet: error: --hosts 2: expected 4 to 200 (a canary and at least one host in each later wave)",
        "bootfleet: error: --port 70000: expected 0 (any free port) to 65535",
        "bootfleet: error: --dir " + dir + ": not empty (expected a new or empty folder; the demo removes it at the end)");
    assertThat(dir.resolve("keep-me")).exists();
  }

  @Test
  void aFailureMidway_isOneLine_nonZero_andTheFolderIsStillRemoved() throws Exception {
    Path dir = tmp.resolve("busy");
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Process p = bootfleet.start(BootfleetProcesses.command(List.of("demo", "--dir", dir.toString(), "--port",
          String.valueOf(taken.getLocalPort()))).redirectErrorStream(true));
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(1);
      assertThat(text.lines().toList()).hasSize(1).allSatisfy(l -> assertThat(l).startsWith("bootfleet: error: demo: ")
          .contains(String.valueOf(taken.getLocalPort())));
    }
    assertThat(dir).doesNotExist();
  }

  /** The full digest of a run's target, from a "started" event naming the tag's short digest in the output. */
  String digestFromEvents(String tag) {
    String shortDigest = digestIn(said, tag);
    assertThat(shortDigest).as("the summary names " + tag).isNotNull();
    return shortDigest;
  }
}
