package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.RegistryServer;
import dev.bootfleet.testing.TestCa;
import dev.bootfleet.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pin, plan --verify-images and bake through the built jar against a registry with htpasswd
 * authentication behind TLS whose CA the test made: credentials from REGISTRY_AUTH_FILE, trust from
 * --registry-ca, as a CI job would run them.
 */
class RegistryCliIT {
  @TempDir
  static Path tmp;
  static TestCa ca;
  static RegistryServer registry;
  static TestImages.Index index;
  static Path authFile;

  @BeforeAll
  static void start() throws Exception {
    ca = TestCa.create(tmp.resolve("ca"));
    registry = RegistryServer.builder().tls(ca).htpasswd("ci", "ci-pa55").start();
    index = new TestImages(registry).pushIndex("cli/edge-os", "9");
    authFile = tmp.resolve("auth.json");
    Files.writeString(authFile, "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\""
        + Base64.getEncoder().encodeToString("ci:ci-pa55".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void pinVerifyBake_overTlsWithHtpasswd(@TempDir Path fleet) throws Exception {
    Files.createDirectories(fleet.resolve("hosts"));
    String host = """
        apiVersion: bootfleet.dev/v1alpha1
        kind: Host
        metadata: {name: edge-01}
        spec:
          image:
            ref: %s  # follows 9
          etc:
            - {path: /etc/edge.conf, content: "edge=1\\n"}
        """.formatted(index.tagged());
    Files.writeString(fleet.resolve("hosts/edge-01.yaml"), host);
    Map<String, String> env = Map.of("REGISTRY_AUTH_FILE", authFile.toString(), "HOME", tmp.toString());
    String ca = RegistryCliIT.ca.caFile().toString();

    CliIT.Run pin = CliIT.bootfleet(env, "pin", "--repo", fleet.toString(), "--registry-ca", ca);
    assertThat(pin.err()).isEmpty();
    assertThat(pin.exit()).isZero();
    assertThat(Files.readString(fleet.resolve("hosts/edge-01.yaml"))).isEqualTo(host.replace(index.tagged(),
        index.pinned()));
    assertThat(Files.readString(fleet.resolve("bootfleet.lock.json"))).contains(index.child("linux/arm64"));

    CliIT.Run check = CliIT.bootfleet(env, "pin", "--repo", fleet.toString(), "--registry-ca", ca, "--check");
    assertThat(check.exit()).as(check.out() + check.err()).isZero();

    Files.createDirectories(fleet.resolve("observed"));
    Files.copy(CliIT.ROOT.resolve("examples/fleet-repo/observed/web-01.json"), fleet.resolve("observed/edge-01.json"));
    CliIT.Run verify = CliIT.bootfleet(env, "plan", "--repo", fleet.toString(), "--observed",
        fleet.resolve("observed").toString(), "--verify-images", "--registry-ca", ca);
    assertThat(verify.err()).isEmpty();
    assertThat(verify.exit()).isZero();
    assertThat(verify.out()).containsPattern("edge-01 +drifted +stage, reboot");

    CliIT.Run bake = CliIT.bootfleet(env, "bake", "--repo", fleet.toString(), "--host", "edge-01", "--to",
        registry.host() + "/cli/edge-01:baked", "--platform", "linux/arm64", "--registry-ca", ca, "--write-back");
    assertThat(bake.err()).isEmpty();
    assertThat(bake.exit()).isZero();
    String pinned = bake.out().lines().findFirst().orElseThrow();
    assertThat(pinned).matches(registry.host().replace(".", "\\.") + "/cli/edge-01:baked@sha256:[0-9a-f]{64}");
    assertThat(Files.readString(fleet.resolve("hosts/edge-01.yaml"))).isEqualTo(host.replace(index.tagged(), pinned));
  }

  @Test
  void pin_withoutCredentials_isOneLineNamingFileAndReference_andWritesNothing(@TempDir Path fleet) throws Exception {
    Files.createDirectories(fleet.resolve("hosts"));
    String host = "apiVersion: bootfleet.dev/v1alpha1\nkind: Host\nmetadata: {name: h}\nspec:\n  image: {ref: "
        + index.tagged() + "}\n";
    Files.writeString(fleet.resolve("hosts/h.yaml"), host);

    CliIT.Run r = CliIT.bootfleet(Map.of("HOME", tmp.resolve("nobody").toString(), "REGISTRY_AUTH_FILE", ""), "pin",
        "--repo", fleet.toString(), "--registry-ca", ca.caFile().toString());

    assertThat(r.exit()).isEqualTo(1);
    CliIT.assertNoStackTrace(r);
    assertThat(r.err().lines()).hasSize(2);
    assertThat(r.err()).startsWith("hosts/h.yaml:5:16: error: spec.image.ref: \"" + index.tagged() + "\": "
        + registry.host() + " needs credentials (HTTP 401); none found for it in ");
    assertThat(r.err()).endsWith("pin: nothing written (1 error)\n");
    assertThat(Files.readString(fleet.resolve("hosts/h.yaml"))).isEqualTo(host);
    assertThat(Files.exists(fleet.resolve("bootfleet.lock.json"))).isFalse();
  }
}
