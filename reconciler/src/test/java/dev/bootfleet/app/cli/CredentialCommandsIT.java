package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.app.server.ReconcilerServer;
import dev.bootfleet.testing.Example;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Revoking credentials, through the CLI ({@code bootfleet host revoke}, {@code bootfleet operator}) and the
 * API, against a server in this process over a real Git repository: a revoked or expired credential is 401
 * and changes nothing, the last operator cannot be revoked, and no command prints a token it did not make.
 */
class CredentialCommandsIT {
  @TempDir
  Path tmp;

  ReconcilerServer server;
  String base;
  Path operatorFile;
  String operator;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    Path work = tmp.resolve("fleet");
    Example.copyTree(Example.fleetRepo(), work);
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("fleet").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").call();
    }
    server = new ReconcilerServer(new ReconcilerServer.Config(work.toUri().toString(), "main", "", "127.0.0.1", 0,
        tmp.resolve("data"), Duration.ofHours(1), Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(900), null,
        null), line -> System.err.println("[server] " + line));
    base = "http://127.0.0.1:" + server.start();
    Instant end = Instant.now().plusSeconds(60);
    while (send("GET", "/readyz", null, null).statusCode() != 200) {
      assertThat(Instant.now()).as("the first revision served within 60 s").isBefore(end);
      Thread.sleep(50); // between checks of the condition, not in place of one
    }
    operatorFile = tmp.resolve("data/operator.token");
    operator = Files.readString(operatorFile).strip();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void hostRevoke_endsTheHostsCredential_andItsReportsChangeNothing() throws Exception {
    String web01 = hostToken("web-01", 600);
    assertThat(send("GET", "/v1/hosts/web-01/target", web01, null).statusCode()).isEqualTo(200);

    Cli.Run r = Cli.run("host", "revoke", "web-01", "--server", base, "--token-file", operatorFile.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).isEqualTo("revoked every credential of host web-01\n");

    assertProblem(send("GET", "/v1/hosts/web-01/target", web01, null), 401);
    assertProblem(send("POST", "/v1/hosts/web-01/status", web01, "{\"status\": {}}"), 401);
    assertThat(find(json(send("GET", "/v1/hosts", operator, null)).get("hosts"), "web-01").get("lastReport").isNull())
        .isTrue();
  }

  @Test
  void hostRevoke_isOneLine_forABadNameOrARefusedCredential() throws Exception {
    Cli.Run r = Cli.run("host", "revoke", "../etc", "--server", base, "--token-file", operatorFile.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("bootfleet: error: host ../etc: not a host name (expected a DNS-1123 name, as its"
        + " manifest has it)\n");

    String web01 = hostToken("web-01", 600);
    Path hostFile = tmp.resolve("host.token");
    Files.writeString(hostFile, web01);
    r = Cli.run("host", "revoke", "web-02", "--server", base, "--token-file", hostFile.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("bootfleet: error: server " + base + ": revoking web-02 refused: this route needs"
        + " an operator's credential\n").doesNotContain(web01);
  }

  @Test
  void operatorRevoke_endsThatOperator_butNeverTheLast() throws Exception {
    Cli.Run added = Cli.run("operator", "add", "--server", base, "--token-file", operatorFile.toString());
    assertThat(added.exit()).as(added.err()).isZero();
    String second = added.out().strip();
    assertThat(second).startsWith("bfo_");
    String secondId = added.err().strip().replace("added operator credential ", "");

    Cli.Run list = Cli.run("operator", "list", "--server", base, "--token-file", operatorFile.toString());
    assertThat(list.exit()).isZero();
    assertThat(list.out().lines().toList()).hasSize(2).anyMatch(l -> l.startsWith(secondId + "  "));
    assertThat(list.out()).doesNotContain(operator, second);
    String firstId = list.out().lines().filter(l -> !l.startsWith(secondId)).findFirst().orElseThrow().split(" ")[0];

    // The second operator revokes the first: the first's token is 401 everywhere and makes nothing.
    Path secondFile = tmp.resolve("second.token");
    Files.writeString(secondFile, second + "\n");
    Cli.Run revoked = Cli.run("operator", "revoke", firstId, "--server", base, "--token-file", secondFile.toString());
    assertThat(revoked.exit()).as(revoked.err()).isZero();
    assertProblem(send("GET", "/v1/hosts", operator, null), 401);
    assertProblem(send("POST", "/v1/enrollments", operator, "{\"host\":\"web-01\",\"ttlSeconds\":60}"), 401);
    assertProblem(send("POST", "/v1/operators", operator, null), 401);
    assertThat(json(send("GET", "/v1/operators", second, null)).get("operators")).hasSize(1);

    // The last one stays: 409, and it still works.
    Cli.Run last = Cli.run("operator", "revoke", secondId, "--server", base, "--token-file", secondFile.toString());
    assertThat(last.exit()).isEqualTo(1);
    assertThat(last.err()).isEqualTo("bootfleet: error: server " + base + ": revoking " + secondId + " refused:"
        + " operator credential " + secondId + " is the last one (add another first: POST /v1/operators)\n");
    assertProblem(send("DELETE", "/v1/operators/" + secondId, second, null), 409);
    assertThat(send("GET", "/v1/hosts", second, null).statusCode()).isEqualTo(200);
  }

  @Test
  void operatorRoutes_refuseBadIdsHostsAndUnknownIds() throws Exception {
    String web01 = hostToken("web-01", 600);
    assertProblem(send("DELETE", "/v1/operators/..%2f..", operator, null), 400);
    assertProblem(send("DELETE", "/v1/operators/ABCDEF0123456789", operator, null), 400);
    assertProblem(send("DELETE", "/v1/operators/0000000000000000", operator, null), 404);
    assertProblem(send("GET", "/v1/operators", web01, null), 403);
    assertProblem(send("POST", "/v1/operators", web01, null), 403);
    assertProblem(send("GET", "/v1/operators", null, null), 401);
    assertThat(json(send("GET", "/v1/operators", operator, null)).get("operators")).hasSize(1);
    Cli.Run r = Cli.run("operator", "revoke", "not-an-id", "--server", base, "--token-file", operatorFile.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("bootfleet: error: operator id not-an-id: not one (expected 16 lower-case hex");
  }

  @Test
  void expiredEnrollment_is401_andMakesNoCredential() throws Exception {
    JsonNode e = json(send("POST", "/v1/enrollments", operator, "{\"host\":\"web-02\",\"ttlSeconds\":1}"));
    Instant expires = Instant.parse(e.get("expiresAt").asString());
    Instant end = expires.plusSeconds(30);
    while (!Instant.now().isAfter(expires.plusMillis(5))) { // the server's clock ticks in milliseconds
      assertThat(Instant.now()).isBefore(end);
      Thread.sleep(20); // until the enrollment's own expiry has passed: a condition, not a guess
    }
    assertProblem(send("POST", "/v1/hosts/web-02/credential", e.get("token").asString(), ""), 401);
    assertProblem(send("GET", "/v1/hosts/web-02/target", e.get("token").asString(), null), 401);
  }

  // --- helpers

  String hostToken(String host, int ttl) throws Exception {
    JsonNode e = json(send("POST", "/v1/enrollments", operator, "{\"host\":\"" + host + "\",\"ttlSeconds\":" + ttl + "}"));
    return json(send("POST", "/v1/hosts/" + host + "/credential", e.get("token").asString(), "")).get("token").asString();
  }

  HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) {
    return JsonMapper.shared().readTree(r.body());
  }

  static void assertProblem(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    assertThat(r.body().strip()).doesNotContain("\n", "Exception", "\tat ");
    assertThat(json(r).get("detail").asString()).isNotEmpty();
  }

  static JsonNode find(JsonNode hosts, String name) {
    for (JsonNode n : hosts) {
      if (n.get("name").asString().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no host " + name + " in " + hosts);
  }
}
