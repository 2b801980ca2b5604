package dev.bootfleet.core.observed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every upstream {@code rpm-ostree status --json} fixture parses to what it says. */
class RpmOstreeFixturesTest {
  private static final String FCOS = "quay.io/fedora/fedora-coreos";
  private static final String FCOS_STABLE = "fedora-coreos";

  static Path dir() {
    try {
      return Path.of(RpmOstreeFixturesTest.class.getResource("/fixtures/rpm-ostree").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> documents() {
    try (Stream<Path> files = Files.list(dir())) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObservedHost parse(String name) throws ObservedStateException {
    try {
      return RpmOstreeStatusParser.parse(Files.readString(dir().resolve(name)), name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everySharedFixtureIsHere() {
    assertThat(documents()).containsExactly(
        "rpm-ostree--oci-deployment.json",
        "rpm-ostree--workstation-status.json",
        "rpmostree-client-go--fcos-container-status.json",
        "zincati--rpm-ostree-oci-status.json",
        "zincati--rpm-ostree-staged.json",
        "zincati--rpm-ostree-status.json");
  }

  @ParameterizedTest
  @MethodSource("documents")
  void parses_andTheBytesOverloadAgrees(String name) throws Exception {
    ObservedHost fromText = parse(name);
    ObservedHost fromBytes = RpmOstreeStatusParser.parse(Files.readAllBytes(dir().resolve(name)), name);

    assertThat(fromBytes).isEqualTo(fromText);
    assertThat(fromText.booted()).isNotNull();
    assertThat(fromText.apiVersion()).isEqualTo(RpmOstreeStatusParser.API_VERSION);
  }

  @Test
  void signedImage_zincatiStatus() throws Exception {
    ObservedHost h = parse("zincati--rpm-ostree-status.json");

    assertThat(h.booted().image()).isEqualTo(new ImageStatus(
        new ImageReference(FCOS + ":stable", "registry", "containerPolicy"), "43.20251024.3.0",
        "2025-11-11T05:05:57Z", "sha256:ca99893c80a7b84dd84d4143bd27538207c2f38ab6647a58d9c8caa251f9a087",
        "amd64"));
    assertThat(h.booted().ostreeChecksum())
        .isEqualTo("36ff46d732a070a1bf10f7157f764e316f99a836dcdbf56702798e5042411fe9");
    assertThat(h.booted().deploySerial()).isZero();
    assertThat(h.booted().stateroot()).isEqualTo(FCOS_STABLE);
    assertThat(h.booted().incompatible()).isFalse();
    assertThat(h.staged()).isNull();
    assertThat(h.rollback()).isNull();
    assertThat(h.rollbackQueued()).isFalse();
    assertThat(h.bootOrder()).isEqualTo("default");
    assertThat(h.specImage()).isEqualTo(h.booted().image().image());
    assertThat(h.type()).isEqualTo("bootcHost");
    assertThat(h.usrOverlay()).isNull();
  }

  @Test
  void ostreeRemoteImage_zincatiOciStatus() throws Exception {
    ObservedHost h = parse("zincati--rpm-ostree-oci-status.json");

    assertThat(h.booted().image().image())
        .isEqualTo(new ImageReference(FCOS + ":testing", "registry", "ostreeRemote:fedora"));
    assertThat(h.booted().image().imageDigest())
        .isEqualTo("sha256:c4a15145a232d882ccf2ed32d22c06c01a7cf62317eb966a98340ae4bd56dfa6");
    assertThat(h.booted().image().version()).isEqualTo("41.20250105.2.0");
    assertThat(h.booted().image().timestamp()).isEqualTo("2025-01-06T19:46:25Z");
    assertThat(h.staged()).isNull();
    assertThat(h.rollback()).isNull();
  }

  @Test
  void unverifiedDigestPinned_ociDeployment() throws Exception {
    ObservedHost h = parse("rpm-ostree--oci-deployment.json");
    String digest = "sha256:d12dd2fcb57ecfde0941be604f4dcd43ce0409b86e5ee4e362184c802b80fb84";

    assertThat(h.booted().image()).isEqualTo(new ImageStatus(
        new ImageReference(FCOS + "@" + digest, "registry", null), "41.20241109.3.0",
        "2024-11-25T02:09:37Z", digest, "amd64"));
    assertThat(h.staged()).isNull();
  }

  @Test
  void rebaseInFlight_stagedContainerOverOstreeRef() throws Exception {
    ObservedHost h = parse("rpmostree-client-go--fcos-container-status.json");

    assertThat(h.booted().image()).as("an ostree-ref deployment has no image").isNull();
    assertThat(h.booted().ostreeChecksum())
        .isEqualTo("a465c49fef185f8339d3cd5857e28386cfdc6516f68206912917c9dc3192d809");
    assertThat(h.type()).isNull();
    assertThat(h.staged().image()).isEqualTo(new ImageStatus(
        new ImageReference(FCOS + ":testing-devel", "registry", null), null, "2022-09-21T21:01:55Z",
        "sha256:25d3a07d53835c6c738fb4dcba149dc0b64a9bc4ec9c3431750cabd3596ab233",
        RpmOstreeStatusParser.UNKNOWN_ARCHITECTURE));
    assertThat(h.staged().downloadOnly()).isFalse();
    assertThat(h.specImage()).isEqualTo(h.staged().image().image());
    assertThat(h.rollback()).isNull();
    assertThat(h.rollbackQueued()).isFalse();
  }

  @Test
  void finalizationLockedStaged_ostreeRefs() throws Exception {
    ObservedHost h = parse("zincati--rpm-ostree-staged.json");

    assertThat(h.staged().downloadOnly()).isTrue();
    assertThat(h.staged().image()).isNull();
    assertThat(h.staged().ostreeChecksum())
        .isEqualTo("967b7b8d624e6d10ff51c2e81ef198fae966c567ac2e9b479771c693d0987949");
    assertThat(h.booted().ostreeChecksum())
        .isEqualTo("01f074cc6cd88d8d2b43f821da692f2367c101eb4377802cb35092bde0ef02f7");
    assertThat(h.booted().downloadOnly()).isFalse();
    assertThat(h.booted().image()).isNull();
    assertThat(h.specImage()).isNull();
    assertThat(h.rollback()).isNull();
  }

  @Test
  void layeredWorkstation_isIncompatibleWithRollback() throws Exception {
    ObservedHost h = parse("rpm-ostree--workstation-status.json");

    assertThat(h.booted().incompatible()).as("16 layered packages").isTrue();
    assertThat(h.booted().stateroot()).isEqualTo("fedora-silverblue");
    assertThat(h.staged()).isNull();
    assertThat(h.rollback().ostreeChecksum())
        .isEqualTo("775d54e89bc74731ec27db04f12510c0269c8cbab3ad5e39e0a4d693231ef072");
    assertThat(h.rollback().incompatible()).isTrue();
    assertThat(h.rollbackQueued()).isFalse();
    assertThat(h.otherDeployments()).isEmpty();
  }

  /** New upstream fixtures in the shared folder must be copied here too. */
  @Test
  void copiedFixturesEqualTheSharedOnes() throws IOException {
    String root = System.getProperty("bootfleet.projectRoot");
    assumeTrue(root != null, "bootfleet.projectRoot is not set (not run by surefire)");
    Path shared = Path.of(root, "..", "shared", "fixtures", "rpm-ostree").normalize();
    assumeTrue(Files.isDirectory(shared), shared + " does not exist");

    assertThat(contents(dir())).isEqualTo(contents(shared));
  }

  private static Map<String, String> contents(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        files.put(p.getFileName().toString(), HexFormat.of().formatHex(Files.readAllBytes(p)));
      }
    }
    return files;
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
