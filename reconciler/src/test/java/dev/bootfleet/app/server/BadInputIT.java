package dev.bootfleet.app.server;

import static dev.bootfleet.app.server.ServerHarness.json;
import static dev.bootfleet.app.server.ServerIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input beyond a host's report (ServerIT has those): wrongly typed, malformed and oversized
 * enrollment bodies, hosts the served revision does not declare, and path tricks on every route that
 * takes a host name. Each is a 4xx in one line of problem JSON; nothing is stored. One server for all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {
  ServerHarness h;
  ReconcilerServer server;
  String operator;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    h = new ServerHarness(tmp);
    server = new ReconcilerServer(new ReconcilerServer.Config(h.url(), "main", "", "127.0.0.1", 0, tmp.resolve("data"),
        Duration.ofHours(1), Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(900),
        ServerHarness.SECRET.getBytes(StandardCharsets.UTF_8), null), line -> System.err.println("[server] " + line));
    h.base = "http://127.0.0.1:" + server.start();
    ServerHarness.await("the first revision served", Duration.ofSeconds(60), h::ready);
    operator = Files.readString(tmp.resolve("data/operator.token")).strip();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      not JSON              | {"host":                              | body: not JSON
      a JSON array          | ["web-01", 600]                       | body: not a JSON object
      a JSON string         | "web-01"                              | body: not a JSON object
      host a number         | {"host": 7, "ttlSeconds": 600}        | host: 7 is not a host name
      host with a slash     | {"host": "../web-01", "ttlSeconds": 1} | host: "../web-01" is not a host name
      ttl a string          | {"host": "web-01", "ttlSeconds": "600"} | ttlSeconds: "600" is not a lifetime
      ttl a fraction        | {"host": "web-01", "ttlSeconds": 1.5} | ttlSeconds: 1.5 is not a lifetime
      ttl over a week       | {"host": "web-01", "ttlSeconds": 604801} | ttlSeconds: 604801 is not a lifetime
      both missing          | {}                                    | host: missing is not a host name (expected a DNS-1123 name); ttlSeconds: missing
      """)
  void badEnrollment_is400_inOneLine_namingEveryProblem(String what, String body, String detail) throws Exception {
    HttpResponse<String> r = h.post("/v1/enrollments", operator, body);
    assertProblem(r, 400);
    assertThat(json(r).get("detail").asString()).startsWith(detail);
  }

  @Test
  void oversizedEnrollment_is413() throws Exception {
    assertProblem(h.post("/v1/enrollments", operator, "{\"host\": \"" + "a".repeat(70 * 1024) + "\"}"), 413);
  }

  @Test
  void aBodyOverItsCap_isReadBeforeThe413_soTheConnectionLives() throws Exception {
    // a client sending a body over the cap (within ApiServer.LINGER of it) gets the answer on a connection that
    // stays usable: the server read the body first. Answered at once, the 413 met a body still arriving, and Jetty
    // closed the socket with unread data, whose reset can lose the answer (BadInputIT failed so once in CI). Near
    // 1 MiB, the body is still arriving when a 413 at once is sent: without the reading this fails every time here.
    String body = "{\"host\": \"" + "a".repeat(960 * 1024) + "\"}";
    java.net.URI uri = java.net.URI.create(h.base);
    try (java.net.Socket s = new java.net.Socket(uri.getHost(), uri.getPort())) {
      s.setSoTimeout(30_000);
      java.io.OutputStream out = s.getOutputStream();
      java.io.InputStream in = new java.io.BufferedInputStream(s.getInputStream());
      out.write(("POST /v1/enrollments HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + operator
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String first = answer(in);
      assertThat(first).startsWith("HTTP/1.1 413 ").doesNotContainIgnoringCase("Connection: close");
      out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      assertThat(answer(in)).as("a second request on the same connection").startsWith("HTTP/1.1 200 ");
    }
  }

  /** One HTTP/1.1 answer read off {@code in}: its head and its body of Content-Length bytes. */
  private static String answer(java.io.InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("the connection closed after: " + head);
      }
      head.append((char) c);
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\r\nContent-Length: *([0-9]+)").matcher(head);
    int n = m.find() ? Integer.parseInt(m.group(1)) : 0;
    return head + new String(in.readNBytes(n), StandardCharsets.UTF_8);
  }

  @Test
  void undeclaredHost_is404_andItsReportIsNotStored() throws Exception {
    String reports = reportsCounted();
    // an enrollment may precede the host's manifest; its reports are refused until the manifest is served
    String ghost = h.hostToken(operator, "ghost-01");
    String status = Files.readString(dev.bootfleet.testing.Example.fleetRepo().resolve("observed/web-01.json"));
    assertProblem(h.post("/v1/hosts/ghost-01/status", ghost, "{\"status\": " + status + "}"), 404);
    assertProblem(h.get("/v1/hosts/ghost-01/target", ghost), 404);
    assertProblem(h.get("/v1/hosts/ghost-01", operator), 404);
    assertProblem(h.get("/v1/hosts/ghost-01/target", operator), 404);
    assertThat(reportsCounted()).isEqualTo(reports);
    assertThat(json(h.get("/v1/hosts", operator)).toString()).doesNotContain("ghost-01");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', textBlock = """
      GET    | /v1/hosts/..%2F..%2Fetc/target
      GET    | /v1/hosts/%2e%2e
      GET    | /v1/hosts/WEB-01
      GET    | /v1/hosts/web_01/target
      POST   | /v1/hosts/web-01%00/credential
      DELETE | /v1/hosts/-web-01/credential
      DELETE | /v1/hosts/web-01%20/credential
      """)
  void pathTrick_inAHostName_is400_orNoRoute(String method, String path) throws Exception {
    HttpResponse<String> r = h.send(h.req(path, operator).method(method,
        java.net.http.HttpRequest.BodyPublishers.noBody()));
    assertThat(r.statusCode()).as(r.body()).isIn(400, 404);
    assertProblem(r, r.statusCode());
    assertThat(r.body()).doesNotContain("\u0000");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      Content-Length not a number | Content-Length: many
      a header without a colon    | X-Broken
      a NUL in the path           | -
      """)
  void malformedRequest_is400_inOneLineOfProblemJson(String what, String header) throws Exception {
    String path = header.equals("-") ? "/v1/hosts/web%00-01/target" : "/v1/hosts/web-01/status";
    String request = (header.equals("-") ? "GET " : "POST ") + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + (header.equals("-") ? "" : header + "\r\n") + "\r\n";
    java.net.URI uri = java.net.URI.create(h.base);
    try (java.net.Socket s = new java.net.Socket(uri.getHost(), uri.getPort())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      // the request asked to keep the connection: the server closes it (readAllBytes returned) and says so
      assertThat(answer).as(what).startsWith("HTTP/1.1 400 ").containsIgnoringCase("Content-Type: application/problem+json")
          .containsIgnoringCase("\r\nConnection: close\r\n");
      String body = answer.substring(answer.indexOf("\r\n\r\n") + 4).strip();
      assertThat(body).doesNotContain("\n", "<html", "Exception");
      assertThat(ServerHarness.JSON.readTree(body).get("status").asInt()).isEqualTo(400);
    }
  }

  private String reportsCounted() throws Exception {
    return h.get("/metrics", null).body().lines().filter(l -> l.startsWith("bootfleet_status_reports_total "))
        .findFirst().orElseThrow();
  }
}
