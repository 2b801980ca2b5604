package dev.bootfleet.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.TestCa;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class ServeCommandTest {
  @TempDir
  Path tmp;

  @ParameterizedTest
  @CsvSource({"127.0.0.1, true", "127.0.0.2, true", "::1, true", "localhost, true", "0.0.0.0, false",
      "10.1.2.3, false", "::, false"})
  void loopback_isTrue_onlyForLoopbackAddresses(String host, boolean loopback) {
    assertThat(ServeCommand.loopback(host)).isEqualTo(loopback);
  }

  /** Runs serve with {@code tlsArgs}, which must fail before anything starts: its error lines. */
  List<String> refused(String... tlsArgs) {
    List<String> args = new ArrayList<>(List.of("--repo", tmp.resolve("fleet").toUri().toString(), "--data",
        tmp.resolve("data").toString(), "--listen", "127.0.0.1:0"));
    args.addAll(List.of(tlsArgs));
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new ServeCommand()).setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
    assertThat(exit).as(err.toString()).isEqualTo(1);
    assertThat(tmp.resolve("data")).as("nothing written before the options are checked").doesNotExist();
    return err.toString().lines().toList();
  }

  @Test
  void tls_reportsEveryBadFileAtOnce_namingTheOptionAndTheFile() throws Exception {
    Path missing = tmp.resolve("missing.crt");
    Path garbage = Files.writeString(tmp.resolve("garbage.key"), "not a key\n");
    Path folder = Files.createDirectories(tmp.resolve("ca.d"));

    assertThat(refused("--tls-cert", missing.toString(), "--tls-key", garbage.toString(), "--client-ca",
        folder.toString())).containsExactly(
        "bootfleet: error: --tls-cert " + missing + ": no such file (expected certificates in PEM)",
        "bootfleet: error: --tls-key " + garbage + ": holds no private key (expected PEM: -----BEGIN PRIVATE KEY-----,"
            + " PKCS#8)",
        "bootfleet: error: --client-ca " + folder + ": is a folder (expected a file of certificates in PEM)");
  }

  @Test
  void tls_refusesAKeyThatIsNotTheCertificates_withoutShowingIt() throws Exception {
    TestCa ca = TestCa.create(tmp.resolve("ca"));
    TestCa.Issued one = ca.issueServer("one");
    TestCa.Issued two = ca.issueServer("two");

    List<String> errors = refused("--tls-cert", one.certFile().toString(), "--tls-key", two.keyFile().toString());

    assertThat(errors).containsExactly("bootfleet: error: --tls-key " + two.keyFile() + ": is not the key of the first"
        + " certificate in " + one.certFile() + " (expected the private key of that certificate)");
    String key = Files.readString(two.keyFile()).lines().skip(1).findFirst().orElseThrow();
    assertThat(String.join("\n", errors)).doesNotContain(key.substring(0, 20));
  }

  @Test
  void tls_refusesSwappedFiles_eachOneLine() throws Exception {
    TestCa ca = TestCa.create(tmp.resolve("ca"));
    TestCa.Issued server = ca.issueServer("server");

    assertThat(refused("--tls-cert", server.keyFile().toString(), "--tls-key", server.certFile().toString()))
        .containsExactly(
            "bootfleet: error: --tls-cert " + server.keyFile() + ": holds a private key but no certificate (expected PEM:"
                + " -----BEGIN CERTIFICATE-----)",
            "bootfleet: error: --tls-key " + server.certFile() + ": holds no private key (expected PEM:"
                + " -----BEGIN PRIVATE KEY-----, PKCS#8)");
  }

  @Test
  void tls_needsBothFiles_andMutualTlsNeedsTls() throws Exception {
    TestCa ca = TestCa.create(tmp.resolve("ca"));
    TestCa.Issued server = ca.issueServer("server");

    assertThat(refused("--tls-key", server.keyFile().toString())).containsExactly(
        "bootfleet: error: --tls-key " + server.keyFile() + ": given without --tls-cert (expected both: --tls-cert FILE"
            + " --tls-key FILE)");
    assertThat(refused("--tls-cert", server.certFile().toString())).containsExactly(
        "bootfleet: error: --tls-cert " + server.certFile() + ": given without --tls-key (expected both: --tls-cert"
            + " FILE --tls-key FILE)");
    assertThat(refused("--client-ca", ca.caFile().toString())).containsExactly(
        "bootfleet: error: --client-ca " + ca.caFile() + ": only with --tls-cert and --tls-key (expected mutual TLS on"
            + " HTTPS)");
  }
}
