package dev.bootfleet.adapters.agentclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.port.DesiredStateSource.Desired;
import dev.bootfleet.core.server.HostTarget;
import dev.bootfleet.testing.Example;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent's client of the server against a real HTTP server on loopback (the JDK's), whose answer the
 * test sets: the target read back, the last good target kept while the server is down or failing, a
 * refused credential in one line, and reports sent with their retries.
 */
class ServerDesiredStateTest {
  static final String TOKEN = "bfh_test-credential-0123456789";

  @TempDir
  Path tmp;

  HttpServer server;
  volatile int status = 200;
  volatile String body;
  final List<String> seen = new CopyOnWriteArrayList<>();
  /** The If-None-Match header of each request ("-" without one). */
  final List<String> conditions = new CopyOnWriteArrayList<>();
  Path tokenFile;
  ServerClient client;
  HostTarget target;

  @BeforeEach
  void start() throws Exception {
    Fleet fleet = Example.fleet();
    target = HostTarget.of(fleet.revision(), fleet.host("web-01").orElseThrow(), fleet.problems(), fleet.images());
    body = target.json().toString();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      seen.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " "
          + ex.getRequestHeaders().getFirst("Authorization"));
      String inm = ex.getRequestHeaders().getFirst("If-None-Match");
      conditions.add(inm == null ? "-" : inm);
      ex.getRequestBody().readAllBytes();
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      if (status == 200) {
        ex.getResponseHeaders().add("ETag", target.etag());
      }
      ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    server.start();
    tokenFile = Files.writeString(tmp.resolve("host.token"), TOKEN + "\n");
    client = new ServerClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), tokenFile, null,
        Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void fetch_readsTheHostTarget_withTheHostsCredential() throws Exception {
    ServerDesiredState source = new ServerDesiredState(client);
    Fleet fleet = Example.fleet();

    Desired d = source.fetch("web-01");

    assertThat(d.revision()).isEqualTo(fleet.revision());
    assertThat(d.host()).isEqualTo(fleet.host("web-01").orElseThrow());
    assertThat(d.images()).isEqualTo(fleet.images());
    assertThat(d.problems()).extracting(Problem::format)
        .containsExactlyElementsOf(fleet.problems().stream().map(Problem::format).toList());
    assertThat(source.etag()).isEqualTo(target.etag());
    assertThat(seen).containsExactly("GET /v1/hosts/web-01/target Bearer " + TOKEN);
    assertThat(source.describe()).isEqualTo("server " + client.describe().substring("server ".length()))
        .doesNotContain(TOKEN);
  }

  @Test
  void awaitChange_sendsTheLastEtag_andHandsTheNewTargetToTheNextFetch() throws Exception {
    ServerDesiredState source = new ServerDesiredState(client);
    source.fetch("web-01");
    status = 304;
    body = "";

    assertThat(source.awaitChange("web-01", Duration.ofSeconds(5))).isFalse(); // the server's poll ended: no change
    assertThat(conditions).containsExactly("-", target.etag());

    status = 200;
    body = target.json().toString();
    assertThat(source.awaitChange("web-01", Duration.ofSeconds(5))).isTrue();
    Desired d = source.fetch("web-01"); // the target the long poll read, without asking again

    assertThat(d.host()).isEqualTo(Example.fleet().host("web-01").orElseThrow());
    assertThat(seen).hasSize(3);
  }

  @Test
  void awaitChange_fails_whileTheServerIsUnreachable_soTheLoopBacksOff() throws Exception {
    ServerDesiredState source = new ServerDesiredState(client);
    source.fetch("web-01");
    server.stop(0);

    assertThatThrownBy(() -> source.awaitChange("web-01", Duration.ofSeconds(5))).isInstanceOf(IOException.class)
        .hasMessageStartingWith(client.describe() + " is unreachable").hasMessageNotContaining(TOKEN);
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503})
  void fetch_keepsTheLastTarget_whileTheServerFails(int failure) throws Exception {
    ServerDesiredState source = new ServerDesiredState(client);
    Desired first = source.fetch("web-01");
    status = failure;
    body = "{\"detail\": \"down for maintenance\"}";

    Desired kept = source.fetch("web-01");

    assertThat(kept.host()).isEqualTo(first.host());
    assertThat(kept.revision()).isEqualTo(first.revision());
    assertThat(kept.hasErrors()).isFalse();
    assertThat(kept.problems()).last().extracting(Problem::format).asString()
        .contains(failure + " down for maintenance")
        .endsWith("; keeping the target of revision " + first.revision());
  }

  @Test
  void fetch_keepsTheLastTarget_whileTheServerIsUnreachable() throws Exception {
    ServerDesiredState source = new ServerDesiredState(client);
    Desired first = source.fetch("web-01");
    server.stop(0);

    Desired kept = source.fetch("web-01");

    assertThat(kept.host()).isEqualTo(first.host());
    assertThat(kept.problems()).last().extracting(Problem::format).asString()
        .startsWith("warning: " + client.describe() + " is unreachable")
        .endsWith("; keeping the target of revision " + first.revision());
  }

  @Test
  void fetch_fails_whenNoTargetWasEverFetched() {
    server.stop(0);
    assertThatThrownBy(() -> new ServerDesiredState(client).fetch("web-01")).isInstanceOf(IOException.class)
        .hasMessageStartingWith(client.describe() + " is unreachable")
        .hasMessageEndingWith("; no target was fetched yet, so nothing is changed");
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403})
  void fetch_refusedCredential_isOneLineNamingTheTokenFile_evenWithATargetKept(int refusal) throws Exception {
    ServerDesiredState source = new ServerDesiredState(client);
    source.fetch("web-01");
    status = refusal;
    body = "{\"detail\": \"the credential is missing, unknown, expired or revoked\"}";

    assertThatThrownBy(() -> source.fetch("web-01")).isInstanceOf(IOException.class)
        .hasMessage(client.describe() + " refused the credential in " + tokenFile + ": " + refusal
            + " the credential is missing, unknown, expired or revoked (enroll the host again: bootfleet agent enroll)")
        .message().doesNotContain(TOKEN);
  }

  @Test
  void fetch_missingTokenFile_namesTheFile_andIsNotTakenForAnOutage() throws Exception {
    ServerDesiredState source = new ServerDesiredState(client);
    source.fetch("web-01");
    Files.delete(tokenFile);

    assertThatThrownBy(() -> source.fetch("web-01")).isInstanceOf(IOException.class)
        .hasMessage(tokenFile + ": no such file (expected the host's credential; run bootfleet agent enroll)");
  }

  @Test
  void fetch_aTargetThatDoesNotRead_isOneLine() {
    body = "{\"kind\": \"HostTarget\", \"revision\": \"main@sha1:0\", \"host\": {\"name\": 1}}";
    assertThatThrownBy(() -> new ServerDesiredState(client).fetch("web-01")).isInstanceOf(IOException.class)
        .hasMessageStartingWith("the server's target does not read: host.labels: missing (expected an object)");
  }

  @Test
  void fetch_anAnswerOverTheCap_isRefused() {
    body = "x".repeat(ServerClient.MAX_BODY + 1);
    assertThatThrownBy(() -> new ServerDesiredState(client).fetch("web-01")).isInstanceOf(IOException.class)
        .hasMessageContaining("larger than 16 MiB");
  }

  @Test
  void fetch_overHttps_trustsTheCaFile_andNothingElse() throws Exception {
    Path keys = tmp.resolve("server.p12");
    Path ca = tmp.resolve("ca.pem");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    run(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=127.0.0.1",
        "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", keys.toString(), "-storepass", "changeit");
    run(keytool.toString(), "-exportcert", "-rfc", "-alias", "server", "-keystore", keys.toString(), "-storepass",
        "changeit", "-file", ca.toString());
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(keys)) {
      ks.load(in, "changeit".toCharArray());
    }
    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
    kmf.init(ks, "changeit".toCharArray());
    javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
    https.createContext("/", ex -> {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    https.start();
    try {
      URI url = URI.create("https://127.0.0.1:" + https.getAddress().getPort());
      ServerClient trusting = new ServerClient(url, tokenFile, ca, Duration.ofSeconds(5), Duration.ofSeconds(10));
      assertThat(new ServerDesiredState(trusting).fetch("web-01").host().name()).isEqualTo("web-01");

      ServerClient system = new ServerClient(url, tokenFile, null, Duration.ofSeconds(5), Duration.ofSeconds(10));
      assertThatThrownBy(() -> new ServerDesiredState(system).fetch("web-01")).isInstanceOf(IOException.class)
          .hasMessageStartingWith(system.describe() + " is unreachable: ");
    } finally {
      https.stop(0);
    }
  }

  @Test
  void client_caFileThatIsNotPem_isOneLineNamingIt() throws Exception {
    Path ca = Files.writeString(tmp.resolve("ca.pem"), "not a certificate\n");
    assertThatThrownBy(() -> new ServerClient(URI.create("https://127.0.0.1:1"), tokenFile, ca, Duration.ofSeconds(1),
        Duration.ofSeconds(1))).isInstanceOf(IOException.class).hasMessageStartingWith(ca + ": ");
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
  }

  @Test
  void send_triesAgainAfterEachPause_thenGivesUpInOneLine() {
    status = 503;
    body = "{\"detail\": \"store unavailable\"}";
    List<Duration> paused = new CopyOnWriteArrayList<>();
    ServerReportSink sink = new ServerReportSink(client, ServerReportSink.BACKOFF, paused::add);

    assertThatThrownBy(() -> sink.send("web-01", "{}", null, "{}")).isInstanceOf(IOException.class)
        .hasMessage("the report was not sent after 3 tries (" + client.describe()
            + ": POST /v1/hosts/web-01/status: 503 store unavailable); the next cycle sends its own");
    assertThat(paused).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(seen).hasSize(3).allMatch(s -> s.equals("POST /v1/hosts/web-01/status Bearer " + TOKEN));
  }

  @Test
  void send_stopsTrying_onceTheServerAnswers() throws Exception {
    status = 204;
    body = "";
    List<Duration> paused = new CopyOnWriteArrayList<>();
    new ServerReportSink(client, ServerReportSink.BACKOFF, paused::add).send("web-01", "{\"a\":1}", null, "{}");
    assertThat(paused).isEmpty();
    assertThat(seen).hasSize(1);
  }

  @Test
  void send_refusedCredential_isNotTriedAgain() {
    status = 401;
    body = "{\"detail\": \"no\"}";
    List<Duration> paused = new CopyOnWriteArrayList<>();
    assertThatThrownBy(() -> new ServerReportSink(client, ServerReportSink.BACKOFF, paused::add)
        .send("web-01", "{}", null, "{}")).hasMessageContaining("refused the credential in " + tokenFile);
    assertThat(paused).isEmpty();
  }

  @Test
  void read_takesTheRolloutPart_asTheServerWritesIt_andNoneWithoutOne() throws Exception {
    Fleet fleet = Example.fleet();
    var part = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    part.put("name", "web").put("phase", "rebooting").putNull("reason").put("reboot", false)
        .put("rollbackFrom", "quay.io/x/os@sha256:" + "b".repeat(64)).put("unstage", true);
    HostTarget t = HostTarget.of(fleet.revision(), fleet.host("web-01").orElseThrow(), fleet.problems(),
        fleet.images(), part);

    Desired d = ServerDesiredState.read(t.json());
    assertThat(d.rollout()).isEqualTo(new dev.bootfleet.core.port.DesiredStateSource.Rollout(false, null, null,
        "quay.io/x/os@sha256:" + "b".repeat(64), true));
    assertThat(ServerDesiredState.read(target.json()).rollout()).isNull();

    part.put("reboot", true).put("rebootMode", "soft-reboot"); // as RolloutRunner says it with reboot: true
    Desired soft = ServerDesiredState.read(HostTarget.of(fleet.revision(), fleet.host("web-01").orElseThrow(),
        fleet.problems(), fleet.images(), part).json());
    assertThat(soft.rollout().rebootMode()).isEqualTo("soft-reboot");
    assertThat(soft.rollout().softReboot()).isTrue();

    part.remove("reboot");
    assertThatThrownBy(() -> ServerDesiredState.read(HostTarget.of(fleet.revision(), fleet.host("web-01")
        .orElseThrow(), fleet.problems(), fleet.images(), part).json()))
        .hasMessageStartingWith("the server's target does not read: rollout: ");
  }
}
