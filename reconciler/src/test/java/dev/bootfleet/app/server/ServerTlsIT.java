package dev.bootfleet.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.adapters.tls.TlsContexts;
import dev.bootfleet.testing.BootfleetProcesses;
import dev.bootfleet.testing.TestCa;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar through {@code bin/bootfleet serve} with HTTPS and mutual TLS from PEM files (ADR 0019):
 * it answers a client with a certificate from the CA, refuses one without, and refuses bad files with
 * one line each before it writes anything.
 */
class ServerTlsIT {
  @TempDir
  Path tmp;

  @RegisterExtension
  final BootfleetProcesses bootfleet = new BootfleetProcesses();

  Process serve(String repo, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("serve", "--repo", repo, "--data", tmp.resolve("data").toString(),
        "--poll-seconds", "3600"));
    args.addAll(List.of(more));
    return bootfleet.start(tmp.resolve("server.log"), args);
  }

  record Result(int exit, String output) {}

  /** Runs {@code bin/bootfleet args} to its end (bounded): its exit and its output, both streams. */
  Result bootfleet(String... args) throws Exception {
    Process p = bootfleet.start(BootfleetProcesses.command(List.of(args)).redirectErrorStream(true));
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("bootfleet " + String.join(" ", args) + " ends").isTrue();
    return new Result(p.exitValue(), output);
  }

  static int status(SSLContext ctx, String url) {
    try (HttpClient http = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build()) {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void serve_withClientCa_answersOnlyAClientWithACertificateFromIt() throws Exception {
    ServerHarness h = new ServerHarness(tmp);
    TestCa ca = TestCa.create(tmp.resolve("ca"));
    TestCa.Issued server = ca.issueServer("server");
    TestCa.Issued host = ca.issueClient("web-01");
    int port = ServerDurabilityIT.freePort();
    String base = "https://127.0.0.1:" + port;
    serve(h.url(), "--listen", "127.0.0.1:" + port, "--tls-cert", server.certFile().toString(), "--tls-key",
        server.keyFile().toString(), "--client-ca", ca.caFile().toString());
    SSLContext withCert = TlsContexts.client(List.of(ca.caFile()), false, host.certFile(), host.keyFile());

    ServerHarness.await("the server ready over mutual TLS", Duration.ofSeconds(90),
        () -> status(withCert, base + "/readyz") == 200);

    assertThat(status(ca.clientContext(), base + "/healthz")).as("no client certificate").isEqualTo(-1);
    assertThat(status(withCert, base + "/v1/hosts")).as("a certificate, no credential").isEqualTo(401);
    Path operator = tmp.resolve("data").resolve(ReconcilerServer.OPERATOR_TOKEN);
    Result enrolled = bootfleet("host", "enroll", "web-01", "--server", base, "--token-file", operator.toString(),
        "--server-ca", ca.caFile().toString(), "--client-cert", host.certFile().toString(), "--client-key",
        host.keyFile().toString());
    assertThat(enrolled.exit()).as(enrolled.output()).isZero();
    assertThat(enrolled.output()).startsWith("bfe_");
    Result refused = bootfleet("host", "enroll", "web-01", "--server", base, "--token-file", operator.toString(),
        "--server-ca", ca.caFile().toString());
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.output()).startsWith("bootfleet: error: server " + base + " is unreachable: ");
    assertThat(Files.readString(tmp.resolve("server.log"))).contains("listening on " + base
        + " (client certificates required)").doesNotContain("beyond loopback");
  }

  @Test
  void serve_withBadTlsFiles_exitsOneWithALineEach_beforeWritingAnything() throws Exception {
    Path garbage = Files.writeString(tmp.resolve("tls.key"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
        + "-----END RSA PRIVATE KEY-----\n");
    Process p = serve(tmp.resolve("fleet").toUri().toString(), "--listen", "0.0.0.0:0", "--tls-cert",
        tmp.resolve("tls.crt").toString(), "--tls-key", garbage.toString());

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("serve exits").isTrue();

    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(Files.readAllLines(tmp.resolve("server.log"), StandardCharsets.UTF_8)).containsExactly(
        "bootfleet: error: --tls-cert " + tmp.resolve("tls.crt") + ": no such file (expected certificates in PEM)",
        "bootfleet: error: --tls-key " + garbage + ": holds -----BEGIN RSA PRIVATE KEY----- (expected an unencrypted PKCS#8"
            + " -----BEGIN PRIVATE KEY-----; convert it with openssl pkcs8 -topk8 -nocrypt)");
    assertThat(tmp.resolve("data")).as("nothing written").doesNotExist();
  }
}
