package dev.bootfleet.core.observed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bootfleet.core.yaml.JsonView;
import dev.bootfleet.core.yaml.YamlReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/** Every upstream {@code bootc status} fixture parses to exactly what it says. */
class BootcFixturesTest {
  private static final String V1ALPHA1 = "org.containers.bootc/v1alpha1";
  private static final String CENTOS = "quay.io/centos-bootc/centos-bootc:stream9";
  private static final String SOME = "quay.io/example/someimage:latest";
  private static final String OTHER = "quay.io/otherexample/otherimage:latest";
  private static final String STREAM9 = "stream9.20240807.0";

  private static final String D47E5 =
      "sha256:47e5ed613a970b6574bfa954ab25bb6e85656552899aa518b5961d9645102b38";
  private static final String D47E5_PINNED =
      "sha256:47e5ed613a970b6574bfa954ab25bb6e85656552899aa518b5961d9645102b37";
  private static final String DB1 = "sha256:" + "b1".repeat(32);
  private static final String DA0 = "sha256:" + "a0".repeat(32);
  private static final String D16DC =
      "sha256:16dc2b6256b4ff0d2ec18d2dbfb06d117904010c8cf9732cdb022818cf7a7566";
  private static final String D736B =
      "sha256:736b359467c9437c1ac915acaae952aad854e07eb4a16a94999a48af08c83c34";
  private static final String DB5BB =
      "sha256:b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c";

  private static final String C439F = "439f6bd2e2361bee292c1f31840d798c5ac5ba76483b8021dc9f7b0164ac0f48";
  private static final String C99B2 = "99b2cc3b6edce9ebaef6a6076effa5ee3e1dcff3523016ffc94a1b27c6c67e12";
  private static final String C3C6D = "3c6dad657109522e0b2e49bf44b5420f16f0b438b5b9357e5132211cfbad135d";
  private static final String C2683 = "26836632adf6228d64ef07a26fd3efaf177104efd1f341a2cf7909a3e4e2c72c";
  private static final String C41AF = "41af286dc0b172ed2f1ca934fd2278de4a1192302ffa07087cea2682e7d372e3";
  private static final String C1C24 = "1c24260fdd1be20f72a4a97a75c582834ee3431fbb0fa8e4f482bb219d633a45";
  private static final String CF9FA = "f9fa3a553ceaaaf30cf85bfe7eed46a822f7b8fd7e14c1e3389cbc3f6d27f791";

  private static final ImageReference CENTOS_REF = new ImageReference(CENTOS, "registry", null);
  private static final ImageReference SOME_REF = new ImageReference(SOME, "registry", "insecure");
  private static final ImageReference OTHER_REF = new ImageReference(OTHER, "registry", null);

  /** What each fixture holds, written out by hand from the file. */
  static Map<String, ObservedHost> expected() {
    Map<String, ObservedHost> m = new TreeMap<>();
    BootEntry centosBooted = entry(new ImageStatus(CENTOS_REF, STREAM9, null, D47E5, "arm64"), null, C439F);

    m.put("spec-booted-pinned.yaml", host(V1ALPHA1, CENTOS_REF, null,
        pinned(centosBooted), null, "bootcHost",
        List.of(pinned(entry(new ImageStatus(CENTOS_REF, STREAM9, null, D47E5_PINNED, "arm64"), null, C99B2)))));
    m.put("spec-booted-with-update-no-version.yaml", host(V1ALPHA1, CENTOS_REF, null,
        entry(centosBooted.image(), new ImageStatus(CENTOS_REF, null, null, DB1, "arm64"), C439F),
        null, "bootcHost", List.of()));
    m.put("spec-booted-with-update.yaml", host(V1ALPHA1, CENTOS_REF, null,
        entry(new ImageStatus(CENTOS_REF, STREAM9, "2024-08-07T12:00:00Z", D47E5, "arm64"),
            new ImageStatus(CENTOS_REF, "stream9.20240901.0", "2024-09-01T12:00:00Z", DA0, "arm64"), C439F),
        null, "bootcHost", List.of()));
    m.put("spec-only-booted.yaml", host(V1ALPHA1, CENTOS_REF, null, centosBooted, null, "bootcHost",
        List.of()));
    m.put("spec-ostree-remote.yaml", host(V1ALPHA1,
        new ImageReference("quay.io/fedora/fedora-coreos:stable", "registry", "ostreeRemote:fedora"), null,
        entry(new ImageStatus(OTHER_REF, "20231230.1", "2023-12-30T16:10:11Z", DB5BB, "arm64"), null, C41AF),
        null, null, List.of()));
    m.put("spec-rfe-ostree-deployment.yaml", host(V1ALPHA1, null,
        new BootEntry(null, null, true, false, false, false, C1C24, 0, "default"),
        entry(null, null, CF9FA), null, null, List.of()));
    m.put("spec-staged-booted.yaml", host(V1ALPHA1, SOME_REF,
        entry(new ImageStatus(SOME_REF, "nightly", "2023-10-14T19:22:15.42Z", D16DC, "arm64"), null, C3C6D),
        entry(new ImageStatus(SOME_REF, "nightly", "2023-09-30T19:22:16Z", D736B, "arm64"), null, C2683),
        null, null, List.of()));
    m.put("spec-staged-download-only.yaml", host(V1ALPHA1, SOME_REF,
        new BootEntry(new ImageStatus(SOME_REF, "nightly", "2023-10-14T19:22:15.42Z", D16DC, "arm64"), null,
            false, false, false, true, C3C6D, 0, "default"),
        entry(new ImageStatus(SOME_REF, "nightly", "2023-09-30T19:22:16Z", D736B, "arm64"), null, C2683),
        null, null, List.of()));
    m.put("spec-v1-null.json", new ObservedHost("org.containers.bootc/v1", null, "default",
        null, null, null, List.of(), false, null, null, false));
    m.put("spec-v1a1-orig.yaml", host(V1ALPHA1, SOME_REF,
        entry(new ImageStatus(SOME_REF, "nightly", "2023-10-14T19:22:15Z", D16DC, "amd64"), null, C3C6D),
        entry(new ImageStatus(SOME_REF, "nightly", "2023-09-30T19:22:16Z", D736B, "amd64"), null, C2683),
        null, null, List.of()));
    m.put("spec-v1a1.yaml", host(V1ALPHA1, OTHER_REF, null,
        entry(new ImageStatus(OTHER_REF, "20231230.1", "2023-12-30T16:10:11Z", DB5BB, "s390x"), null, C41AF),
        null, null, List.of()));
    m.put("spec-via-local-oci.yaml", host(V1ALPHA1,
        new ImageReference("/var/mnt/osupdate:latest", "oci", null), null,
        entry(new ImageStatus(new ImageReference("/var/mnt/osupdate", "oci", null), STREAM9, null, D47E5,
            "amd64"), null, C439F),
        null, "bootcHost", List.of()));
    return m;
  }

  static Stream<String> fixtures() {
    return Fixtures.statusDocuments().stream();
  }

  @Test
  void everyFixtureHasAnExpectation() {
    assertThat(Fixtures.statusDocuments()).containsExactlyElementsOf(expected().keySet());
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void parsesFixture(String name) throws Exception {
    ObservedHost host = BootcStatusParser.parse(Fixtures.read(name), name);

    assertThat(host).isEqualTo(expected().get(name));
  }

  /** The same document through the JSON path (as {@code --format=json} would print it) reads alike. */
  @ParameterizedTest
  @MethodSource("fixtures")
  void jsonFormOfFixtureReadsAlike(String name) throws Exception {
    String text = Fixtures.read(name);
    String json = name.endsWith(".json") ? text : JsonMapper.shared().writeValueAsString(
        JsonView.of(YamlReader.withDefaults().readAll(text).get(0).root(), true));

    assertThat(json).startsWith("{");
    assertThat(BootcStatusParser.parse(json, name)).isEqualTo(expected().get(name));
  }

  @Test
  void notableFixtureValues() throws Exception {
    ObservedHost remote = parse("spec-ostree-remote.yaml");
    assertThat(remote.specImage().signature()).isEqualTo("ostreeRemote:fedora");
    assertThat(remote.specImage().enforcesPolicy()).isFalse();
    assertThat(remote.booted().image().version()).isEqualTo("20231230.1");

    ObservedHost staged = parse("spec-staged-booted.yaml");
    assertThat(staged.staged().image().image().image()).isEqualTo(SOME);
    assertThat(staged.booted().image().imageDigest()).isEqualTo(D736B);
    assertThat(staged.staged().image().timestamp()).isEqualTo("2023-10-14T19:22:15.42Z");

    assertThat(parse("spec-staged-download-only.yaml").staged().downloadOnly()).isTrue();
    assertThat(parse("spec-rfe-ostree-deployment.yaml").staged().incompatible()).isTrue();
    assertThat(parse("spec-v1-null.json").booted()).isNull();
    assertThat(parse("spec-booted-pinned.yaml").otherDeployments()).singleElement()
        .satisfies(e -> assertThat(e.pinned()).isTrue());
  }

  /** New upstream fixtures in the shared folder must be copied here too. */
  @Test
  void copiedFixturesEqualTheSharedOnes() throws IOException {
    String root = System.getProperty("bootfleet.projectRoot");
    assumeTrue(root != null, "bootfleet.projectRoot is not set (not run by surefire)");
    Path shared = Path.of(root, "..", "shared", "fixtures", "bootc").normalize();
    assumeTrue(Files.isDirectory(shared), shared + " does not exist");

    assertThat(contents(Fixtures.dir())).isEqualTo(contents(shared));
  }

  private static Map<String, String> contents(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        files.put(p.getFileName().toString(), java.util.HexFormat.of().formatHex(Files.readAllBytes(p)));
      }
    }
    return files;
  }

  private static ObservedHost parse(String name) throws ObservedStateException {
    return BootcStatusParser.parse(Fixtures.read(name), name);
  }

  private static BootEntry entry(ImageStatus image, ImageStatus cachedUpdate, String checksum) {
    return new BootEntry(image, cachedUpdate, false, false, false, false, checksum, 0, "default");
  }

  private static BootEntry pinned(BootEntry e) {
    return new BootEntry(e.image(), e.cachedUpdate(), e.incompatible(), true, e.softRebootCapable(),
        e.downloadOnly(), e.ostreeChecksum(), e.deploySerial(), e.stateroot());
  }

  private static ObservedHost host(String apiVersion, ImageReference spec, BootEntry staged,
      BootEntry booted, BootEntry rollback, String type, List<BootEntry> others) {
    return new ObservedHost(apiVersion, spec, "default", staged, booted, rollback, others, false, type,
        null, false);
  }
}
