package dev.bootfleet.core.observed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BootcStatusParserTest {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);
  private static final String OLD_DIGEST = "sha256:" + "01".repeat(32);
  private static final String CHECKSUM = "cd".repeat(32);
  private static final String REF = "quay.io/acme/os@" + DIGEST;

  private static String image(String digest) {
    return "{\"architecture\":\"amd64\",\"image\":{\"image\":\"" + REF + "\",\"signature\":\"containerPolicy\","
        + "\"transport\":\"registry\"},\"imageDigest\":\"" + digest + "\",\"timestamp\":\"2025-01-02T03:04:05Z\","
        + "\"version\":\"42.1\"}";
  }

  private static String entry(String digest, String more) {
    return "{\"cachedUpdate\":null,\"composefs\":null,\"downloadOnly\":false,\"image\":" + image(digest)
        + ",\"incompatible\":false,\"ostree\":{\"checksum\":\"" + CHECKSUM + "\",\"deploySerial\":1,"
        + "\"stateroot\":\"default\"},\"pinned\":false,\"store\":\"ostreeContainer\"" + more + "}";
  }

  /** As current bootc prints it with --format=json: canonical JSON, one line, plus a field from the future. */
  private static final String CURRENT = "{\"apiVersion\":\"org.containers.bootc/v1\",\"futureField\":{\"x\":[1]},"
      + "\"kind\":\"BootcHost\",\"metadata\":{\"name\":\"host\"},\"spec\":{\"bootOrder\":\"rollback\",\"image\":"
      + "{\"image\":\"" + REF + "\",\"signature\":\"containerPolicy\",\"transport\":\"registry\"}},\"status\":{"
      + "\"booted\":" + entry(DIGEST, ",\"softRebootCapable\":false") + ","
      + "\"otherDeployments\":[" + entry(OLD_DIGEST, ",\"pinned\":true").replace(",\"pinned\":false", "") + "],"
      + "\"readOnly\":false,\"rollback\":" + entry(OLD_DIGEST, ",\"softRebootCapable\":true") + ","
      + "\"rollbackQueued\":true,\"staged\":null,\"type\":\"bootcHost\","
      + "\"usrOverlay\":{\"accessMode\":\"readWrite\",\"persistence\":\"transient\"}}}";

  @Test
  void readsCurrentBootcJsonWithEveryField() throws Exception {
    ObservedHost h = BootcStatusParser.parse(CURRENT, "web-01");

    ImageReference ref = new ImageReference(REF, "registry", "containerPolicy");
    assertThat(h.apiVersion()).isEqualTo("org.containers.bootc/v1");
    assertThat(h.specImage()).isEqualTo(ref);
    assertThat(h.specImage().enforcesPolicy()).isTrue();
    assertThat(h.bootOrder()).isEqualTo("rollback");
    assertThat(h.rollbackQueued()).isTrue();
    assertThat(h.staged()).isNull();
    assertThat(h.booted()).isEqualTo(new BootEntry(
        new ImageStatus(ref, "42.1", "2025-01-02T03:04:05Z", DIGEST, "amd64"), null,
        false, false, false, false, CHECKSUM, 1, "default"));
    assertThat(h.rollback().softRebootCapable()).isTrue();
    assertThat(h.rollback().image().imageDigest()).isEqualTo(OLD_DIGEST);
    assertThat(h.otherDeployments()).singleElement().satisfies(e -> {
      assertThat(e.pinned()).isTrue();
      assertThat(e.image().imageDigest()).isEqualTo(OLD_DIGEST);
    });
    assertThat(h.type()).isEqualTo("bootcHost");
    assertThat(h.usrOverlay()).isEqualTo(new UsrOverlay("readWrite", "transient"));
    assertThat(h.readOnly()).isFalse();
  }

  @Test
  void missingOptionalFieldsTakeTheirDefaults() throws Exception {
    ObservedHost h = BootcStatusParser.parse("""
        apiVersion: org.containers.bootc/v1
        kind: BootcHost
        status:
          booted:
            incompatible: false
            pinned: false
        """, "h.yaml");

    assertThat(h).isEqualTo(new ObservedHost("org.containers.bootc/v1", null, "default", null,
        new BootEntry(null, null, false, false, false, false, null, null, null), null, List.of(),
        false, null, null, false));
    assertThat(BootcStatusParser.parse("{\"apiVersion\":\"org.containers.bootc/v1\",\"kind\":\"BootcHost\","
        + "\"spec\":null,\"status\":null}", "h.json").booted()).isNull();
  }

  @Test
  void versionNumbersKeepTheirWrittenDigits() throws Exception {
    String yaml = "apiVersion: org.containers.bootc/v1\nkind: BootcHost\nstatus:\n  booted:\n"
        + "    incompatible: false\n    pinned: false\n    image:\n      image: {image: x, transport: registry}\n"
        + "      imageDigest: " + DIGEST + "\n      architecture: amd64\n      version: %s\n";

    assertThat(version(yaml.formatted("20231230.1"))).isEqualTo("20231230.1");
    assertThat(version(yaml.formatted("1.10"))).isEqualTo("1.10");
    assertThat(version(yaml.formatted("42"))).isEqualTo("42");
    assertThat(version(yaml.formatted("0.0000001"))).isEqualTo("0.0000001");
    assertThat(version(yaml.formatted("'007'"))).isEqualTo("007");
    assertThat(version(CURRENT.replace("\"version\":\"42.1\"", "\"version\":20231230.10"))).isEqualTo("20231230.10");
  }

  @Test
  void ostreeRemoteSignatureInEveryForm() throws Exception {
    String yaml = "apiVersion: org.containers.bootc/v1\nkind: BootcHost\nspec:\n  image:\n"
        + "    image: quay.io/fedora/fedora-coreos:stable\n    transport: registry\n    signature: %s\n";

    assertThat(signature(yaml.formatted("!ostreeRemote \"fedora\""))).isEqualTo("ostreeRemote:fedora");
    assertThat(signature(yaml.formatted("!ostreeRemote fedora"))).isEqualTo("ostreeRemote:fedora");
    assertThat(signature(yaml.formatted("{ostreeRemote: fedora}"))).isEqualTo("ostreeRemote:fedora");
    assertThat(signature(yaml.formatted("insecure"))).isEqualTo("insecure");
    assertThat(signature(CURRENT.replace("\"signature\":\"containerPolicy\",\"transport\":\"registry\"}},",
        "\"signature\":{\"ostreeRemote\":\"fedora\"},\"transport\":\"registry\"}},"))).isEqualTo("ostreeRemote:fedora");
  }

  @Test
  void jsonMayStartWithBlanksOrAByteOrderMark() throws Exception {
    assertThat(BootcStatusParser.parse("\uFEFF \n" + CURRENT, "h.json").rollbackQueued()).isTrue();
  }

  static Stream<Arguments> badInputs() {
    String okYaml = "apiVersion: org.containers.bootc/v1\nkind: BootcHost\n";
    return Stream.of(
        Arguments.of("", "h: document: empty (expected a BootcHost object in JSON or YAML, as bootc status prints it)"),
        Arguments.of(" \n\t\n", "h: document: empty (expected a BootcHost object in JSON or YAML, as bootc status prints it)"),
        Arguments.of("# just a comment\n---\n", "h: document: empty (expected a BootcHost object in JSON or YAML, as bootc status prints it)"),
        Arguments.of("error: Not a bootc host\n", "h: apiVersion: missing (expected org.containers.bootc/<version>, e.g. org.containers.bootc/v1)"),
        Arguments.of("error: bootc: not found\n", "h:1:13: YAML syntax error: mapping values are not allowed here"),
        Arguments.of("Not a bootc host", "h: document: found the string \"Not a bootc host\" (expected a BootcHost object in JSON or YAML, as bootc status prints it)"),
        Arguments.of("[1, 2]", "h: document: found an array (expected a BootcHost object in JSON or YAML, as bootc status prints it)"),
        Arguments.of("{\"apiVersion\": ", "h:1:16: JSON syntax error: Unexpected end-of-input within/between Object entries"),
        Arguments.of("{not json}", "h:1:2: JSON syntax error: Unexpected character ('n' (code 110)): was expecting double-quote to start property name"),
        Arguments.of(CURRENT + "\n{}", "h:2:1: JSON syntax error: Trailing token (`JsonToken.START_OBJECT`) found after value (bound as `tools.jackson.databind.JsonNode`): not allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`"),
        Arguments.of("{\"kind\":\"BootcHost\",\n \"kind\":\"BootcHost\"}", "h:2:8: JSON syntax error: Duplicate Object property \"kind\""),
        Arguments.of(okYaml + "spec: [unclosed\n", "h:4:1: YAML syntax error: expected ',' or ']', but got <stream end> (while parsing a flow sequence at line 3, column 7)"),
        Arguments.of(okYaml + "status:\n\tbooted: null\n", "h:4:1: YAML syntax error: a tab cannot indent YAML; use spaces"),
        Arguments.of(okYaml + "kind: BootcHost\n", "h:3:1: duplicate key 'kind' (first at line 2)"),
        Arguments.of(okYaml + "---\n" + okYaml, "h:3:1: a second YAML document (expected exactly one document)"),
        Arguments.of("kind: BootcHost\n", "h: apiVersion: missing (expected org.containers.bootc/<version>, e.g. org.containers.bootc/v1)"),
        Arguments.of(CURRENT.replace("org.containers.bootc/v1", "v1"), "h: apiVersion: found \"v1\" (expected org.containers.bootc/<version>, e.g. org.containers.bootc/v1)"),
        Arguments.of(CURRENT.replace("org.containers.bootc/v1", "org.containers.bootc/"), "h: apiVersion: found \"org.containers.bootc/\" (expected org.containers.bootc/<version>, e.g. org.containers.bootc/v1)"),
        Arguments.of("apiVersion: org.containers.bootc/v1\n", "h: kind: missing (expected BootcHost)"),
        Arguments.of(CURRENT.replace("\"kind\":\"BootcHost\"", "\"kind\":\"Pod\""), "h: kind: found \"Pod\" (expected BootcHost)"),
        Arguments.of(CURRENT.replace("\"kind\":\"BootcHost\"", "\"kind\":\"Bootc\\nHost\""), "h: kind: found \"Bootc\\nHost\", which holds a control character (expected BootcHost)"),
        // A version this parser does not know is refused, never read as v1 (Issue 14, defect 8; ADR 0014).
        Arguments.of(CURRENT.replace("org.containers.bootc/v1", "org.containers.bootc/v9"), "h: apiVersion: found \"org.containers.bootc/v9\", a version this bootfleet cannot read (expected org.containers.bootc/v1 or org.containers.bootc/v1alpha1)"),
        Arguments.of(CURRENT.replace("org.containers.bootc/v1", "org.containers.bootc/v1beta1"), "h: apiVersion: found \"org.containers.bootc/v1beta1\", a version this bootfleet cannot read (expected org.containers.bootc/v1 or org.containers.bootc/v1alpha1)"),
        Arguments.of(CURRENT.replace("org.containers.bootc/v1", "org.containers.bootc/v2"), "h: apiVersion: found \"org.containers.bootc/v2\", a version this bootfleet cannot read (expected org.containers.bootc/v1 or org.containers.bootc/v1alpha1)"),
        Arguments.of(CURRENT.replace("\"staged\":null", "\"staged\":5"), "h: status.staged: found the number 5 (expected a boot entry object or null)"),
        Arguments.of(okYaml + "status:\n  booted: [a]\n", "h: status.booted: found an array (expected a boot entry object or null)"),
        Arguments.of(okYaml + "spec: text\n", "h: spec: found the string \"text\" (expected the host spec object)"),
        Arguments.of(CURRENT.replaceFirst(",\"imageDigest\":\"sha256:[0-9a-f]+\"", ""), "h: status.booted.image.imageDigest: missing (expected a digest like sha256:<64 lowercase hex digits>)"),
        Arguments.of(CURRENT.replaceFirst(DIGEST + "\",\"timestamp", "abc\",\"timestamp"), "h: status.booted.image.imageDigest: found \"abc\" (expected a digest like sha256:<64 lowercase hex digits>)"),
        Arguments.of(CURRENT.replaceFirst(DIGEST + "\",\"timestamp", DIGEST.toUpperCase() + "\",\"timestamp"), "h: status.booted.image.imageDigest: found \"SHA256:" + "AB".repeat(32) + "\" (expected a digest like sha256:<64 lowercase hex digits>)"),
        Arguments.of(CURRENT.replaceFirst("\"architecture\":\"amd64\",", ""), "h: status.booted.image.architecture: missing (expected an architecture such as amd64)"),
        Arguments.of(CURRENT.replaceFirst("\"timestamp\":\"2025-01-02T03:04:05Z\"", "\"timestamp\":\"yesterday\""), "h: status.booted.image.timestamp: found \"yesterday\" (expected an RFC 3339 date-time like 2024-08-07T12:00:00Z, or null)"),
        Arguments.of(CURRENT.replaceFirst("\"version\":\"42.1\"", "\"version\":[\"42.1\"]"), "h: status.booted.image.version: found an array (expected a version string or null)"),
        Arguments.of(CURRENT.replace("\"transport\":\"registry\"}}", "\"transport\":\"\"}}"), "h: spec.image.transport: empty (expected a transport such as registry or oci)"),
        Arguments.of(CURRENT.replace("\"signature\":\"containerPolicy\",\"transport\":\"registry\"}},", "\"signature\":\"strict\",\"transport\":\"registry\"}},"), "h: spec.image.signature: found \"strict\" (expected insecure, containerPolicy, {ostreeRemote: <remote>}, or no signature)"),
        Arguments.of(CURRENT.replace("\"signature\":\"containerPolicy\",\"transport\":\"registry\"}},", "\"signature\":{\"gpg\":\"k\"},\"transport\":\"registry\"}},"), "h: spec.image.signature: found an object with \"gpg\" (expected insecure, containerPolicy, {ostreeRemote: <remote>}, or no signature)"),
        Arguments.of(CURRENT.replace("\"bootOrder\":\"rollback\"", "\"bootOrder\":\"sideways\""), "h: spec.bootOrder: found \"sideways\" (expected default or rollback)"),
        Arguments.of(okYaml + "status:\n  booted:\n    incompatible: false\n", "h: status.booted.pinned: missing (expected true or false)"),
        Arguments.of(CURRENT.replace("\"rollbackQueued\":true", "\"rollbackQueued\":\"yes\""), "h: status.rollbackQueued: found the string \"yes\" (expected true or false)"),
        Arguments.of(CURRENT.replaceFirst("\"downloadOnly\":false", "\"downloadOnly\":1"), "h: status.booted.downloadOnly: found the number 1 (expected true or false)"),
        Arguments.of(CURRENT.replaceFirst("\"deploySerial\":1", "\"deploySerial\":-1"), "h: status.booted.ostree.deploySerial: found -1 (expected an integer from 0 to 2147483647)"),
        Arguments.of(CURRENT.replaceFirst("\"deploySerial\":1", "\"deploySerial\":1.5"), "h: status.booted.ostree.deploySerial: found the number 1.5 (expected an integer from 0 to 2147483647)"),
        Arguments.of(CURRENT.replaceFirst("\"checksum\":\"[0-9a-f]+\",", ""), "h: status.booted.ostree.checksum: missing (expected an ostree checksum of 64 lowercase hex digits)"),
        Arguments.of(CURRENT.replace("\"otherDeployments\":[", "\"otherDeployments\":[7,"), "h: status.otherDeployments[0]: found the number 7 (expected a boot entry object)"),
        Arguments.of(okYaml + "status:\n  otherDeployments: {}\n", "h: status.otherDeployments: found an object (expected an array of boot entries)"),
        Arguments.of(CURRENT.replace("\"persistence\":\"transient\"", "\"persistence\":null"), "h: status.usrOverlay.persistence: missing (expected transient or persistent)"));
  }

  @ParameterizedTest
  @MethodSource("badInputs")
  void badInputGivesOneLineNamingTheField(String text, String message) {
    assertThatThrownBy(() -> BootcStatusParser.parse(text, "h"))
        .isInstanceOf(ObservedStateException.class)
        .hasMessage(message)
        .hasNoCause();
  }

  @Test
  void refusesInputOverTheSizeLimit() {
    String big = "#" + " ".repeat(10 * 1024 * 1024);

    assertThatThrownBy(() -> BootcStatusParser.parse(big, "h"))
        .hasMessage("h: document: larger than 10485760 characters (expected a BootcHost object in JSON or YAML, as bootc status prints it)");
  }

  @Test
  void originWithALineBreakStillGivesOneLine() {
    assertThatThrownBy(() -> BootcStatusParser.parse("", "web-01\nbootc status"))
        .hasMessage("web-01 bootc status: document: empty (expected a BootcHost object in JSON or YAML, as bootc status prints it)");
  }

  private static String version(String text) throws ObservedStateException {
    return BootcStatusParser.parse(text, "h").booted().image().version();
  }

  private static String signature(String text) throws ObservedStateException {
    return BootcStatusParser.parse(text, "h").specImage().signature();
  }
}
