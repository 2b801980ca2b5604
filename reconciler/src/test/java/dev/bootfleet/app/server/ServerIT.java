package dev.bootfleet.app.server;

import static dev.bootfleet.app.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.manifest.FleetLoader;
import dev.bootfleet.core.observed.StatusDocuments;
import dev.bootfleet.core.plan.Observation;
import dev.bootfleet.core.plan.Planner;
import dev.bootfleet.core.render.JsonRenderer;
import dev.bootfleet.core.render.Report;
import dev.bootfleet.adapters.git.WorkTreeFiles;
import dev.bootfleet.testing.Example;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.databind.JsonNode;

/**
 * The server in this process on a free loopback port, over a real Git repository on disk, spoken to with
 * the JDK's HTTP client: credentials, targets and their long poll, reports, webhooks, a stalled revision,
 * bad input, metrics and the OpenAPI file.
 */
class ServerIT {
  @TempDir
  Path tmp;

  ServerHarness h;
  ReconcilerServer server;
  String operator;

  /** How long a host may be silent before it is shown unknown; a test may shorten it before start. */
  Duration stale = Duration.ofSeconds(900);

  void start(Duration longPoll) throws Exception {
    h = new ServerHarness(tmp);
    launch(h.url(), longPoll);
    ServerHarness.await("the first revision served", Duration.ofSeconds(60), h::ready);
    operator = Files.readString(tmp.resolve("data/operator.token")).strip();
  }

  /** Starts a server on the data folder (a second call: a restart on the same data). */
  void launch(String repo, Duration longPoll) throws Exception {
    server = new ReconcilerServer(new ReconcilerServer.Config(repo, "main", "", "127.0.0.1", 0, tmp.resolve("data"),
        Duration.ofHours(1), Duration.ZERO, longPoll, stale,
        ServerHarness.SECRET.getBytes(StandardCharsets.UTF_8), null), line -> System.err.println("[server] " + line));
    int port = server.start();
    h.base = "http://127.0.0.1:" + port;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  String served() throws Exception {
    return json(h.get("/v1/revisions", operator)).get("served").asString();
  }

  @Test
  void hostCredential_reachesOnlyItsOwnTarget() throws Exception {
    start(Duration.ofSeconds(60));
    String web01 = h.hostToken(operator, "web-01");

    HttpResponse<String> own = h.get("/v1/hosts/web-01/target", web01);
    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(own.headers().firstValue("ETag")).isPresent();
    JsonNode t = json(own);
    assertThat(t.get("kind").asString()).isEqualTo("HostTarget");
    assertThat(t.get("revision").asString()).isEqualTo(served());
    assertThat(t.get("host").get("name").asString()).isEqualTo("web-01");

    assertProblem(h.get("/v1/hosts/web-02/target", web01), 403);
    assertProblem(h.get("/v1/hosts/web-01/target", null), 401);
    assertProblem(h.get("/v1/hosts/web-01/target", "bfh_" + "A".repeat(43)), 401);
    assertProblem(h.get("/v1/hosts", web01), 403);
    assertProblem(h.post("/v1/hosts/web-01/status", web01.replace('a', 'b').replace('A', 'B') + "x", "{}"), 401);

    assertThat(h.send(h.req("/v1/hosts/web-01/credential", operator).DELETE()).statusCode()).isEqualTo(204);
    assertProblem(h.get("/v1/hosts/web-01/target", web01), 401);
  }

  @Test
  void hostsGauge_countsWhatHostsShows_aSilentHostUnknown() throws Exception {
    stale = Duration.ofMillis(1); // every report is old by the time anyone looks
    start(Duration.ofSeconds(60));
    String web01 = h.hostToken(operator, "web-01");
    assertThat(h.post("/v1/hosts/web-01/status", web01, ServerHarness.report("web-01")).statusCode()).isEqualTo(204);
    // Bounded wait, not a sleep: the clock ticks in milliseconds, so the report may still be fresh at first.
    ServerHarness.await("web-01's report older than the stale time", Duration.ofSeconds(10), () -> call(() ->
        find(json(h.get("/v1/hosts", operator)).get("hosts"), "web-01").get("status").asString().equals("unknown")));
    JsonNode hosts = json(h.get("/v1/hosts", operator)).get("hosts");
    assertThat(find(hosts, "web-01").get("lastReport").isNull()).isFalse();

    java.util.Map<String, Integer> shown = new java.util.TreeMap<>();
    hosts.forEach(x -> shown.merge(x.get("status").asString(), 1, Integer::sum));
    String metrics = h.get("/metrics", null).body();
    assertThat(shown).containsOnlyKeys("unknown"); // web-01 reported, but too long ago: never in sync
    // nor in /v1/hosts/web-01's plan, /v1/plan or /v1/drift
    assertThat(json(h.get("/v1/hosts/web-01", operator)).get("plan").get("status").asString()).isEqualTo("unknown");
    for (String route : List.of("/v1/plan", "/v1/drift")) {
      JsonNode report = json(h.get(route, operator));
      assertThat(report.toString()).as(route).doesNotContain("\"in-sync\"");
      report.get("hosts").forEach(x -> assertThat(x.get("status").asString()).as(route).isEqualTo("unknown"));
    }
    for (String status : List.of("in-sync", "drifted", "held", "unknown")) {
      assertThat(metrics).as(status).contains("bootfleet_hosts{status=\"" + status + "\"} "
          + shown.getOrDefault(status, 0) + ".0");
    }
  }

  @Test
  void enrollment_isBurnt_byItsExchange() throws Exception {
    start(Duration.ofSeconds(60));
    var e = h.post("/v1/enrollments", operator, "{\"host\":\"web-02\",\"ttlSeconds\":600}");
    assertThat(e.statusCode()).isEqualTo(201);
    String enrollment = json(e).get("token").asString();
    assertProblem(h.post("/v1/hosts/web-03/credential", enrollment, ""), 401); // for another host: not burnt
    assertThat(h.post("/v1/hosts/web-02/credential", enrollment, "").statusCode()).isEqualTo(201);
    assertProblem(h.post("/v1/hosts/web-02/credential", enrollment, ""), 401);
    assertProblem(h.get("/v1/hosts/web-02/target", enrollment), 401); // an enrollment reaches nothing else
    assertProblem(h.post("/v1/enrollments", operator, "{\"host\":\"Web_02\",\"ttlSeconds\":0}"), 400);
  }

  @Test
  void report_isShownInHostsAndDrift_asTheCliWouldPlanIt() throws Exception {
    start(Duration.ofSeconds(60));
    String web01 = h.hostToken(operator, "web-01");
    String db01 = h.hostToken(operator, "db-01");
    // web-01 from the example's documents; db-01 from a bootc fixture (YAML, sent as JSON)
    String fixture = Files.readString(Example.projectRoot()
        .resolve("reconciler/src/test/resources/fixtures/bootc/spec-booted-pinned.yaml"));
    String fixtureJson = ServerHarness.JSON.writeValueAsString(new Load(LoadSettings.builder().build()).loadFromString(fixture));
    assertThat(h.post("/v1/hosts/web-01/status", web01, ServerHarness.report("web-01")).statusCode()).isEqualTo(204);
    var r = h.post("/v1/hosts/db-01/status", db01, "{\"status\": " + fixtureJson + ", \"agent\": {\"kind\": \"AgentReport\","
        + " \"host\": \"db-01\", \"lastAttemptedRevision\": \"main@sha1:x\", \"lastAppliedRevision\": \"main@sha1:y\"}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(204);

    JsonNode hosts = json(h.get("/v1/hosts", operator)).get("hosts");
    JsonNode w = find(hosts, "web-01");
    assertThat(w.get("lastReport").isNull()).isFalse();
    assertThat(w.get("status").asString()).isNotEqualTo("unknown");
    JsonNode d = find(hosts, "db-01");
    assertThat(d.get("bootedImage").asString()).contains("centos-bootc");
    assertThat(d.get("lastAppliedRevision").asString()).isEqualTo("main@sha1:y");
    assertThat(find(hosts, "web-02").get("reason").asString()).isEqualTo("NoObservedState");

    // /v1/drift is what 'bootfleet drift --format json' prints for the same revision and documents
    Fleet fleet = FleetLoader.load(new WorkTreeFiles(h.work), FleetLoader.Options.DEFAULT);
    Path obs = Example.fleetRepo().resolve("observed");
    Map<String, Observation> seen = Map.of(
        "web-01", new Observation(StatusDocuments.parse(Files.readAllBytes(obs.resolve("web-01.json")), "x"),
            dev.bootfleet.core.observed.EtcReportParser.parse(Files.readAllBytes(obs.resolve("web-01.etc.json")), "x")),
        "db-01", new Observation(StatusDocuments.parse(fixtureJson.getBytes(StandardCharsets.UTF_8), "x"), null));
    StringBuilder expected = new StringBuilder();
    new JsonRenderer().render(Report.drift(new Planner(Clock.systemUTC(), fleet.images()).plan(served(), fleet.hosts(), seen)),
        expected);
    String drift = h.get("/v1/drift", operator).body();
    assertThat(withoutTime(drift)).isEqualTo(withoutTime(expected.toString()));

    JsonNode one = json(h.get("/v1/hosts/web-01", operator));
    assertThat(one.get("desired").get("name").asString()).isEqualTo("web-01");
    assertThat(one.get("observed").get("status").isObject()).isTrue();
    assertThat(one.get("plan").get("name").asString()).isEqualTo("web-01");
    assertThat(one.get("timeline").size()).isPositive();
  }

  @Test
  void signedWebhook_wakesALongPoll_withTheNewTarget() throws Exception {
    start(Duration.ofSeconds(60));
    String web01 = h.hostToken(operator, "web-01");
    HttpResponse<String> first = h.get("/v1/hosts/web-01/target", web01);
    String etag = first.headers().firstValue("ETag").orElseThrow();
    CompletableFuture<HttpResponse<String>> waiting = h.http.sendAsync(h.req("/v1/hosts/web-01/target", web01)
        .header("If-None-Match", etag).timeout(Duration.ofSeconds(90)).GET().build(), HttpResponse.BodyHandlers.ofString());

    h.commit("hosts/web-01.yaml", Files.readString(h.work.resolve("hosts/web-01.yaml")).replace("site: fra1", "site: fra2"));
    byte[] push = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(h.webhook(push, ServerHarness.sign(push)).statusCode()).isEqualTo(202);

    HttpResponse<String> woke = waiting.get(60, TimeUnit.SECONDS);
    assertThat(woke.statusCode()).isEqualTo(200);
    assertThat(woke.headers().firstValue("ETag").orElseThrow()).isNotEqualTo(etag);
    assertThat(json(woke).get("host").get("labels").get("site").asString()).isEqualTo("fra2");
    assertThat(json(woke).get("revision").asString()).isNotEqualTo(json(first).get("revision").asString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"GitHub, X-Hub-Signature-256", "Gitea, X-Gitea-Signature", "GitLab, X-Gitlab-Token"})
  void webhook_fromEachForge_servesTheNewCommit(String forge, String header) throws Exception {
    start(Duration.ofSeconds(60));
    String before = served();
    h.commit("hosts/web-01.yaml", Files.readString(h.work.resolve("hosts/web-01.yaml")).replace("fra1", "fra4"));
    byte[] push = ("{\"forge\":\"" + forge + "\"}").getBytes(StandardCharsets.UTF_8);
    String value = switch (forge) {
      case "GitHub" -> ServerHarness.sign(push);
      case "Gitea" -> ServerHarness.sign(push).substring("sha256=".length());
      default -> ServerHarness.SECRET;
    };
    assertThat(h.webhook(push, header, value).statusCode()).isEqualTo(202);
    ServerHarness.await("the new commit served", Duration.ofSeconds(60), () -> call(() -> !served().equals(before)));
  }

  @Test
  void longPoll_answers304_whenNothingChanges() throws Exception {
    start(Duration.ofSeconds(1));
    String web01 = h.hostToken(operator, "web-01");
    String etag = h.get("/v1/hosts/web-01/target", web01).headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> r = h.send(h.req("/v1/hosts/web-01/target", web01).header("If-None-Match", etag).GET());
    assertThat(r.statusCode()).isEqualTo(304);
    assertThat(r.headers().firstValue("ETag")).contains(etag);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(nullValues = "null", value = {"a wrong signature, sha256=00", "no signature, null",
      "the GitHub example's signature, sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"})
  void badWebhook_is401_andNothingIsFetched(String what, String signature) throws Exception {
    start(Duration.ofSeconds(60));
    String before = served();
    h.commit("hosts/web-01.yaml", Files.readString(h.work.resolve("hosts/web-01.yaml")).replace("fra1", "fra3"));
    assertProblem(h.webhook("Hello, World!".getBytes(StandardCharsets.UTF_8), signature), 401);
    assertThat(served()).isEqualTo(before);
    assertThat(fetchedHead()).isEqualTo(before.substring(before.indexOf("sha1:") + 5));
  }

  @Test
  void oversizedWebhook_is413() throws Exception {
    start(Duration.ofSeconds(60));
    byte[] big = new byte[2 * 1024 * 1024];
    assertProblem(h.webhook(big, ServerHarness.sign(big)), 413);
  }

  @Test
  void invalidCommit_isStalled_andTheLastGoodRevisionStaysServed() throws Exception {
    start(Duration.ofSeconds(60));
    String before = served();
    h.commit("hosts/web-01.yaml", Files.readString(h.work.resolve("hosts/web-01.yaml")).replace("spec: {}",
        "spec:\n  driver: windows\n"));
    byte[] push = "{}".getBytes(StandardCharsets.UTF_8);
    assertThat(h.webhook(push, ServerHarness.sign(push)).statusCode()).isEqualTo(202);
    ServerHarness.await("the revision stalled", Duration.ofSeconds(60),
        () -> call(() -> json(h.get("/v1/revisions", operator)).get("stalled").asBoolean()));

    JsonNode revs = json(h.get("/v1/revisions", operator));
    assertThat(revs.get("served").asString()).isEqualTo(before);
    assertThat(revs.get("stalledRevision").get("errors").toString()).contains("hosts/web-01.yaml", "windows");
    assertThat(h.get("/metrics", null).body()).contains("bootfleet_revision_stalled 1.0");
    assertThat(h.get("/readyz", null).statusCode()).isEqualTo(200); // the last good revision is served
  }

  @Test
  void restart_keepsServingTheLastGoodRevision_whenTheNewestCommitHasErrors() throws Exception {
    start(Duration.ofSeconds(60));
    String before = served();
    h.commit("hosts/web-01.yaml", Files.readString(h.work.resolve("hosts/web-01.yaml")).replace("spec: {}",
        "spec:\n  driver: windows\n"));
    byte[] push = "{}".getBytes(StandardCharsets.UTF_8);
    h.webhook(push, ServerHarness.sign(push));
    ServerHarness.await("the revision stalled", Duration.ofSeconds(60),
        () -> call(() -> json(h.get("/v1/revisions", operator)).get("stalled").asBoolean()));
    server.close();

    launch(h.url(), Duration.ofSeconds(60));
    ServerHarness.await("a revision served after the restart", Duration.ofSeconds(60), h::ready);
    JsonNode revs = json(h.get("/v1/revisions", operator));
    assertThat(revs.get("served").asString()).isEqualTo(before);
    assertThat(revs.get("stalled").asBoolean()).isTrue();
  }

  @Test
  void readyz_is503_untilARevisionIsServed() throws Exception {
    h = new ServerHarness(tmp);
    launch(tmp.resolve("no-such-repo").toUri().toString(), Duration.ofSeconds(60));
    ServerHarness.await("a failed fetch counted", Duration.ofSeconds(60),
        () -> call(() -> h.get("/metrics", null).body().contains("bootfleet_git_fetch_errors_total 1.0")));
    assertThat(h.get("/healthz", null).statusCode()).isEqualTo(200);
    assertThat(h.get("/readyz", null).statusCode()).isEqualTo(503);
    operator = Files.readString(tmp.resolve("data/operator.token")).strip();
    assertProblem(h.get("/v1/plan", operator), 503);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      not JSON               | web-01     | {"status":              | 400
      a JSON array           | web-01     | []                      | 400
      status of wrong type   | web-01     | {"status": 3}           | 400
      status not bootc's     | web-01     | {"status": {"a": 1}}    | 400
      an unknown field       | web-01     | {"status": {}, "x": {}} | 400
      upper-case host        | Web-01     | {}                      | 400
      dot-dot host           | ..         | {}                      | 400
      encoded dot-dot host   | %2e%2e     | {}                      | 400
      underscore host        | web_01     | {}                      | 400
      """)
  void badReport_is4xx_inOneLineOfJson_andNothingIsStored(String what, String host, String body, int status)
      throws Exception {
    start(Duration.ofSeconds(60));
    String web01 = h.hostToken(operator, "web-01");
    HttpResponse<String> r = h.post("/v1/hosts/" + host + "/status", web01, body);
    assertProblem(r, status);
    assertThat(find(json(h.get("/v1/hosts", operator)).get("hosts"), "web-01").get("lastReport").isNull()).isTrue();
  }

  @Test
  void oversizedReport_is413_andNothingIsStored() throws Exception {
    start(Duration.ofSeconds(60));
    String web01 = h.hostToken(operator, "web-01");
    String big = "{\"status\": {\"pad\": \"" + "x".repeat(5 * 1024 * 1024) + "\"}}";
    // without Expect: 100-continue the 413 can be lost: the server closes while the 5 MiB are still being written
    assertProblem(h.postExpectingContinue("/v1/hosts/web-01/status", web01, big), 413);
    assertThat(find(json(h.get("/v1/hosts", operator)).get("hosts"), "web-01").get("lastReport").isNull()).isTrue();
  }

  @Test
  void healthAndMetrics_needNoCredential_andNameNoHostOrRevision() throws Exception {
    start(Duration.ofSeconds(60));
    String web01 = h.hostToken(operator, "web-01");
    h.post("/v1/hosts/web-01/status", web01, ServerHarness.report("web-01"));
    assertThat(h.get("/healthz", null).statusCode()).isEqualTo(200);
    assertThat(h.get("/readyz", null).statusCode()).isEqualTo(200);
    String metrics = h.get("/metrics", null).body();
    assertThat(metrics).contains("bootfleet_hosts{status=\"unknown\"}", "bootfleet_reconcile_duration_seconds",
        "bootfleet_git_fetch_errors_total", "bootfleet_revision_stalled 0.0", "bootfleet_status_reports_total 1.0",
        "jvm_memory_used_bytes");
    String rev = served();
    assertThat(metrics).doesNotContain("web-01", rev.substring(rev.indexOf("sha1:") + 5), operator, web01);
    assertProblem(h.get("/v1/nothing-here", operator), 404);
  }

  @Test
  void openApi_listsEveryRoute_andNoOther() throws Exception {
    start(Duration.ofSeconds(60));
    String text = Files.readString(Example.projectRoot().resolve("schema/openapi.yaml"));
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text);
    assertThat(doc.get("openapi").toString()).startsWith("3.1");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
    TreeSet<String> documented = new TreeSet<>();
    paths.forEach((p, ops) -> ops.keySet().stream().filter(k -> List.of("get", "post", "delete", "put", "patch").contains(k))
        .forEach(m -> documented.add(m.toUpperCase(java.util.Locale.ROOT) + " " + p)));
    TreeSet<String> served = new TreeSet<>();
    server.routes().forEach(r -> served.add(r.method() + " " + r.path()));
    assertThat(documented).isEqualTo(served);
  }

  // --- helpers

  private String fetchedHead() throws Exception {
    try (var repo = new FileRepositoryBuilder().setGitDir(tmp.resolve("data/repo.git").toFile()).build()) {
      ObjectId id = repo.resolve("refs/remotes/origin/main");
      return id.name();
    }
  }

  static void assertProblem(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    assertThat(r.body().strip()).doesNotContain("\n", "Exception", "\tat ");
    JsonNode p = json(r);
    assertThat(p.get("status").asInt()).isEqualTo(status);
    assertThat(p.get("title").asString()).isNotEmpty();
    assertThat(p.get("detail").asString()).isNotEmpty();
  }

  static JsonNode find(JsonNode hosts, String name) {
    for (JsonNode n : hosts) {
      if (n.get("name").asString().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no host " + name + " in " + hosts);
  }

  static String withoutTime(String json) {
    return json.replaceAll("\"generatedAt\" : \"[^\"]*\"", "\"generatedAt\" : \"-\"");
  }

  interface Check {
    boolean get() throws Exception;
  }

  static boolean call(Check c) {
    try {
      return c.get();
    } catch (Exception e) {
      return false;
    }
  }
}
