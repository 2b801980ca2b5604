package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.app.server.ReconcilerServer;
import dev.bootfleet.core.server.WebhookSignature;
import dev.bootfleet.testing.Example;
import dev.bootfleet.testing.WebOsImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent in server mode end to end: the real server in this process on a loopback port over the
 * world's Git repository, a real registry, the bootc simulator. The host enrolls, takes its target from
 * the server, a commit and its webhook reach it, its reports reach the server; with the server gone it
 * keeps its target and changes nothing; a refused credential is one line.
 */
class AgentServerIT {
  static final String SECRET = "webhook-secret-for-tests";
  static final Path BIN = Example.projectRoot().resolve("bin/bootfleet");
  @RegisterExtension
  static final WebOsImages IMAGES = new WebOsImages();

  @TempDir
  Path tmp;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  ReconcilerServer server;
  String base;
  String operator;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void enrolledAgent_followsTheServer_reportsToIt_andKeepsItsTargetWhileItIsGone() throws Exception {
    try (AgentWorld w = new AgentWorld(tmp.resolve("host"))) {
      assertThat(w.sim.run("init", IMAGES.v1().byDigest()).exit()).isZero();
      w.commit(IMAGES.v1().pinned(), "hello v1");
      serve(w.repo);

      // bootfleet host enroll's token, exchanged by bootfleet agent enroll for the host's own credential
      String enrollment = json(post("/v1/enrollments", operator, "{\"host\":\"web-01\",\"ttlSeconds\":600}"))
          .get("token").asString();
      Path enrollFile = Files.writeString(tmp.resolve("enroll.token"), enrollment + "\n");
      Path tokenFile = tmp.resolve("etc-bootfleet/host.token");
      w.startServer(AgentWorld.MONDAY_WINDOW, "url: " + base + "\ntokenFile: " + tokenFile + "\n");
      Path config = w.base.resolve("agent.yaml");
      // not enrolled yet: the agent will not start, and says why in one line
      Process early = new ProcessBuilder(BIN.toString(), "agent", "--once", "--config", config.toString()).start();
      String earlyErr = new String(early.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(early.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(early.exitValue()).isEqualTo(1);
      assertThat(earlyErr.lines().toList()).containsExactly(config + ":4:14: error: server.tokenFile: \"" + tokenFile
          + "\" does not exist (expected the host's credential; write it with bootfleet agent enroll --config FILE"
          + " --token-file ENROLLMENT_TOKEN_FILE)");

      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int enrolled = new CommandLine(new AgentCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
          .execute("enroll", "--config", w.base.resolve("agent.yaml").toString(), "--token-file", enrollFile.toString());
      assertThat(enrolled).as(err.toString()).isZero();
      assertThat(out.toString()).contains("enrolled web-01").contains(tokenFile.toString());
      String credential = Files.readString(tokenFile).strip();
      assertThat(out.toString() + err).doesNotContain(enrollment).doesNotContain(credential);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
      assertThat(get("/v1/hosts/web-01/target", credential).statusCode()).isEqualTo(200);
      // the enrollment token is spent
      assertThat(new CommandLine(new AgentCommand()).setErr(new PrintWriter(new StringWriter()))
          .execute("enroll", "--config", w.base.resolve("agent.yaml").toString(), "--token-file",
              enrollFile.toString())).isEqualTo(1);

      CycleReport first = w.cycle();
      assertThat(first.problems()).isEmpty();
      assertThat(first.status()).isEqualTo("in-sync");
      assertThat(w.file("/etc/motd")).isEqualTo("hello v1\n");

      // a commit and its webhook: the server serves it, the agent's next cycle stages the new digest
      w.commit(IMAGES.v2().pinned(), "hello v2");
      String head = w.git.getRepository().resolve("refs/heads/main").name();
      byte[] hook = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> accepted = send(HttpRequest.newBuilder(URI.create(base + "/hooks/git"))
          .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(WebhookSignature.hmac(
              SECRET.getBytes(StandardCharsets.UTF_8), hook)))
          .POST(HttpRequest.BodyPublishers.ofByteArray(hook)));
      assertThat(accepted.statusCode()).isEqualTo(202);
      await("the server serves " + head, Duration.ofSeconds(60),
          () -> json(get("/v1/revisions", operator)).path("served").asString("").contains(head));

      CycleReport staged = w.cycle();
      assertThat(staged.problems()).isEmpty();
      assertThat(staged.status()).isEqualTo("drifted");
      assertThat(staged.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
          .contains(org.assertj.core.groups.Tuple.tuple("stage", "done"));
      assertThat(w.host().staged().image().imageDigest()).isEqualTo(IMAGES.v2().digest());
      assertThat(w.file("/etc/motd")).isEqualTo("hello v2\n");
      assertThat(Files.readString(w.reports.resolve("web-01.agent.json"))).contains(head); // still written

      // the server shows what the agent reported
      JsonNode host = hostSummary("web-01");
      assertThat(host.path("lastReport").isNull()).isFalse();
      assertThat(host.path("lastAttemptedRevision").asString()).contains(head);
      assertThat(host.path("conditions").size()).isEqualTo(3);
      JsonNode detail = json(get("/v1/hosts/web-01", operator));
      assertThat(detail.path("observed").path("agent").path("status").asString()).isEqualTo("drifted");
      assertThat(detail.path("observed").path("status").path("status").path("staged").path("image")
          .path("imageDigest").asString()).isEqualTo(IMAGES.v2().digest());

      // a wrong credential: one line naming the file, nothing changed
      Files.writeString(tokenFile, "bfh_" + "0".repeat(43) + "\n");
      CycleReport refused = w.cycle();
      assertThat(refused.status()).isEqualTo("unknown");
      assertThat(refused.problems()).anySatisfy(p -> assertThat(p)
          .startsWith("server " + base + " refused the credential in " + tokenFile + ": 401 ")
          .endsWith("(enroll the host again: bootfleet agent enroll)")
          .doesNotContain("\n"));
      assertThat(refused.problems()).allSatisfy(p -> assertThat(p).doesNotContain(credential));
      Process launched = new ProcessBuilder(BIN.toString(), "agent", "--once", "--config", config.toString())
          .redirectErrorStream(true).start();
      String said = new String(launched.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(launched.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(launched.exitValue()).isEqualTo(1);
      assertThat(said).contains("refused the credential in " + tokenFile).doesNotContain("Exception")
          .doesNotContain(credential);
      Files.writeString(tokenFile, credential + "\n");

      // the server gone: the agent keeps the target of the last revision, changes nothing new
      long switches = w.commands("switch");
      String motd = w.file("/etc/motd");
      server.close();
      server = null;
      CycleReport alone = w.cycle();
      assertThat(alone.status()).isEqualTo("drifted"); // v2 staged, waiting for the window, as before
      assertThat(alone.notes()).anySatisfy(n -> assertThat(n).contains("server " + base + " is unreachable")
          .contains("keeping the target of revision").contains(head));
      assertThat(alone.problems()).anySatisfy(p -> assertThat(p).startsWith("the report was not sent after 3 tries"));
      assertThat(w.commands("switch")).isEqualTo(switches);
      assertThat(w.file("/etc/motd")).isEqualTo(motd);
      assertThat(w.host().staged().image().imageDigest()).isEqualTo(IMAGES.v2().digest());
      assertThat(w.reboots()).isZero();
      JsonNode written = JsonMapper.shared().readTree(w.reports.resolve("web-01.agent.json").toFile());
      assertThat(written.path("problems").toString()).contains("the report was not sent");
    }
  }

  /** The host's own credential from the server: an enrollment, exchanged. */
  String hostToken(String host) throws Exception {
    String enrollment = json(post("/v1/enrollments", operator, "{\"host\":\"" + host + "\",\"ttlSeconds\":600}"))
        .get("token").asString();
    return json(send(HttpRequest.newBuilder(URI.create(base + "/v1/hosts/" + host + "/credential"))
        .header("Authorization", "Bearer " + enrollment).POST(HttpRequest.BodyPublishers.noBody()))).get("token")
        .asString();
  }

  /** A FleetLock request to the server as {@code host}, with its token as a bearer. */
  int lock(String path, String host, String token, String group) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
        .header("fleet-lock-protocol", "true").POST(HttpRequest.BodyPublishers.ofString(
            "{\"client_params\": {\"id\": \"" + host + "\", \"group\": \"" + group + "\"}}"))).statusCode();
  }

  /** {@code bootfleet_reboot_leases{group}} as the server's /metrics shows it, or -1 when absent. */
  int leasesHeld(String group) throws Exception {
    String prefix = "bootfleet_reboot_leases{group=\"" + group + "\"} ";
    return get("/metrics", null).body().lines().filter(l -> l.startsWith(prefix))
        .mapToInt(l -> (int) Double.parseDouble(l.substring(prefix.length()))).findFirst().orElse(-1);
  }

  /** Commits {@code image} and waits until the server serves it (a signed webhook asks it to fetch). */
  void commitAndServe(AgentWorld w, String image, String motd) throws Exception {
    w.commit(image, motd);
    String head = w.git.getRepository().resolve("refs/heads/main").name();
    byte[] hook = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(send(HttpRequest.newBuilder(URI.create(base + "/hooks/git"))
        .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(WebhookSignature.hmac(
            SECRET.getBytes(StandardCharsets.UTF_8), hook)))
        .POST(HttpRequest.BodyPublishers.ofByteArray(hook))).statusCode()).isEqualTo(202);
    await("the server serves " + head, Duration.ofSeconds(60),
        () -> json(get("/v1/revisions", operator)).path("served").asString("").contains(head));
  }

  @Test
  void agentInServerMode_rebootsUnderTheServersOwnLease_byDefault() throws Exception {
    try (AgentWorld w = new AgentWorld(tmp.resolve("host"))) {
      assertThat(w.sim.run("init", IMAGES.v1().byDigest()).exit()).isZero();
      w.commit(IMAGES.v1().pinned(), "hello v1");
      serve(w.repo);
      Path tokenFile = Files.writeString(tmp.resolve("host.token"), hostToken("web-01") + "\n");
      String web02 = hostToken("web-02");
      // no reboot.fleetLock: in server mode the slot comes from the server's leases
      w.startServer(AgentWorld.MONDAY_WINDOW, "url: " + base + "\ntokenFile: " + tokenFile + "\n");
      assertThat(w.cycle().status()).isEqualTo("in-sync");

      commitAndServe(w, IMAGES.v2().pinned(), "hello v2");
      CycleReport staged = w.cycle();
      assertThat(staged.reboot()).startsWith("waiting: outside the maintenance windows");
      assertThat(w.host().staged().downloadOnly()).as("locked while it waits for a slot").isTrue();

      w.clock.set(Instant.parse("2026-11-30T02:10:00Z")); // Monday, inside the window
      assertThat(lock("/v1/pre-reboot", "web-02", web02, "default")).isEqualTo(200); // the group's only slot
      CycleReport denied = w.cycle();
      assertThat(denied.reboot()).startsWith("waiting: the reboot leases of server " + base + " (group default) gave"
          + " no reboot slot: 409 failed_lock_semaphore_full: ");
      assertThat(w.reboots()).isZero();
      assertThat(lock("/v1/steady-state", "web-02", web02, "default")).isEqualTo(200);

      CycleReport reboot = w.cycle();
      assertThat(reboot.reboot()).isEqualTo("requested");
      assertThat(w.reboots()).isEqualTo(1);
      assertThat(w.booted()).isEqualTo(IMAGES.v2().byDigest());
      assertThat(leasesHeld("default")).isEqualTo(1);
      assertThat(lock("/v1/pre-reboot", "web-02", web02, "default")).as("web-01 holds the slot").isEqualTo(409);

      CycleReport after = w.cycle();
      assertThat(after.bootOutcome()).isEqualTo("converged");
      assertThat(after.status()).isEqualTo("in-sync");
      assertThat(leasesHeld("default")).as("given back at steady state").isZero();
    }
  }

  @Test
  void agentWithFleetLockUrl_usesTheServerAsItsLockServer_asZincatiWould() throws Exception {
    try (AgentWorld w = new AgentWorld(tmp.resolve("host"))) {
      assertThat(w.sim.run("init", IMAGES.v1().byDigest()).exit()).isZero();
      w.commit(IMAGES.v1().pinned(), "hello v1");
      serve(w.repo);
      String web01 = hostToken("web-01");
      String web02 = hostToken("web-02");
      // standalone GitOps, the server only as the FleetLock server; the credential in the URL's user-info
      String url = base.replace("http://", "http://web-01:" + web01 + "@") + "/";
      w.start("fleetLock:\n  url: " + url + "\n  group: web\n", "");
      assertThat(w.cycle().status()).isEqualTo("in-sync");
      w.commit(IMAGES.v2().pinned(), "hello v2");
      assertThat(lock("/v1/pre-reboot", "web-02", web02, "web")).isEqualTo(200);

      CycleReport denied = w.cycle();
      assertThat(denied.reboot()).startsWith("waiting: FleetLock " + base + "/ (group web, id web-01) gave no reboot"
          + " slot: 409 failed_lock_semaphore_full: ");
      assertThat(denied.toString() + w.log).doesNotContain(web01);
      assertThat(w.reboots()).isZero();

      assertThat(lock("/v1/steady-state", "web-02", web02, "web")).isEqualTo(200);
      CycleReport reboot = w.cycle();
      assertThat(reboot.reboot()).isEqualTo("requested");
      assertThat(w.booted()).isEqualTo(IMAGES.v2().byDigest());
      assertThat(leasesHeld("web")).isEqualTo(1);
      assertThat(w.cycle().bootOutcome()).isEqualTo("converged");
      assertThat(leasesHeld("web")).isZero();
    }
  }

  /** Starts the server on a free loopback port over {@code repo}, and waits until it serves a revision. */
  void serve(Path repo) throws Exception {
    server = new ReconcilerServer(new ReconcilerServer.Config(repo.toUri().toString(), "main", "", "127.0.0.1", 0,
        tmp.resolve("data"), Duration.ofHours(1), Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(900),
        SECRET.getBytes(StandardCharsets.UTF_8), null), line -> System.err.println("[server] " + line));
    base = "http://127.0.0.1:" + server.start();
    await("the first revision served", Duration.ofSeconds(60), () -> get("/readyz", null).statusCode() == 200);
    operator = Files.readString(tmp.resolve("data/operator.token")).strip();
  }

  JsonNode hostSummary(String name) throws Exception {
    for (JsonNode h : json(get("/v1/hosts", operator)).path("hosts")) {
      if (h.path("name").asString().equals(name)) {
        return h;
      }
    }
    throw new AssertionError("no host " + name + " in /v1/hosts");
  }

  HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    return send(token == null ? b : b.header("Authorization", "Bearer " + token));
  }

  HttpResponse<String> post(String path, String token, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) {
    return JsonMapper.shared().readTree(r.body());
  }

  interface Check {
    boolean holds() throws Exception;
  }

  /** Checks {@code condition} until it holds or {@code max} passes (then fails). */
  static void await(String what, Duration max, Check condition) throws Exception {
    Instant end = Instant.now().plus(max);
    while (!condition.holds()) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("not within " + max + ": " + what);
      }
      Thread.sleep(50); // between checks of the condition, not in place of one
    }
  }
}
