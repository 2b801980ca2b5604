package dev.bootfleet.app.server;

import static dev.bootfleet.app.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.Example;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A rollout carried out by the server in this process (ADR 0021, "Server"): a JGit repository with a
 * {@code Rollout} over the example's web hosts (web-03 the canary, web-01 and web-02 the next wave), a digest
 * bump committed, and simulated hosts reporting over HTTP what bootc would show. Every wait is on a
 * condition with a bound.
 */
class RolloutServerIT {
  static final String OLD = "sha256:ecb095763ad57c781ec2de1cea059a06d62f3b7830f9e6ab1b0cdd5e0a3e0c64";
  static final String NEW = "sha256:" + "1".repeat(64);
  static final String REPO = "quay.io/bootfleet-example/web-os";
  static final Duration MAX = Duration.ofSeconds(60);

  @TempDir
  Path tmp;

  ServerHarness h;
  ReconcilerServer server;
  String operator;
  final Map<String, String> tokens = new HashMap<>();
  /** Every image each host's target named, in order. */
  final Map<String, List<String>> served = new HashMap<>();

  static String rollout(String soak, boolean approval) {
    return rollout(soak, approval, "");
  }

  /** The rollout with {@code more} lines of its spec. */
  static String rollout(String soak, boolean approval, String more) {
    return """
        apiVersion: bootfleet.dev/v1alpha1
        kind: Rollout
        metadata: {name: web}
        spec:
          selector: {matchLabels: {role: web}}
          waves:
            - {name: canary, selector: {matchLabels: {site: ams1}}}
            - {name: main, selector: {matchLabels: {site: fra1}}, approval: %s}
          soak: %s
          healthTimeout: 10m
        """.formatted(approval, soak) + more;
  }

  void start(String soak, boolean approval) throws Exception {
    start(rollout(soak, approval));
  }

  void start(String rollout) throws Exception {
    h = new ServerHarness(tmp);
    h.commit("rollout.yaml", rollout);
    launch();
    ServerHarness.await("the first revision served", MAX, h::ready);
    operator = Files.readString(tmp.resolve("data/operator.token")).strip();
    for (String host : List.of("web-01", "web-02", "web-03")) {
      tokens.put(host, h.hostToken(operator, host));
      report(host, OLD, null, null);
    }
    // all on the pinned digest: done in the run towards it (complete, or a wave awaiting an approval it needs not)
    await("every web host done in the first run", () -> {
      JsonNode hosts = rolloutDoc().get("hosts");
      boolean all = hosts.size() == 3;
      for (JsonNode x : hosts) {
        all &= x.get("phase").asString().equals("done");
      }
      return all;
    });
  }

  void launch() throws Exception {
    server = new ReconcilerServer(new ReconcilerServer.Config(h.url(), "main", "", "127.0.0.1", 0, tmp.resolve("data"),
        Duration.ofHours(1), Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(900),
        ServerHarness.SECRET.getBytes(StandardCharsets.UTF_8), null), line -> System.err.println("[server] " + line));
    h.base = "http://127.0.0.1:" + server.start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Commits the new digest for the web group and has the server fetch it. */
  void bump() throws Exception {
    Path web = h.work.resolve("groups/web.yaml");
    h.commit("groups/web.yaml", Files.readString(web).replace(OLD, NEW));
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    assertThat(h.webhook(body, ServerHarness.sign(body)).statusCode()).isEqualTo(202);
    await("the run towards the new digest", () -> rolloutDoc().get("target").asString().equals(NEW));
  }

  /** Posts what bootc shows on {@code host}: booted and staged digests, and the agent's health verdict. */
  void report(String host, String booted, String staged, String health) throws Exception {
    HttpResponse<String> r = h.post("/v1/hosts/" + host + "/status", tokens.get(host),
        reportBody(host, booted, staged, health));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
  }

  /** The report body of {@code host} booting {@code booted}, with {@code staged} (or null) and a health verdict (or none). */
  static String reportBody(String host, String booted, String staged, String health) throws Exception {
    ObjectNode status = (ObjectNode) ServerHarness.JSON.readTree(
        Files.readString(Example.fleetRepo().resolve("observed/" + host + ".json")));
    ObjectNode st = (ObjectNode) status.get("status");
    ObjectNode bootedEntry = (ObjectNode) st.get("booted");
    image(bootedEntry, booted);
    if (staged != null) {
      ObjectNode s = bootedEntry.deepCopy();
      image(s, staged);
      st.set("staged", s);
    }
    ((ObjectNode) status.get("spec").get("image")).put("image", REPO + "@" + (staged != null ? staged : booted));
    String agent = health == null ? "null" : "{\"kind\":\"AgentReport\",\"health\":\"" + health + "\"}";
    return "{\"status\": " + status + ", \"agent\": " + agent + "}";
  }

  private static void image(ObjectNode entry, String digest) {
    ObjectNode img = (ObjectNode) entry.get("image");
    ((ObjectNode) img.get("image")).put("image", REPO + "@" + digest);
    img.put("imageDigest", digest);
  }

  JsonNode target(String host) throws Exception {
    JsonNode t = json(h.get("/v1/hosts/" + host + "/target", tokens.get(host)));
    JsonNode img = t.get("host").get("image");
    served.computeIfAbsent(host, k -> new ArrayList<>()).add(img == null || img.isNull() ? "none"
        : img.toString());
    return t;
  }

  /** The digest a host's target names now. */
  String image(String host) throws Exception {
    JsonNode img = target(host).get("host").get("image");
    return img == null || img.isNull() ? null : img.toString().contains(NEW) ? NEW : img.toString().contains(OLD)
        ? OLD : img.toString();
  }

  JsonNode rolloutDoc() throws Exception {
    HttpResponse<String> r = h.get("/v1/rollouts/web", operator);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r);
  }

  JsonNode wave(String name) throws Exception {
    for (JsonNode w : rolloutDoc().get("waves")) {
      if (w.get("name").asString().equals(name)) {
        return w;
      }
    }
    throw new AssertionError("no wave " + name);
  }

  List<String> events(String type) throws Exception {
    List<String> out = new ArrayList<>();
    rolloutDoc().get("events").forEach(e -> {
      if (e.get("type").asString().equals(type)) {
        out.add(e.get("who").asString() + " " + e.path("host").asString("") + " " + e.get("message").asString());
      }
    });
    return out;
  }

  static void await(String what, Callable<Boolean> c) throws InterruptedException {
    ServerHarness.await(what, MAX, () -> {
      try {
        return c.call();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** The canary stages, reboots when let, reports healthy; returns once its wave is done. */
  void canaryHealthy() throws Exception {
    await("web-03 served the new digest", () -> NEW.equals(image("web-03")));
    report("web-03", OLD, NEW, null);
    await("web-03 let reboot", () -> target("web-03").get("rollout").get("reboot").asBoolean());
    report("web-03", NEW, null, "healthy");
    await("the canary wave done", () -> wave("canary").get("state").asString().equals("done"));
  }

  @Test
  void canaryFirst_theNextWaveOnlyAfterItsSoak() throws Exception {
    start("3s", false);
    bump();
    JsonNode waiting = target("web-01");
    assertThat(image("web-01")).isEqualTo(OLD); // keeps what it boots
    assertThat(waiting.get("rollout").get("reason").asString()).isEqualTo("WaitingForWave");
    assertThat(image("web-02")).isEqualTo(OLD);
    // its reboot slot waits for its wave too: FleetLock's pre-reboot is 423, and no slot is taken
    HttpResponse<String> slot = h.send(h.req("/v1/pre-reboot", tokens.get("web-01")).header("fleet-lock-protocol", "true")
        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
            "{\"client_params\":{\"id\":\"web-01\",\"group\":\"default\"}}")));
    assertThat(slot.statusCode()).as(slot.body()).isEqualTo(423);
    assertThat(json(slot).get("kind").asString()).isEqualTo("rollout_not_ready");

    canaryHealthy();
    JsonNode main = wave("main");
    assertThat(main.get("state").asString()).isIn("soaking", "active");
    if (main.get("state").asString().equals("soaking")) {
      assertThat(image("web-01")).isEqualTo(OLD);
    }
    await("web-01 served the new digest after the soak", () -> NEW.equals(image("web-01")));
    JsonNode doc = rolloutDoc();
    String canaryDone = wave("canary").get("doneAt").asString();
    // released no earlier than the soak after the canary was done
    String released = events("stage").stream().filter(e -> e.contains("web-01")).findFirst().orElseThrow();
    assertThat(released).contains("may stage " + NEW);
    java.time.Instant at = java.time.Instant.parse(find(doc.get("events"), "stage", "web-01").get("at").asString());
    assertThat(at).isAfterOrEqualTo(java.time.Instant.parse(canaryDone).plusSeconds(3));
    assertThat(events("healthy")).anyMatch(e -> e.contains("web-03"));
    JsonNode timeline = json(h.get("/v1/hosts/web-03", operator)).get("timeline");
    assertThat(timeline.toString()).contains("web stage: may stage " + NEW, "web reboot: may reboot", "web healthy:");
    assertThat(h.get("/metrics", null).body())
        .contains("bootfleet_rollout_hosts{rollout=\"web\",state=\"healthy\",wave=\"canary\"} 1.0");

    // a report that says nothing of health (an agent without checks): booting the new digest passes the gate
    report("web-01", OLD, NEW, null);
    await("web-01 let reboot", () -> target("web-01").get("rollout").get("reboot").asBoolean());
    report("web-01", NEW, null, null);
    await("web-01 healthy", () -> find(rolloutDoc().get("hosts"), "web-01").get("phase").asString().equals("done"));
    // one that says it is still checking is awaited
    report("web-02", OLD, NEW, null);
    await("web-02 let reboot", () -> target("web-02").get("rollout").get("reboot").asBoolean());
    report("web-02", NEW, null, "checking");
    assertThat(find(rolloutDoc().get("hosts"), "web-02").get("phase").asString()).isEqualTo("rebooting");
  }

  static JsonNode find(JsonNode hosts, String name) {
    for (JsonNode x : hosts) {
      if (x.get("name").asString().equals(name)) {
        return x;
      }
    }
    throw new AssertionError("no host " + name + " in " + hosts);
  }

  static JsonNode find(JsonNode events, String type, String host) {
    for (JsonNode e : events) {
      if (e.get("type").asString().equals(type) && host.equals(e.path("host").asString(""))) {
        return e;
      }
    }
    throw new AssertionError("no " + type + " event of " + host + " in " + events);
  }

  @Test
  void failingCanary_haltsAndRejectsTheDigest_noOtherHostServedIt() throws Exception {
    start("0s", false);
    bump();
    await("web-03 served the new digest", () -> NEW.equals(image("web-03")));
    report("web-03", OLD, NEW, null);
    await("web-03 let reboot", () -> target("web-03").get("rollout").get("reboot").asBoolean());
    report("web-03", NEW, null, "failed");

    await("the rollout halted", () -> rolloutDoc().get("phase").asString().equals("halted"));
    JsonNode doc = rolloutDoc();
    assertThat(doc.get("rejected").toString()).contains(NEW);
    assertThat(events("rejected")).hasSize(1);
    assertThat(events("halted")).hasSize(1);
    JsonNode canary = target("web-03").get("rollout");
    assertThat(canary.get("rollbackFrom").asString()).isEqualTo(NEW);
    assertThat(canary.get("reason").asString()).isEqualTo("DigestRejected");
    assertThat(events("rollback")).hasSize(1);
    // its rollback's reboot takes a lease, whatever the halted rollout and its windows say of reboots
    HttpResponse<String> lease = h.send(h.req("/v1/pre-reboot", tokens.get("web-03")).header("fleet-lock-protocol",
        "true").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
            "{\"client_params\": {\"id\": \"web-03\", \"group\": \"default\"}}")));
    assertThat(lease.statusCode()).as(lease.body()).isEqualTo(200);
    for (String host : List.of("web-01", "web-02")) {
      assertThat(image(host)).as(host).isEqualTo(OLD);
      assertThat(target(host).get("rollout").get("reason").asString()).isEqualTo("DigestRejected");
    }
    // the host rolled back: bootc boots the old digest again; it is not told twice
    report("web-03", OLD, null, null);
    report("web-03", OLD, null, null);
    assertThat(target("web-03").get("rollout").get("rollbackFrom").asString()).isEqualTo(NEW);
    assertThat(events("rollback")).hasSize(1);
    assertThat(served.get("web-01")).noneMatch(s -> s.contains(NEW));
    assertThat(served.get("web-02")).noneMatch(s -> s.contains(NEW));

    // an operator clears the digest: the run goes on
    HttpResponse<String> clear = h.send(h.req("/v1/rollouts/web/rejected/" + NEW, operator).DELETE());
    assertThat(clear.statusCode()).as(clear.body()).isEqualTo(200);
    assertThat(json(clear).get("rejected")).isEmpty();
    assertThat(events("cleared")).singleElement().asString().startsWith("operator:");
    assertProblem(h.send(h.req("/v1/rollouts/web/rejected/" + NEW, operator).DELETE()), 404);
    assertProblem(h.send(h.req("/v1/rollouts/web/rejected/sha256:nope", operator).DELETE()), 400);
  }

  @Test
  void pauseResume_byTheApi_recordedWithWho_andApproveGatesAWave_andARestartKeepsTheRun() throws Exception {
    start("0s", true);
    HttpResponse<String> p = h.post("/v1/rollouts/web/pause", operator, "");
    assertThat(p.statusCode()).as(p.body()).isEqualTo(200);
    assertThat(json(p).get("phase").asString()).isEqualTo("paused");
    assertProblem(h.post("/v1/rollouts/web/pause", operator, ""), 409);
    assertProblem(h.post("/v1/rollouts/web/pause", tokens.get("web-01"), ""), 403);
    assertProblem(h.post("/v1/rollouts/web/pause", null, ""), 401);
    assertProblem(h.post("/v1/rollouts/nope/pause", operator, ""), 404);
    assertProblem(h.post("/v1/rollouts/web/approve", operator, "{\"wave\":\"nope\"}"), 404);
    assertProblem(h.post("/v1/rollouts/web/approve", operator, "{\"wafe\":\"main\"}"), 400);
    bump(); // a new run, still paused: an operator's pause holds whatever Git names next
    assertThat(image("web-03")).isEqualTo(OLD);
    assertThat(target("web-03").get("rollout").get("reason").asString()).isEqualTo("WaitingForWave");
    assertThat(events("paused")).singleElement().asString().startsWith("operator:");

    // a restart keeps the run: still paused, the same target
    server.close();
    launch();
    ServerHarness.await("served again", MAX, h::ready);
    assertThat(rolloutDoc().get("phase").asString()).isEqualTo("paused");
    assertThat(rolloutDoc().get("target").asString()).isEqualTo(NEW);

    assertThat(h.post("/v1/rollouts/web/resume", operator, "").statusCode()).isEqualTo(200);
    assertThat(events("resumed")).singleElement().asString().startsWith("operator:");
    canaryHealthy();
    await("main awaits approval", () -> wave("main").get("state").asString().equals("awaiting-approval"));
    assertThat(image("web-01")).isEqualTo(OLD);

    server.close(); // and a restart keeps the canary's wave done
    launch();
    ServerHarness.await("served again", MAX, h::ready);
    await("main still awaits approval", () -> wave("main").get("state").asString().equals("awaiting-approval"));
    assertThat(wave("canary").get("state").asString()).isEqualTo("done");
    assertThat(events("started")).hasSize(2); // the first digest's run and the new one: none after the restart

    HttpResponse<String> a = h.post("/v1/rollouts/web/approve", operator, "{\"wave\":\"main\"}");
    assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
    assertThat(events("approved")).singleElement().asString().contains("approved wave main");
    await("web-01 served the new digest once approved", () -> NEW.equals(image("web-01")));
    JsonNode list = json(h.get("/v1/rollouts", operator));
    assertThat(list.get("rollouts").get(0).get("name").asString()).isEqualTo("web");
  }

  /** What each host that keeps reporting shows ({@link #heartbeat}): booted, staged, health. */
  final Map<String, String[]> alive = new java.util.LinkedHashMap<>();

  /** The hosts in {@link #alive} report what they show, as an agent does at each of its cycles. */
  void heartbeat() throws Exception {
    for (Map.Entry<String, String[]> e : alive.entrySet()) {
      report(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2]);
    }
  }

  String phase(String host) throws Exception {
    heartbeat();
    return find(rolloutDoc().get("hosts"), host).get("phase").asString();
  }

  @Test
  void offlineHost_isUnknown_countsAgainstTheBudget_thenSkipped_andConvergesWhenBack() throws Exception {
    // ADR 0021: unknown after offline.after, counted as down for offline.countFor, then skipped; back, it converges
    start(rollout("0s", false, "  offline: {after: 3s, countFor: 4s}\n"));
    bump();
    alive.put("web-01", new String[] {OLD, null, null});
    alive.put("web-02", new String[] {OLD, null, null});
    alive.put("web-03", new String[] {OLD, null, null});
    await("web-03 served the new digest", () -> {
      heartbeat();
      return NEW.equals(image("web-03"));
    });
    alive.put("web-03", new String[] {OLD, NEW, null});
    await("web-03 let reboot", () -> {
      heartbeat();
      return target("web-03").get("rollout").get("reboot").asBoolean();
    });
    alive.put("web-03", new String[] {NEW, null, "healthy"});
    await("the canary wave done", () -> {
      heartbeat();
      return wave("canary").get("state").asString().equals("done");
    });
    await("web-01 and web-02 served the new digest", () -> {
      heartbeat();
      return NEW.equals(image("web-01")) && NEW.equals(image("web-02"));
    });

    // web-02 falls silent before it stages; web-01 waits, unstaged, until web-02 is unknown
    alive.remove("web-02");
    await("web-02 unknown", () -> phase("web-02").equals("unknown"));
    alive.put("web-01", new String[] {OLD, NEW, null});
    heartbeat();
    await("web-01 staged", () -> phase("web-01").equals("staged"));
    JsonNode main = wave("main");
    assertThat(main.get("down").asInt()).as("web-02 counts as down: %s", main).isEqualTo(1);
    assertThat(target("web-01").get("rollout").get("reboot").asBoolean())
        .as("web-01 may not reboot while unknown web-02 holds the wave's one slot").isFalse();
    assertThat(events("unknown")).anyMatch(e -> e.contains("web-02"));

    // then web-02 is skipped: no longer down, its wave goes on without it
    await("web-02 skipped", () -> phase("web-02").equals("skipped"));
    assertThat(events("skipped")).anyMatch(e -> e.contains("web-02"));
    await("web-01 let reboot", () -> {
      heartbeat();
      return target("web-01").get("rollout").get("reboot").asBoolean();
    });
    alive.put("web-01", new String[] {NEW, null, "healthy"});
    await("the main wave done without web-02", () -> {
      heartbeat();
      return wave("main").get("state").asString().equals("done") && phase("web-01").equals("done");
    });
    assertThat(wave("main").get("skipped").asInt()).isEqualTo(1);
    assertThat(rolloutDoc().get("phase").asString()).as("every host done or skipped").isEqualTo("complete");

    // back: the rollout still targets web-02, so it converges in its (done) wave
    alive.put("web-02", new String[] {OLD, null, null});
    await("web-02 back and served the new digest", () -> phase("web-02").equals("pending") && NEW.equals(image("web-02"))
        || phase("web-02").equals("staged"));
    assertThat(rolloutDoc().get("phase").asString()).as("not complete until web-02 converged").isEqualTo("progressing");
    alive.put("web-02", new String[] {OLD, NEW, null});
    await("web-02 let reboot", () -> {
      heartbeat();
      return target("web-02").get("rollout").get("reboot").asBoolean();
    });
    alive.put("web-02", new String[] {NEW, null, "healthy"});
    await("web-02 done, the rollout complete", () -> phase("web-02").equals("done")
        && rolloutDoc().get("phase").asString().equals("complete"));
    assertThat(served.get("web-02")).last().asString().contains(NEW);
  }

  static void assertProblem(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    assertThat(json(r).get("detail").asString()).doesNotContain("\n");
  }
}
