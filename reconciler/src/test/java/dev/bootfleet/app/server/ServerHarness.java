package dev.bootfleet.app.server;

import dev.bootfleet.core.server.WebhookSignature;
import dev.bootfleet.testing.Example;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;
import org.eclipse.jgit.api.Git;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real fleet repository on disk (JGit), the JDK's HTTP client, and helpers to talk to a server. */
final class ServerHarness {
  static final JsonMapper JSON = JsonMapper.shared();
  static final String SECRET = "s3cret-for-tests";
  final Path work;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  String base;

  ServerHarness(Path tmp) throws Exception {
    work = tmp.resolve("fleet");
    Example.copyTree(Example.fleetRepo(), work);
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("fleet").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").call();
    }
  }

  String url() {
    return work.toUri().toString();
  }

  void commit(String file, String text) throws Exception {
    Files.writeString(work.resolve(file), text);
    try (Git git = Git.open(work.toFile())) {
      git.add().addFilepattern(file).call();
      git.commit().setMessage("change " + file).setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").call();
    }
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
    return http.send(b.timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder req(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    return token == null ? b : b.header("Authorization", "Bearer " + token);
  }

  HttpResponse<String> get(String path, String token) throws Exception {
    return send(req(path, token).GET());
  }

  HttpResponse<String> post(String path, String token, String body) throws Exception {
    return send(req(path, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /**
   * A POST that sends its body only after the server's {@code 100 Continue}: a server that refuses it by its
   * Content-Length alone answers before the body is sent, so the answer cannot be lost to a reset connection
   * while the client is still writing.
   */
  HttpResponse<String> postExpectingContinue(String path, String token, String body) throws Exception {
    return send(req(path, token).header("Content-Type", "application/json").expectContinue(true)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> webhook(byte[] body, String signature) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/hooks/git")).header("X-GitHub-Event", "push");
    if (signature != null) {
      b.header("X-Hub-Signature-256", signature);
    }
    return send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** A webhook with one header (name, value) as a forge sends it. */
  HttpResponse<String> webhook(byte[] body, String header, String value) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + "/hooks/git")).header(header, value)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  static String sign(byte[] body) {
    return "sha256=" + HexFormat.of().formatHex(WebhookSignature.hmac(SECRET.getBytes(StandardCharsets.UTF_8), body));
  }

  static JsonNode json(HttpResponse<String> r) {
    return JSON.readTree(r.body());
  }

  /** Enrolls {@code host} with the operator's token and exchanges the enrollment: the host's own token. */
  String hostToken(String operator, String host) throws Exception {
    var e = post("/v1/enrollments", operator, "{\"host\":\"" + host + "\",\"ttlSeconds\":600}");
    if (e.statusCode() != 201) {
      throw new AssertionError("enrollment: " + e.statusCode() + " " + e.body());
    }
    var c = post("/v1/hosts/" + host + "/credential", json(e).get("token").asString(), "");
    if (c.statusCode() != 201) {
      throw new AssertionError("exchange: " + c.statusCode() + " " + c.body());
    }
    return json(c).get("token").asString();
  }

  /** The report body of a host from the example's observed documents. */
  static String report(String host) throws IOException {
    Path dir = Example.fleetRepo().resolve("observed");
    String etc = Files.exists(dir.resolve(host + ".etc.json")) ? Files.readString(dir.resolve(host + ".etc.json")) : "null";
    return "{\"status\": " + Files.readString(dir.resolve(host + ".json")) + ", \"etc\": " + etc + "}";
  }

  /** Checks {@code condition} until it holds or {@code max} passes (then fails). */
  static void await(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
    dev.bootfleet.testing.Await.until(what, max, condition);
  }

  boolean ready() {
    try {
      return get("/readyz", null).statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }
}
