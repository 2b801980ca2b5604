package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.app.server.ReconcilerServer;
import dev.bootfleet.testing.Example;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code plan --server} and {@code drift --server}: a server in this process over a real Git repository on
 * disk, every example host reporting its documents to it, and the CLI planning a checkout against what
 * the server keeps. The same JSON as the server's {@code /v1/drift} and as the folder-based drift of the
 * same documents; every format and exit code; refused credentials and unreachable servers in one line.
 */
class ServerDriftIT {
  static final JsonMapper JSON = JsonMapper.shared();
  static final Path OBSERVED = Example.fleetRepo().resolve("observed");

  @TempDir
  Path tmp;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  ReconcilerServer server;
  Path work;
  String base;
  String operator;
  Path tokenFile;

  /** Starts the server over a commit of the example fleet and sends it every example host's documents. */
  void start(Duration stale) throws Exception {
    work = tmp.resolve("fleet");
    Example.copyTree(Example.fleetRepo(), work);
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("fleet").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").call();
    }
    server = new ReconcilerServer(new ReconcilerServer.Config(work.toUri().toString(), "main", "", "127.0.0.1", 0,
        tmp.resolve("data"), Duration.ofHours(1), Duration.ZERO, Duration.ofSeconds(60), stale, null, null),
        line -> System.err.println("[server] " + line));
    base = "http://127.0.0.1:" + server.start();
    await("the first revision served", () -> get("/readyz", null).statusCode() == 200);
    tokenFile = tmp.resolve("data/operator.token");
    operator = Files.readString(tokenFile).strip();
    for (String host : reportingHosts()) {
      String token = hostToken(host);
      String etc = Files.exists(OBSERVED.resolve(host + ".etc.json"))
          ? Files.readString(OBSERVED.resolve(host + ".etc.json")) : "null";
      var r = post("/v1/hosts/" + host + "/status", token,
          "{\"status\": " + Files.readString(OBSERVED.resolve(host + ".json")) + ", \"etc\": " + etc + "}");
      assertThat(r.statusCode()).as(host + ": " + r.body()).isEqualTo(204);
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void driftFromServer_isTheServersDrift_andTheFolderDriftOfTheSameDocuments() throws Exception {
    start(Duration.ofSeconds(900));
    Cli.Run fromServer = Cli.run("drift", "--repo", work.toString(), "--rev", "main", "--server", base,
        "--token-file", tokenFile.toString(), "--format", "json");
    assertThat(fromServer.exit()).as(fromServer.err()).isZero();
    assertThat(fromServer.err()).isEqualTo(fromFolder(work).err()); // the example's warnings, no more

    String served = get("/v1/drift", operator).body();
    Cli.Run fromFolder = Cli.run("drift", "--repo", work.toString(), "--rev", "main", "--observed", OBSERVED.toString(),
        "--format", "json");
    assertThat(fromFolder.exit()).as(fromFolder.err()).isZero();

    assertThat(withoutTime(fromServer.out())).isEqualTo(withoutTime(served.strip() + "\n"))
        .isEqualTo(withoutTime(fromFolder.out()));
    JsonNode drift = JSON.readTree(fromServer.out());
    assertThat(drift.get("hosts").size()).as("the example drifts").isPositive();
    assertThat(names(drift)).contains("edge-03"); // declared, never reported: unknown

    // plan too: every host, as the folder's plan
    Cli.Run plan = Cli.run("plan", "--repo", work.toString(), "--rev", "main", "--server", base,
        "--token-file", tokenFile.toString(), "--format", "json");
    Cli.Run planFolder = Cli.run("plan", "--repo", work.toString(), "--rev", "main", "--observed",
        OBSERVED.toString(), "--format", "json");
    assertThat(withoutTime(plan.out())).isEqualTo(withoutTime(planFolder.out()));
    assertThat(withoutTime(plan.out())).isEqualTo(withoutTime(get("/v1/plan", operator).body().strip() + "\n"));
  }

  @Test
  void everyFormatAndExitCode_isTheFoldersOne() throws Exception {
    start(Duration.ofSeconds(900));
    for (String format : List.of("text", "markdown", "junit")) {
      Cli.Run s = Cli.run("drift", "--repo", work.toString(), "--rev", "main", "--server", base,
          "--token-file", tokenFile.toString(), "--format", format, "--color", "never");
      Cli.Run f = Cli.run("drift", "--repo", work.toString(), "--rev", "main", "--observed", OBSERVED.toString(),
          "--format", format, "--color", "never");
      assertThat(s.exit()).as(format + ": " + s.err()).isZero();
      assertThat(withoutTime(s.out())).as(format).isEqualTo(withoutTime(f.out()));
    }
    Cli.Run detailed = Cli.run("drift", "--repo", work.toString(), "--server", base, "--token-file",
        tokenFile.toString(), "--detailed-exitcode");
    assertThat(detailed.exit()).as(detailed.err()).isEqualTo(Main.CHANGES);
    Cli.Run argo = Cli.run("plan", "--repo", work.toString(), "--server", base, "--token-file",
        tokenFile.toString(), "--diff-exit-code", "20", "--out", tmp.resolve("plan.md").toString(), "--format",
        "markdown");
    assertThat(argo.exit()).as(argo.err()).isEqualTo(20);
    assertThat(Files.readString(tmp.resolve("plan.md"))).contains("web-01");
  }

  @Test
  void theLocalCheckout_isPlanned_notTheServedRevision() throws Exception {
    start(Duration.ofSeconds(900));
    Cli.Run before = Cli.run("plan", "--repo", work.toString(), "--server", base, "--token-file",
        tokenFile.toString(), "--format", "json");
    // a pull request's change, not committed and not served: the plan is the checkout's
    Path manifest = work.resolve("hosts/web-01.yaml");
    Files.writeString(manifest, Files.readString(manifest).replace("spec: {}",
        "spec:\n  image:\n    ref: quay.io/bootfleet-example/web-os:43@sha256:" + "e".repeat(64)));
    Cli.Run after = Cli.run("plan", "--repo", work.toString(), "--server", base, "--token-file",
        tokenFile.toString(), "--format", "json");
    assertThat(after.exit()).as(after.err()).isZero();
    assertThat(host(after, "web-01").toString()).isNotEqualTo(host(before, "web-01").toString());
    assertThat(host(after, "web-01").toString()).contains("e".repeat(64));
    assertThat(host(after, "db-01")).isEqualTo(host(before, "db-01"));
  }

  @Test
  void aHostSilentPastTheServersStaleTime_isUnknown_asTheServerShowsIt() throws Exception {
    start(Duration.ofMillis(1)); // every report is old by the time anyone looks
    // Bounded wait, not a sleep: the clock ticks in milliseconds, so a report may still be fresh at first.
    await("web-01's report older than the stale time", () -> {
      for (JsonNode h : JSON.readTree(get("/v1/hosts", operator).body()).get("hosts")) {
        if (h.get("name").asString().equals("web-01")) {
          return h.get("status").asString().equals("unknown");
        }
      }
      return false;
    });
    Cli.Run s = Cli.run("drift", "--repo", work.toString(), "--rev", "main", "--server", base,
        "--token-file", tokenFile.toString(), "--format", "json");
    assertThat(s.exit()).as(s.err()).isZero();
    JsonNode drift = JSON.readTree(s.out());
    assertThat(names(drift)).containsAll(reportingHosts()); // even those in sync by their last report
    for (JsonNode h : drift.get("hosts")) {
      assertThat(h.get("status").asString()).as(h.get("name").asString()).isEqualTo("unknown");
    }
    assertThat(host(s, "web-01").get("reason").asString()).startsWith("no report since ");
    assertThat(withoutTime(s.out())).isEqualTo(withoutTime(get("/v1/drift", operator).body().strip() + "\n"));
  }

  @Test
  void refusedCredentials_andUnreachableServers_areOneLine_exit1() throws Exception {
    start(Duration.ofSeconds(900));
    Path wrong = tmp.resolve("wrong.token");
    Files.writeString(wrong, "bfo_" + "A".repeat(43) + "\n");
    Cli.Run r = Cli.run("drift", "--repo", work.toString(), "--server", base, "--token-file", wrong.toString());
    assertOneLine(r, "refused the operator credential from --token-file " + wrong, "401");
    assertThat(r.err()).doesNotContain("A".repeat(43));

    Path host = tmp.resolve("host.token");
    String hostToken = hostToken("web-02");
    Files.writeString(host, hostToken);
    r = Cli.run("drift", "--repo", work.toString(), "--server", base, "--token-file", host.toString());
    assertOneLine(r, "the credential from --token-file " + host + " is not an operator's", "403");
    assertThat(r.err()).doesNotContain(hostToken);

    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    r = Cli.run("drift", "--repo", work.toString(), "--server", "http://127.0.0.1:" + closed, "--token-file",
        tokenFile.toString());
    assertOneLine(r, "server http://127.0.0.1:" + closed + " is unreachable");

    r = Cli.run("drift", "--repo", work.toString(), "--server", base, "--token-file", tmp.resolve("none").toString());
    assertOneLine(r, "--token-file " + tmp.resolve("none") + ": no such file");

    r = Cli.run("drift", "--repo", work.toString(), "--server", base, "--observed", OBSERVED.toString(),
        "--token-file", tokenFile.toString());
    assertOneLine(r, "--server does not go with --observed");

    r = Cli.run("plan", "--repo", work.toString(), "--base", "main", "--head", "main", "--server", base);
    assertOneLine(r, "--server does not go with --base/--head");

    Path ca = dev.bootfleet.testing.TestCa.create(tmp.resolve("ca")).caFile();
    r = Cli.run("drift", "--repo", work.toString(), "--server", base, "--token-file", tokenFile.toString(), "--server-ca",
        ca.toString());
    assertOneLine(r, "--server-ca goes with an https:// --server");

    r = Cli.run("drift", "--repo", work.toString(), "--server", "https://127.0.0.1:" + closed, "--token-file",
        tokenFile.toString(), "--server-ca", tokenFile.toString());
    assertOneLine(r, "--server-ca " + tokenFile + ": ");
    assertThat(r.err()).doesNotContain(operator);

    r = Cli.run("drift", "--repo", work.toString(), "--server", "http://op:pa55word@127.0.0.1:" + closed,
        "--token-file", tokenFile.toString());
    assertOneLine(r, "--server: has a user, query or fragment");
    assertThat(r.err()).doesNotContain("pa55word");

    r = Cli.run("drift", "--repo", work.toString(), "--server", "ftp://x", "--token-file", tokenFile.toString());
    assertOneLine(r, "--server \"ftp://x\": not an http(s) URL");

    String before = Files.readString(tokenFile);
    r = Cli.run("drift", "--repo", work.toString(), "--server", base, "--token-file", tokenFile.toString(), "--out",
        tokenFile.toString());
    assertOneLine(r, "--out " + tokenFile + ": is a file this run reads");
    assertThat(Files.readString(tokenFile)).isEqualTo(before);

    r = Cli.run("drift", "--repo", work.toString(), "--token-file", tokenFile.toString());
    assertThat(r.exit()).isEqualTo(Main.ERROR);
    assertThat(r.err()).contains("drift needs --observed DIR or --server URL", "--token-file goes with --server");
  }

  /** Through bin/bootfleet, with the credential from the environment, as a CI job passes a secret. */
  @Test
  void builtJar_takesTheCredentialFromTheEnvironment() throws Exception {
    start(Duration.ofSeconds(900));
    CliIT.Run r = CliIT.bootfleet(Map.of("BOOTFLEET_TOKEN", operator), "drift", "--repo", work.toString(),
        "--server", base, "--format", "junit", "--detailed-exitcode");
    assertThat(r.exit()).as(r.err()).isEqualTo(Main.CHANGES);
    assertThat(r.out()).startsWith("<?xml").contains("edge-03");
    CliIT.Run none = CliIT.bootfleet(Map.of("BOOTFLEET_TOKEN", ""), "drift", "--repo", work.toString(),
        "--server", base);
    assertThat(none.exit()).isEqualTo(Main.ERROR);
    assertThat(none.err().strip()).isEqualTo("bootfleet: error: --server needs the operator credential: --token-file"
        + " FILE or the environment variable BOOTFLEET_TOKEN (never a flag's value)");
  }

  // --- helpers

  static Cli.Run fromFolder(Path work) {
    return Cli.run("drift", "--repo", work.toString(), "--rev", "main", "--observed", OBSERVED.toString());
  }

  static List<String> reportingHosts() throws Exception {
    try (Stream<Path> s = Files.list(OBSERVED)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json") && !n.endsWith(".etc.json"))
          .map(n -> n.substring(0, n.length() - ".json".length())).sorted().toList();
    }
  }

  static void assertOneLine(Cli.Run r, String... parts) {
    assertThat(r.exit()).as(r.err()).isEqualTo(Main.ERROR);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).doesNotContain("Exception", "\tat ");
    // the example's warnings may come first; the error is one line
    List<String> errors = r.err().lines().filter(l -> !l.contains(": warning: ")).toList();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).startsWith("bootfleet: error: ").contains(parts);
  }

  static List<String> names(JsonNode report) {
    List<String> names = new ArrayList<>();
    report.get("hosts").forEach(h -> names.add(h.get("name").asString()));
    return names;
  }

  static JsonNode host(Cli.Run r, String name) {
    for (JsonNode h : JSON.readTree(r.out()).get("hosts")) {
      if (h.get("name").asString().equals(name)) {
        return h;
      }
    }
    throw new AssertionError("no host " + name + " in " + r.out() + r.err());
  }

  static String withoutTime(String text) {
    return text.replaceAll("\"generatedAt\" : \"[^\"]*\"", "\"generatedAt\" : \"-\"")
        .replaceAll("(?m)^(Generated|generated).*$", "-")
        .replaceAll("timestamp=\"[^\"]*\"", "timestamp=\"-\"")
        .replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "TIME");
  }

  String hostToken(String host) throws Exception {
    var e = post("/v1/enrollments", operator, "{\"host\":\"" + host + "\",\"ttlSeconds\":600}");
    assertThat(e.statusCode()).as(e.body()).isEqualTo(201);
    var c = post("/v1/hosts/" + host + "/credential", JSON.readTree(e.body()).get("token").asString(), "");
    assertThat(c.statusCode()).as(c.body()).isEqualTo(201);
    return JSON.readTree(c.body()).get("token").asString();
  }

  HttpResponse<String> get(String path, String token) throws Exception {
    return send(request(path, token).GET());
  }

  HttpResponse<String> post(String path, String token, String body) throws Exception {
    return send(request(path, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    return token == null ? b : b.header("Authorization", "Bearer " + token);
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  interface Check {
    boolean get() throws Exception;
  }

  /** Checks {@code condition} until it holds, or fails after 60 s. */
  static void await(String what, Check condition) throws Exception {
    Instant end = Instant.now().plusSeconds(60);
    while (!call(condition)) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("not within 60 s: " + what);
      }
      Thread.sleep(50); // between checks of the condition, not in place of one
    }
  }

  private static boolean call(Check c) {
    try {
      return c.get();
    } catch (Exception e) {
      return false;
    }
  }
}
