package dev.bootfleet.adapters.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.port.ImageRegistry.RegistryException;
import dev.bootfleet.core.port.ImageRegistry.RegistryException.Kind;
import dev.bootfleet.testing.RegistryServer;
import dev.bootfleet.testing.TestCa;
import dev.bootfleet.testing.TestImages;
import dev.bootfleet.testing.TokenServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter against real registries behind TLS with a CA the test made: one with htpasswd (HTTP
 * Basic), one with the bearer-token flow. Credentials come from auth files as podman writes them.
 */
class HttpImageRegistrySecureTest {
  @TempDir
  static Path tmp;
  static TestCa ca;
  static RegistryServer basic;
  static TokenServer tokens;
  static RegistryServer bearer;
  static TestImages.Index basicIndex;
  static TestImages.Image bearerImage;

  @BeforeAll
  static void start() throws Exception {
    ca = TestCa.create(tmp.resolve("ca"));
    basic = RegistryServer.builder().tls(ca).htpasswd("fleet", "pa55-basic").start();
    tokens = TokenServer.start(ca, "robot", "pa55-token");
    bearer = RegistryServer.builder().tls(ca).tokenAuth(tokens).start();
    basicIndex = new TestImages(basic).pushIndex("secure/os", "1");
    bearerImage = new TestImages(bearer).push("tokens/os", "1");
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {basic, bearer, tokens}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  static Path authFile(String name, Map<String, String> hostToUserPass) throws Exception {
    StringBuilder b = new StringBuilder("{\"auths\":{");
    String sep = "";
    for (var e : hostToUserPass.entrySet()) {
      b.append(sep).append('"').append(e.getKey()).append("\":{\"auth\":\"")
          .append(Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8))).append("\"}");
      sep = ",";
    }
    Path f = tmp.resolve(name);
    Files.writeString(f, b.append("}}").toString());
    return f;
  }

  static RegistrySettings settings(Map<String, String> env) {
    return RegistrySettings.defaults(env).withCaFiles(List.of(ca.caFile())).withCertsDirs(List.of());
  }

  static HttpImageRegistry client(RegistrySettings s) {
    return new HttpImageRegistry(s, Clock.systemUTC(), d -> { });
  }

  @Test
  void basicAuth_withRegistryAuthFile_andTheTestCa_resolvesTheIndex() throws Exception {
    Path auth = authFile("basic-auth.json", Map.of(basic.host(), "fleet:pa55-basic"));
    try (HttpImageRegistry c = client(settings(Map.of("HOME", "/nonexistent", "REGISTRY_AUTH_FILE", auth.toString())))) {
      var m = c.resolveTag(ImageRef.parse(basicIndex.tagged()));

      assertThat(m.digest()).hasToString(basicIndex.digest());
      assertThat(m.children()).hasSize(2);
      assertThat(c.exists(ImageRef.parse(basic.host() + "/secure/os@" + basicIndex.child("linux/arm64")))).isTrue();
    }
  }

  @Test
  void basicAuth_withoutCredentials_isUnauthorized_namingWhereItLooked() {
    try (HttpImageRegistry c = client(settings(Map.of("HOME", tmp.resolve("home").toString())))) {
      assertThatThrownBy(() -> c.resolveTag(ImageRef.parse(basicIndex.tagged())))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
          .hasMessageStartingWith(basic.host() + " needs credentials (HTTP 401); none found for it in ")
          .hasMessageContaining(tmp.resolve("home/.docker/config.json").toString());
    }
  }

  @Test
  void basicAuth_wrongPassword_isUnauthorized_andTheSecretIsNotShown() throws Exception {
    Path auth = authFile("wrong-auth.json", Map.of(basic.host(), "fleet:not-the-password"));
    try (HttpImageRegistry c = client(settings(Map.of("HOME", "/nonexistent", "REGISTRY_AUTH_FILE", auth.toString())))) {
      assertThatThrownBy(() -> c.resolveTag(ImageRef.parse(basicIndex.tagged())))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
          .hasMessage(basic.host() + " refused the credentials of fleet from " + auth + " (auths." + basic.host()
              + ") for " + basic.host() + "/secure/os (HTTP 401)")
          .message().doesNotContain("not-the-password");
    }
  }

  @Test
  void tls_withoutTheCa_saysTheCertificateIsNotTrusted() throws Exception {
    Path auth = authFile("basic-auth2.json", Map.of(basic.host(), "fleet:pa55-basic"));
    RegistrySettings noCa = RegistrySettings.defaults(Map.of("HOME", "/nonexistent",
        "REGISTRY_AUTH_FILE", auth.toString())).withCertsDirs(List.of());
    try (HttpImageRegistry c = client(noCa)) {
      assertThatThrownBy(() -> c.resolveTag(ImageRef.parse(basicIndex.tagged())))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
          .hasMessageContaining("its certificate is not trusted: give its CA with --registry-ca FILE");
    }
  }

  @Test
  void tls_caFromCertsD_isTrustedForThatRegistry() throws Exception {
    Path certsD = tmp.resolve("certs.d");
    Files.createDirectories(certsD.resolve(basic.host()));
    Files.copy(ca.caFile(), certsD.resolve(basic.host()).resolve("ca.crt"));
    Path auth = authFile("basic-auth3.json", Map.of(basic.host(), "fleet:pa55-basic"));
    RegistrySettings s = RegistrySettings.defaults(Map.of("HOME", "/nonexistent", "REGISTRY_AUTH_FILE",
        auth.toString())).withCertsDirs(List.of(certsD));
    try (HttpImageRegistry c = client(s)) {
      assertThat(c.resolveTag(ImageRef.parse(basicIndex.tagged())).digest()).hasToString(basicIndex.digest());
    }
  }

  @Test
  void bearer_withDockerConfig_getsOneTokenAndReusesIt() throws Exception {
    Path home = tmp.resolve("bearer-home");
    Files.createDirectories(home.resolve(".docker"));
    Files.writeString(home.resolve(".docker/config.json"), "{\"auths\":{\"https://" + bearer.host()
        + "/v1/\":{\"auth\":\"" + Base64.getEncoder().encodeToString("robot:pa55-token".getBytes(StandardCharsets.UTF_8))
        + "\"}}}");
    try (HttpImageRegistry c = client(settings(Map.of("HOME", home.toString())))) {
      int before = tokens.issuedCount();
      ImageRef ref = ImageRef.parse(bearerImage.tagged());

      assertThat(c.resolveTag(ref).digest()).hasToString(bearerImage.digest());
      assertThat(c.exists(ImageRef.parse(bearerImage.byDigest()))).isTrue();
      assertThat(c.fetchDigest(ImageRef.parse(bearerImage.byDigest())).digest()).hasToString(bearerImage.digest());

      assertThat(tokens.issuedCount() - before).isEqualTo(1);
    }
  }

  @Test
  void bearer_withoutCredentials_tokenServiceRefuses() {
    try (HttpImageRegistry c = client(settings(Map.of("HOME", tmp.resolve("nobody").toString())))) {
      assertThatThrownBy(() -> c.resolveTag(ImageRef.parse(bearerImage.tagged())))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
          .hasMessageStartingWith(bearer.host() + "'s token service refused anonymous access");
    }
  }

  @Test
  void bearer_credentialHelper_suppliesTheSecret() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path helper = bin.resolve("docker-credential-bootfleet-test");
    // A credential helper speaks a small protocol: the server on stdin, JSON on stdout.
    Files.writeString(helper, """
        #!/bin/sh
        read server
        if [ "$1" = get ] && [ "$server" = "%s" ]; then
          printf '{"ServerURL":"%%s","Username":"robot","Secret":"pa55-token"}' "$server"
        else
          echo "credentials not found in native keychain"; exit 1
        fi
        """.formatted(bearer.host()));
    helper.toFile().setExecutable(true);
    Path home = tmp.resolve("helper-home");
    Files.createDirectories(home.resolve(".docker"));
    Files.writeString(home.resolve(".docker/config.json"),
        "{\"credHelpers\":{\"" + bearer.host() + "\":\"bootfleet-test\"}}");
    try (HttpImageRegistry c = client(settings(Map.of("HOME", home.toString(), "PATH", bin + ":/usr/bin:/bin")))) {
      assertThat(c.resolveTag(ImageRef.parse(bearerImage.tagged())).digest()).hasToString(bearerImage.digest());
    }
  }
}
