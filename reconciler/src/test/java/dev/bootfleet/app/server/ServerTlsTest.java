package dev.bootfleet.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.adapters.agentclient.ServerClient;
import dev.bootfleet.adapters.tls.ServerTls;
import dev.bootfleet.adapters.tls.TlsContexts;
import dev.bootfleet.testing.TestCa;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server in this process with HTTPS from PEM files (ADR 0019), on a free loopback port, spoken to
 * over real TLS by the agent's client and the JDK's: who is trusted, who is refused at the handshake.
 */
class ServerTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path tmp;

  TestCa ca;
  TestCa.Issued serverCert;
  ReconcilerServer server;
  String base;
  Path operatorToken;
  final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void certificates() throws Exception {
    ca = TestCa.create(tmp.resolve("ca"));
    serverCert = ca.issueServer("server");
  }

  void start(Path clientCa) throws Exception {
    ServerHarness h = new ServerHarness(tmp);
    server = new ReconcilerServer(new ReconcilerServer.Config(h.url(), "main", "", "127.0.0.1", 0, tmp.resolve("data"),
        Duration.ofHours(1), Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(900), null, null,
        new ServerTls(serverCert.certFile(), serverCert.keyFile(), clientCa), null), log::add);
    base = "https://127.0.0.1:" + server.start();
    operatorToken = tmp.resolve("data").resolve(ReconcilerServer.OPERATOR_TOKEN);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  ServerClient agent(Path caFile, TestCa.Issued clientCert) throws IOException {
    return new ServerClient(URI.create(base), operatorToken, caFile, clientCert == null ? null : clientCert.certFile(),
        clientCert == null ? null : clientCert.keyFile(), WAIT, WAIT);
  }

  static HttpResponse<String> get(SSLContext ctx, String url) throws Exception {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(WAIT);
    if (ctx != null) {
      b.sslContext(ctx);
    }
    try (HttpClient http = b.build()) {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void tls_answersAnAgentTrustingTheCa() throws Exception {
    start(null);

    assertThat(agent(ca.caFile(), null).get("/v1/hosts").status()).isEqualTo(200);
    assertThat(get(ca.clientContext(), base + "/healthz").body()).isEqualTo("ok\n");
    assertThat(log).anyMatch(l -> l.startsWith("listening on " + base + " for "));
  }

  @Test
  void tls_isRefusedByAClient_notTrustingTheCa() throws Exception {
    start(null);
    TestCa other = TestCa.create(tmp.resolve("other"));

    assertThatThrownBy(() -> agent(other.caFile(), null).get("/v1/hosts"))
        .isInstanceOf(IOException.class).hasMessageContaining("server " + base + " is unreachable");
    assertThatThrownBy(() -> get(null, base + "/healthz")).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
  }

  @Test
  void plainHttp_toTheTlsPort_isNotServed() throws Exception {
    start(null);
    String plain = base.replace("https://", "http://") + "/healthz";

    assertThatThrownBy(() -> get(null, plain)).isInstanceOf(IOException.class);
  }

  @Test
  void mutualTls_servesAClientWithACertificateFromTheCa_andStillWantsItsCredential() throws Exception {
    start(ca.caFile());
    TestCa.Issued host = ca.issueClient("web-01");

    assertThat(agent(ca.caFile(), host).get("/v1/hosts").status()).isEqualTo(200);
    SSLContext noToken = TlsContexts.client(List.of(ca.caFile()), false, host.certFile(), host.keyFile());
    assertThat(get(noToken, base + "/v1/hosts").statusCode()).isEqualTo(401);
    assertThat(log).anyMatch(l -> l.startsWith("listening on " + base + " (client certificates required) for "));
  }

  @Test
  void mutualTls_refusesAtTheHandshake_aClientWithoutACertificate() throws Exception {
    start(ca.caFile());

    assertThatThrownBy(() -> agent(ca.caFile(), null).get("/v1/hosts"))
        .isInstanceOf(IOException.class).hasMessageContaining("server " + base + " is unreachable");
    assertThatThrownBy(() -> get(ca.clientContext(), base + "/healthz")).isInstanceOf(IOException.class);
  }

  @Test
  void mutualTls_refusesAtTheHandshake_aCertificateFromAnotherCa() throws Exception {
    start(ca.caFile());
    TestCa other = TestCa.create(tmp.resolve("other"));
    TestCa.Issued stranger = other.issueClient("web-01");

    assertThatThrownBy(() -> agent(ca.caFile(), stranger).get("/v1/hosts"))
        .isInstanceOf(IOException.class).hasMessageContaining("server " + base + " is unreachable");
  }

  @Test
  void tls_offersNoProtocolOlderThan12() throws Exception {
    start(null);
    SSLContext ctx = ca.clientContext();
    try (var socket = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1",
        URI.create(base).getPort())) {
      socket.setEnabledProtocols(new String[] {"TLSv1.2"});
      socket.startHandshake();
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
    }
    try (var socket = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1",
        URI.create(base).getPort())) {
      socket.startHandshake();
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
    }
  }
}
