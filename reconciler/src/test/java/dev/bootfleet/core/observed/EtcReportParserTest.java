package dev.bootfleet.core.observed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class EtcReportParserTest {
  private static final String CHRONY = "server pool.ntp.org iburst\n";
  private static final String CHRONY_SHA = "cd7851d7774ef2302abc073c4dd574e9b9353a3c99b2d6e0989b41f6505cc56f";
  private static final String EMPTY_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static final String FILE = "{\"path\":\"/etc/chrony.conf\",\"sha256\":\"" + CHRONY_SHA + "\","
      + "\"mode\":\"0644\",\"owner\":\"root\",\"group\":\"root\",\"content\":\"server pool.ntp.org iburst\\n\"}";
  private static final String OTHER = "{\"path\":\"/etc/sudoers.d/ops\",\"sha256\":\"" + EMPTY_SHA + "\","
      + "\"mode\":\"0440\",\"owner\":\"0\",\"group\":\"wheel\"}";

  private static String report(String files, String more) {
    return "{\"apiVersion\":\"bootfleet.dev/v1alpha1\",\"kind\":\"EtcReport\",\"host\":\"web-01\","
        + "\"files\":[" + files + "]" + more + "}";
  }

  private static final String GOOD = report(FILE + "," + OTHER, ",\"kargs\":[\"console=ttyS0\",\"quiet\"]");

  @Test
  void readsAReport() throws Exception {
    EtcReport r = EtcReportParser.parse(GOOD, "web-01 report");

    assertThat(r).isEqualTo(new EtcReport("web-01", List.of(
        new EtcFileState("/etc/chrony.conf", CHRONY_SHA, "0644", "root", "root", CHRONY),
        new EtcFileState("/etc/sudoers.d/ops", EMPTY_SHA, "0440", "0", "wheel", null)),
        List.of("console=ttyS0", "quiet")));
  }

  @Test
  void notFiles_roundTripThroughTheRenderer_andAPathInBothListsIsRefused() throws Exception {
    EtcReport r = new EtcReport("web-01", List.of(), null, null,
        List.of(new EtcReport.NotAFile("/etc/motd", "\"/etc/motd\" is a folder (expected a regular file or nothing)")));
    String json = dev.bootfleet.core.render.EtcReportJson.render(r);
    assertThat(EtcReportParser.parse(json, "r")).isEqualTo(r);
    assertThatThrownBy(() -> EtcReportParser.parse(report(FILE, ",\"notFiles\":[{\"path\":\"/etc/chrony.conf\",\"what\":\"x\"}]"),
        "r")).hasMessageContaining("notFiles[0].path").hasMessageContaining("a path not also listed in files");
  }

  @Test
  void kargsAbsentOrNullMeanNotReportedAndEmptyMeansNone() throws Exception {
    assertThat(EtcReportParser.parse(report(FILE, ""), "r").kargs()).isNull();
    assertThat(EtcReportParser.parse(report(FILE, ",\"kargs\":null"), "r").kargs()).isNull();
    assertThat(EtcReportParser.parse(report("", ",\"kargs\":[]"), "r")).isEqualTo(
        new EtcReport("web-01", List.of(), List.of()));
  }

  @Test
  void yamlWithAQuotedModeIsReadToo() throws Exception {
    EtcReport r = EtcReportParser.parse("""
        apiVersion: bootfleet.dev/v1alpha1
        kind: EtcReport
        host: web-01
        files:
          - {path: /etc/sudoers.d/ops, sha256: %s, mode: "0440", owner: "0", group: wheel}
        """.formatted(EMPTY_SHA), "r.yaml");

    assertThat(r.files()).containsExactly(new EtcFileState("/etc/sudoers.d/ops", EMPTY_SHA, "0440", "0", "wheel", null));
  }

  /** The schema bundled in the jar is the one in schema/, and it declares what the brief asks. */
  @Test
  void bundledSchemaIsDraft2020WithItsId() throws Exception {
    JsonNode schema;
    try (InputStream in = EtcReportSchema.class.getResourceAsStream(EtcReportSchema.RESOURCE)) {
      schema = JsonMapper.shared().readTree(in);
    }
    assertThat(schema.get("$schema").asString()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(schema.get("$id").asString()).isEqualTo("https://bootfleet.dev/schema/etc-report.schema.json");
    assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
    assertThat(schema.at("/$defs/EtcFileState/additionalProperties").asBoolean()).isFalse();
  }

  static Stream<Arguments> badReports() {
    String twelveBad = IntStream.range(0, 12)
        .mapToObj(i -> FILE.replace("\"/etc/chrony.conf\"", "\"/etc/f" + i + "\"").replace("\"0644\"", "\"644\""))
        .collect(Collectors.joining(","));
    return Stream.of(
        Arguments.of("", "r: document: empty (expected an EtcReport object in JSON)"),
        Arguments.of("{\"host\":", "r:1:9: JSON syntax error: Unexpected end-of-input within/between Object entries"),
        Arguments.of("[]", "r: document: array found, object expected"),
        Arguments.of(GOOD.replace("\"EtcReport\"", "\"BootcHost\""), "r: kind: must be the constant value 'EtcReport'"),
        Arguments.of(GOOD.replace("bootfleet.dev/v1alpha1", "bootfleet.dev/v2"), "r: apiVersion: must be the constant value 'bootfleet.dev/v1alpha1'"),
        Arguments.of(report(FILE, "").replace(",\"host\":\"web-01\"", ""), "r: document: required property 'host' not found"),
        Arguments.of(report(FILE, "").replace("web-01", "Web 01"), "r: host: does not match the regex pattern ^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"),
        Arguments.of(report(FILE, ",\"extra\":true"), "r: document: property 'extra' is not defined in the schema and the schema does not allow additional properties"),
        Arguments.of(report(FILE.replace("/etc/chrony.conf", "/usr/etc/chrony.conf"), ""), "r: files[0].path: does not match the regex pattern ^/etc(/[^/\\u0000]+)+$"),
        Arguments.of(report(FILE.replace("/etc/chrony.conf", "/etc/"), ""), "r: files[0].path: does not match the regex pattern ^/etc(/[^/\\u0000]+)+$"),
        Arguments.of(report(FILE.replace("/etc/chrony.conf", "/etc/../shadow"), ""), "r: files[0].path: found \"/etc/../shadow\" (expected an absolute path below /etc/ without empty, . or .. segments)"),
        Arguments.of(report(FILE.replace(CHRONY_SHA, CHRONY_SHA.toUpperCase()), ""), "r: files[0].sha256: does not match the regex pattern ^[0-9a-f]{64}$"),
        Arguments.of(report(FILE.replace("\"0644\"", "644"), ""), "r: files[0].mode: integer found, string expected"),
        Arguments.of(report(FILE.replace("\"0644\"", "\"0648\""), ""), "r: files[0].mode: does not match the regex pattern ^[0-7]{4}$"),
        Arguments.of(report(FILE.replace(",\"group\":\"root\"", ""), ""), "r: files[0]: required property 'group' not found"),
        Arguments.of(report(FILE.replace("\"owner\":\"root\"", "\"owner\":\"ro ot\""), ""), "r: files[0].owner: does not match the regex pattern ^[^\\s:]+$"),
        Arguments.of(report(FILE, ",\"kargs\":[\"quiet\",7]"), "r: kargs[1]: integer found, string expected"),
        Arguments.of(report(FILE.replace("\"0644\"", "\"644\"") + "," + OTHER.replace(EMPTY_SHA, "x"), ""),
            "r: files[0].mode: does not match the regex pattern ^[0-7]{4}$; files[1].sha256: does not match the regex pattern ^[0-9a-f]{64}$"),
        Arguments.of(report(twelveBad, ""), "r: " + IntStream.range(0, 10)
            .mapToObj(i -> "files[" + i + "].mode: does not match the regex pattern ^[0-7]{4}$")
            .collect(Collectors.joining("; ")) + "; and 2 more"),
        Arguments.of(report(FILE + "," + FILE, ""), "r: files[1].path: found \"/etc/chrony.conf\" again, first at files[0] (expected each path once)"),
        Arguments.of(report(FILE.replace("iburst\\n", "iburst"), ""), "r: files[0].content: its UTF-8 bytes hash to "
            + "e0de710e6ac0aa31cdc8ae81d8bbe2185f65395c98aa8ec04f3251fd9dce116c"
            + " (expected content matching sha256 " + CHRONY_SHA + ")"),
        Arguments.of("apiVersion: bootfleet.dev/v1alpha1\nkind: EtcReport\nhost: web-01\nfiles:\n  - {path: /etc/a, sha256: "
            + EMPTY_SHA + ", mode: 0644, owner: root, group: root}\n", "r: files[0].mode: integer found, string expected"));
  }

  @ParameterizedTest
  @MethodSource("badReports")
  void badReportGivesOneLine(String text, String message) {
    assertThatThrownBy(() -> EtcReportParser.parse(text, "r"))
        .isInstanceOf(ObservedStateException.class)
        .hasMessage(message);
  }

  @Test
  void recordsCheckTheirArguments() {
    assertThatThrownBy(() -> new EtcFileState("/etc/a/../b", EMPTY_SHA, "0644", "root", "root", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EtcFileState("/etc/a", EMPTY_SHA, "644", "root", "root", null))
        .isInstanceOf(IllegalArgumentException.class);
    EtcFileState a = new EtcFileState("/etc/a", EMPTY_SHA, "0644", "root", "root", null);
    assertThatThrownBy(() -> new EtcReport("h", List.of(a, a), null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
