package dev.bootfleet.adapters.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PemTest {
  @TempDir
  Path tmp;

  TestCa ca;

  @BeforeEach
  void ca() throws Exception {
    ca = TestCa.create(tmp.resolve("ca"));
  }

  @Test
  void certificates_keepTheChainsOrder_whenTheFileHoldsSeveral() throws Exception {
    TestCa.Issued server = ca.issueServer("server");
    Path chain = tmp.resolve("chain.pem");
    Files.writeString(chain, Files.readString(server.certFile()) + Files.readString(ca.caFile()));

    List<X509Certificate> certs = Pem.certificates(chain);

    assertThat(certs).containsExactly(server.cert(), ca.certificate());
  }

  @Test
  void certificates_skipAKeyInTheSameFile_andSayWhenThereIsOnlyAKey() throws Exception {
    TestCa.Issued server = ca.issueServer("server");
    Path both = write(Files.readString(server.keyFile()) + Files.readString(server.certFile()));

    assertThat(Pem.certificates(both)).containsExactly(server.cert());
    assertThat(Pem.privateKey(both).getEncoded()).isEqualTo(server.keys().getPrivate().getEncoded());
    assertThatThrownBy(() -> Pem.certificates(server.keyFile())).hasMessage(server.keyFile()
        + ": holds a private key but no certificate (expected PEM: -----BEGIN CERTIFICATE-----)");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "ec    | EC",
      "rsa   | RSA"})
  void privateKey_readsPkcs8_forRsaAndEc(String kind, String algorithm) throws Exception {
    TestCa.Issued server = kind.equals("rsa") ? ca.issueServerRsa("server") : ca.issueServer("server");

    PrivateKey key = Pem.privateKey(server.keyFile());

    assertThat(key.getAlgorithm()).isEqualTo(algorithm);
    assertThat(key.getEncoded()).isEqualTo(server.keys().getPrivate().getEncoded());
    assertThat(Pem.matches(key, server.cert())).isTrue();
  }

  @Test
  void matches_isFalse_forAnotherCertificatesKey() throws Exception {
    TestCa.Issued one = ca.issueServer("one");
    TestCa.Issued two = ca.issueServer("two");
    TestCa.Issued rsa = ca.issueServerRsa("rsa");

    assertThat(Pem.matches(Pem.privateKey(one.keyFile()), two.cert())).isFalse();
    assertThat(Pem.matches(Pem.privateKey(rsa.keyFile()), one.cert())).isFalse();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "missing   | no such file (expected certificates in PEM)",
      "folder    | is a folder (expected a file of certificates in PEM)",
      "empty     | holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)",
      "garbage   | not PEM certificates (expected -----BEGIN CERTIFICATE----- blocks)"})
  void certificates_failOneLineNamingTheFile_whenUnusable(String kind, String reason) throws Exception {
    Path f = unusable(kind, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

    assertThatThrownBy(() -> Pem.certificates(f)).isInstanceOf(Pem.Problem.class).hasMessage(f + ": " + reason);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "missing   | no such file (expected private key in PEM)",
      "empty     | holds no private key (expected PEM: -----BEGIN PRIVATE KEY-----, PKCS#8)",
      "cert      | holds no private key (expected PEM: -----BEGIN PRIVATE KEY-----, PKCS#8)",
      "pkcs1     | holds -----BEGIN RSA PRIVATE KEY----- (expected an unencrypted PKCS#8 -----BEGIN PRIVATE KEY-----; convert it with openssl pkcs8 -topk8 -nocrypt)",
      "encrypted | holds -----BEGIN ENCRYPTED PRIVATE KEY----- (expected an unencrypted PKCS#8 -----BEGIN PRIVATE KEY-----; convert it with openssl pkcs8 -topk8 -nocrypt)",
      "notakey   | the private key is neither RSA nor EC (expected a PKCS#8 RSA or EC key)"})
  void privateKey_failsOneLineWithoutTheKey_whenUnusable(String kind, String reason) throws Exception {
    TestCa.Issued server = ca.issueServer("server");
    String body = Base64.getMimeEncoder().encodeToString(server.keys().getPrivate().getEncoded());
    Path f = switch (kind) {
      case "cert" -> server.certFile();
      case "pkcs1" -> write("-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----\n");
      case "encrypted" -> write("-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + body + "\n-----END ENCRYPTED PRIVATE KEY-----\n");
      case "notakey" -> write("-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(new byte[64])
          + "\n-----END PRIVATE KEY-----\n");
      default -> unusable(kind, "");
    };

    assertThatThrownBy(() -> Pem.privateKey(f)).isInstanceOf(Pem.Problem.class).hasMessage(f + ": " + reason)
        .message().doesNotContain(body.substring(0, 16));
  }

  @Test
  void identity_namesBothFiles_whenTheKeyIsAnotherCertificates() throws Exception {
    TestCa.Issued one = ca.issueServer("one");
    TestCa.Issued two = ca.issueServer("two");

    assertThatThrownBy(() -> TlsContexts.identity(one.certFile(), two.keyFile()))
        .hasMessage(two.keyFile() + ": is not the key of the first certificate in " + one.certFile()
            + " (expected the private key of that certificate)");
  }

  @Test
  void trust_holdsOnlyTheGivenAuthorities_withoutTheJdks() throws Exception {
    KeyStore only = TlsContexts.trust(List.of(ca.caFile()), false);
    KeyStore withJdk = TlsContexts.trust(List.of(ca.caFile()), true);

    assertThat(only.size()).isEqualTo(1);
    assertThat(only.getCertificateAlias(ca.certificate())).isNotNull();
    assertThat(withJdk.size()).isGreaterThan(1);
  }

  private Path unusable(String kind, String garbage) throws Exception {
    return switch (kind) {
      case "missing" -> tmp.resolve("missing.pem");
      case "folder" -> Files.createDirectories(tmp.resolve("folder.pem"));
      case "empty" -> write("");
      case "garbage" -> write(garbage);
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private Path write(String text) throws Exception {
    return Files.writeString(Files.createTempFile(tmp, "f", ".pem"), text);
  }
}
