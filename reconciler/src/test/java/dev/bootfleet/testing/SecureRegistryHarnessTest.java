package dev.bootfleet.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness's TLS and authentication: htpasswd (Basic) and the bearer-token flow, with a test CA. */
class SecureRegistryHarnessTest {
  @TempDir
  Path tmp;

  private static HttpResponse<Void> head(RegistryServer r, String repo, String ref, String auth) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(r.baseUri().resolve("/v2/" + repo + "/manifests/" + ref))
        .header("Accept", String.join(", ", TestImages.ALL_MANIFEST_TYPES))
        .method("HEAD", HttpRequest.BodyPublishers.noBody());
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return r.httpClient().send(b.build(), HttpResponse.BodyHandlers.discarding());
  }

  @Test
  void htpasswdBehindTls_pushWithCredentials_andAnonymousIsRefused() throws Exception {
    TestCa ca = TestCa.create(tmp.resolve("ca"));
    try (RegistryServer registry = RegistryServer.builder().tls(ca).htpasswd("fleet", "s3cret").start()) {
      assertThat(registry.baseUri().getScheme()).isEqualTo("https");
      TestImages.Index index = new TestImages(registry).pushIndex("secure/os", "1");

      HttpResponse<Void> ok = head(registry, "secure/os", "1", registry.authorization("secure/os"));
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("Docker-Content-Digest")).hasValue(index.digest());

      HttpResponse<Void> anonymous = head(registry, "secure/os", "1", null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
      assertThat(Files.readString(ca.caFile())).startsWith("-----BEGIN CERTIFICATE-----");
    }
  }

  @Test
  void tls_isNotTrustedWithoutTheTestCa() throws Exception {
    TestCa ca = TestCa.create(tmp.resolve("ca"));
    try (RegistryServer registry = RegistryServer.builder().tls(ca).start()) {
      HttpClient jdkDefaults = HttpClient.newHttpClient();
      assertThatThrownBy(() -> jdkDefaults.send(HttpRequest.newBuilder(registry.baseUri().resolve("/v2/")).build(),
          HttpResponse.BodyHandlers.discarding())).isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void tokenAuth_pushWithCredentials_andTheRegistryAsksForABearerToken() throws Exception {
    TestCa ca = TestCa.create(tmp.resolve("ca"));
    try (TokenServer tokens = TokenServer.start(ca, "robot", "t0ken-pass");
        RegistryServer registry = RegistryServer.builder().tls(ca).tokenAuth(tokens).start()) {
      TestImages.Image image = new TestImages(registry).push("tokens/os", "1");

      HttpResponse<Void> ok = head(registry, "tokens/os", "1", registry.authorization("tokens/os"));
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("Docker-Content-Digest")).hasValue(image.digest());

      HttpResponse<Void> anonymous = head(registry, "tokens/os", "1", null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
          .startsWith("Bearer").contains("realm=\"" + tokens.realm() + "\"", "service=\"" + TokenServer.SERVICE + "\""));
    }
  }
}
