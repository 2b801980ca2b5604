package dev.bootfleet.app.server;

import static dev.bootfleet.app.server.ServerIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code bootfleet serve} takes from the environment (the Helm chart's Secrets), in this process: a
 * preset operator credential, stored as its hash and never re-added once the store has operators, and a
 * Git credential inside the repository's URL, used against Git's own HTTP server ({@code git http-backend}
 * behind HTTP Basic authentication) and never logged.
 */
class ServerEnvironmentIT {
  static final Path HTTP_BACKEND = Path.of("/usr/lib/git-core/git-http-backend");
  static final String OPERATOR = "bfo_" + ("Op3rat0r-preset_token-for-the-test" + "A".repeat(43)).substring(0, 43);

  @TempDir
  Path tmp;

  ServerHarness h;
  ReconcilerServer server;
  HttpServer git;
  final List<String> log = new CopyOnWriteArrayList<>();

  void launch(String repo, String operatorToken) throws Exception {
    server = new ReconcilerServer(new ReconcilerServer.Config(repo, "main", "", "127.0.0.1", 0, tmp.resolve("data"),
        Duration.ofHours(1), Duration.ZERO, Duration.ofSeconds(60), Duration.ofSeconds(900), null, null, null,
        operatorToken), line -> {
          log.add(line);
          System.err.println("[server] " + line);
        });
    h.base = "http://127.0.0.1:" + server.start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (git != null) {
      git.stop(0);
    }
  }

  @Test
  void operatorToken_isTakenAsItsHash_andWritesNoTokenFile() throws Exception {
    h = new ServerHarness(tmp);
    launch(h.url(), OPERATOR);
    ServerHarness.await("the first revision served", Duration.ofSeconds(60), h::ready);

    assertThat(h.get("/v1/hosts", OPERATOR).statusCode()).isEqualTo(200);
    assertThat(tmp.resolve("data/" + ReconcilerServer.OPERATOR_TOKEN)).doesNotExist();
    assertThat(String.join("\n", log)).doesNotContain(OPERATOR, OPERATOR.substring(4));
    assertThat(storeText()).doesNotContain(OPERATOR.substring(4));

    // A restart with another preset token: the store has its operator, so the new one is not taken.
    server.close();
    String other = "bfo_" + "B".repeat(43);
    launch(h.url(), other);
    ServerHarness.await("the revision served again", Duration.ofSeconds(60), h::ready);
    assertProblem(h.get("/v1/hosts", other), 401);
    assertThat(h.get("/v1/hosts", OPERATOR).statusCode()).isEqualTo(200);
    assertThat(String.join("\n", log)).contains("BOOTFLEET_OPERATOR_TOKEN is not an operator credential of the store")
        .doesNotContain(other.substring(4));
  }

  @Test
  void gitCredentialInTheUrl_fetchesOverHttp_andIsNeverLogged() throws Exception {
    h = new ServerHarness(tmp);
    int port = gitHttpServer("fleet", "pa55-w0rd-in-url");
    launch("http://fleet:pa55-w0rd-in-url@127.0.0.1:" + port + "/fleet.git", OPERATOR);
    ServerHarness.await("the first revision served over authenticated HTTP", Duration.ofSeconds(60), h::ready);

    assertThat(ServerHarness.json(h.get("/v1/revisions", OPERATOR)).get("served").asString()).isNotEmpty();
    assertThat(String.join("\n", log)).contains("http://***@127.0.0.1:" + port + "/fleet.git")
        .doesNotContain("pa55-w0rd-in-url");
  }

  @Test
  void wrongGitCredential_isAFetchError_thatNamesNoPassword() throws Exception {
    h = new ServerHarness(tmp);
    int port = gitHttpServer("fleet", "the-right-one");
    launch("http://fleet:a-wrong-0ne@127.0.0.1:" + port + "/fleet.git", OPERATOR);
    ServerHarness.await("a failed fetch counted", Duration.ofSeconds(60),
        () -> ServerIT.call(() -> h.get("/metrics", null).body().contains("bootfleet_git_fetch_errors_total 1.0")));

    assertThat(h.get("/readyz", null).statusCode()).isEqualTo(503);
    assertThat(log).anyMatch(l -> l.contains("cannot fetch"));
    assertThat(String.join("\n", log)).doesNotContain("a-wrong-0ne", "the-right-one");
    assertThat(ServerHarness.json(h.get("/v1/revisions", OPERATOR)).toString()).doesNotContain("a-wrong-0ne");
  }

  /** The embedded store's file as text (what a stolen disk shows). */
  private String storeText() throws IOException {
    StringBuilder b = new StringBuilder();
    try (var files = Files.list(tmp.resolve("data"))) {
      for (Path p : files.filter(p -> p.getFileName().toString().startsWith("store")).toList()) {
        b.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
      }
    }
    return b.toString();
  }

  /**
   * A bare clone of the harness's repository served by Git's own smart HTTP server, {@code git
   * http-backend}, run as a CGI behind HTTP Basic authentication with {@code user} and {@code password};
   * returns its port.
   */
  private int gitHttpServer(String user, String password) throws Exception {
    assertThat(Files.isExecutable(HTTP_BACKEND)).as(HTTP_BACKEND + " is missing: install the Debian package git"
        + " (apt-get install git)").isTrue();
    Path root = tmp.resolve("git-http");
    Files.createDirectories(root);
    Process clone = new ProcessBuilder("git", "clone", "-q", "--bare", h.work.toString(), root.resolve("fleet.git")
        .toString()).redirectErrorStream(true).start();
    assertThat(clone.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(clone.exitValue()).as(new String(clone.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();

    git = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    HttpContext ctx = git.createContext("/", e -> cgi(e, root));
    ctx.setAuthenticator(new BasicAuthenticator("fleet") {
      @Override
      public boolean checkCredentials(String u, String p) {
        return user.equals(u) && password.equals(p);
      }
    });
    git.start();
    return git.getAddress().getPort();
  }

  private static void cgi(HttpExchange e, Path root) throws IOException {
    try (e) {
      ProcessBuilder pb = new ProcessBuilder(HTTP_BACKEND.toString());
      Map<String, String> env = pb.environment();
      env.put("GIT_PROJECT_ROOT", root.toString());
      env.put("GIT_HTTP_EXPORT_ALL", "1");
      env.put("REQUEST_METHOD", e.getRequestMethod());
      env.put("PATH_INFO", e.getRequestURI().getPath());
      env.put("QUERY_STRING", e.getRequestURI().getRawQuery() == null ? "" : e.getRequestURI().getRawQuery());
      env.put("REMOTE_USER", e.getPrincipal() == null ? "" : e.getPrincipal().getUsername());
      env.put("REMOTE_ADDR", "127.0.0.1");
      String type = e.getRequestHeaders().getFirst("Content-Type");
      env.put("CONTENT_TYPE", type == null ? "" : type);
      String encoding = e.getRequestHeaders().getFirst("Content-Encoding");
      if (encoding != null) {
        env.put("HTTP_CONTENT_ENCODING", encoding);
      }
      String protocol = e.getRequestHeaders().getFirst("Git-Protocol");
      if (protocol != null) {
        env.put("GIT_PROTOCOL", protocol);
      }
      pb.redirectError(ProcessBuilder.Redirect.DISCARD);
      Process p = pb.start();
      CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
      try (OutputStream in = p.getOutputStream(); InputStream body = e.getRequestBody()) {
        body.transferTo(in);
      }
      byte[] response = out.join();
      int split = indexOf(response, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      int skip = 4;
      if (split < 0) {
        split = indexOf(response, "\n\n".getBytes(StandardCharsets.US_ASCII));
        skip = 2;
      }
      int status = 200;
      for (String line : new String(response, 0, Math.max(split, 0), StandardCharsets.ISO_8859_1).split("\r?\n")) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = line.substring(0, colon).strip();
        String value = line.substring(colon + 1).strip();
        if (name.equalsIgnoreCase("Status")) {
          status = Integer.parseInt(value.substring(0, 3));
        } else {
          e.getResponseHeaders().add(name, value);
        }
      }
      byte[] payload = java.util.Arrays.copyOfRange(response, split < 0 ? 0 : split + skip, response.length);
      e.sendResponseHeaders(status, payload.length == 0 ? -1 : payload.length);
      if (payload.length > 0) {
        e.getResponseBody().write(payload);
      }
    }
  }

  private static byte[] readAll(InputStream in) {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return b.toByteArray();
    } catch (IOException x) {
      throw new java.io.UncheckedIOException(x);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
