package dev.bootfleet.core.observed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.core.render.EtcReportJson;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The report's {@code flatpak} member: parsed, rendered back, and refused with one line when wrong. */
class EtcReportFlatpakTest {
  private static final String C1 = "3de1cf237f8057c3e920998f6135e40d6a573f33d1ac0093c74a6f2fd6c6932b";
  private static final String C2 = "37b962eb54146264930962b2da597de33efd62f32219f9615397d45b3dcbf436";
  private static final String REMOTE = "{\"installation\":\"system\",\"name\":\"flathub\","
      + "\"url\":\"https://dl.flathub.org/repo/\"}";
  private static final String APP = "{\"installation\":\"system\",\"id\":\"org.mozilla.firefox\",\"arch\":\"x86_64\","
      + "\"branch\":\"stable\",\"origin\":\"flathub\",\"commit\":\"" + C1 + "\"}";
  private static final String USER_APP = "{\"installation\":\"user\",\"id\":\"org.bootfleet.App1\","
      + "\"arch\":\"aarch64\",\"branch\":\"1.0\",\"origin\":\"test-repo\",\"commit\":\"" + C2 + "\"}";

  private static String report(String flatpak) {
    return "{\"apiVersion\":\"bootfleet.dev/v1alpha1\",\"kind\":\"EtcReport\",\"host\":\"desk-01\",\"files\":[]"
        + (flatpak == null ? "" : ",\"flatpak\":" + flatpak) + "}";
  }

  private static String state(String remotes, String apps) {
    return "{\"remotes\":[" + remotes + "],\"apps\":[" + apps + "]}";
  }

  @Test
  void readsRemotesAndAppsWithTheirFullCommits() throws Exception {
    EtcReport r = EtcReportParser.parse(report(state(REMOTE, APP + "," + USER_APP)), "r");

    assertThat(r.flatpak().remotes()).containsExactly(
        new FlatpakState.Remote("system", "flathub", "https://dl.flathub.org/repo/"));
    assertThat(r.flatpak().apps()).containsExactly(
        new FlatpakState.App("system", "org.mozilla.firefox", "x86_64", "stable", "flathub", C1),
        new FlatpakState.App("user", "org.bootfleet.App1", "aarch64", "1.0", "test-repo", C2));
    assertThat(r.flatpak().apps().get(1).ref()).isEqualTo("app/org.bootfleet.App1/aarch64/1.0");
  }

  @Test
  void aMaskedAppRoundTrips_andMaskedDefaultsToFalse() throws Exception {
    String masked = APP.replace("}", ",\"masked\":true}");
    EtcReport r = EtcReportParser.parse(report(state(REMOTE, masked + "," + USER_APP)), "r");

    assertThat(r.flatpak().apps()).extracting(FlatpakState.App::masked).containsExactly(true, false);
    assertThat(EtcReportParser.parse(EtcReportJson.render(r), "rendered")).isEqualTo(r);
    assertThat(EtcReportJson.render(r)).containsOnlyOnce("\"masked\"");
    assertThatThrownBy(() -> EtcReportParser.parse(report(state(REMOTE, APP.replace("}", ",\"masked\":\"yes\"}"))),
        "r")).hasMessageContaining("flatpak.apps[0].masked");
  }

  @Test
  void absentOrNullMeansNotReportedAndEmptyMeansNone() throws Exception {
    assertThat(EtcReportParser.parse(report(null), "r").flatpak()).isNull();
    assertThat(EtcReportParser.parse(report("null"), "r").flatpak()).isNull();
    FlatpakState empty = EtcReportParser.parse(report(state("", "")), "r").flatpak();
    assertThat(empty).isNotNull();
    assertThat(empty.remotes()).isEmpty();
    assertThat(empty.apps()).isEmpty();
  }

  @Test
  void rendersWhatItReadsAndReadsWhatItRenders() throws Exception {
    EtcReport r = EtcReportParser.parse(report(state(REMOTE, APP + "," + USER_APP)), "r");

    String json = EtcReportJson.render(r);

    assertThat(EtcReportParser.parse(json, "rendered")).isEqualTo(r);
    assertThat(JsonMapper.shared().readTree(json)).isEqualTo(JsonMapper.shared().readTree(
        report(state(REMOTE, APP + "," + USER_APP))));
    EtcReport none = new EtcReport("desk-01", List.of(), null, null);
    assertThat(EtcReportJson.render(none)).doesNotContain("flatpak");
    assertThat(EtcReportParser.parse(EtcReportJson.render(none), "rendered")).isEqualTo(none);
  }

  @Test
  void theFastPathTakesAPlainFlatpakReportAndTheValidatorAgrees() throws Exception {
    var tree = JsonMapper.shared().readTree(report(state(REMOTE, APP + "," + USER_APP)));
    assertThat(EtcReportSchema.plainlyValid(tree)).isTrue();
    assertThat(EtcReportSchema.errors(tree)).isEmpty();
  }

  static Stream<Arguments> badReports() {
    return Stream.of(
        Arguments.of(report("[]"), "r: flatpak: array found, [object, null] expected"),
        Arguments.of(report("{\"remotes\":[]}"), "r: flatpak: required property 'apps' not found"),
        Arguments.of(report(state(REMOTE.replace("system", "root"), "")),
            "r: flatpak.remotes[0].installation: does not have a value in the enumeration [\"system\", \"user\"]"),
        Arguments.of(report(state(REMOTE.replace("\"flathub\"", "\"fl athub\""), "")),
            "r: flatpak.remotes[0].name: does not match the regex pattern ^[A-Za-z0-9_][A-Za-z0-9_.-]*$"),
        Arguments.of(report(state("", APP.replace(C1, C1.substring(0, 12)))),
            "r: flatpak.apps[0].commit: does not match the regex pattern ^[0-9a-f]{64}$"),
        Arguments.of(report(state("", APP.replace("org.mozilla.firefox", "firefox"))),
            "r: flatpak.apps[0].id: does not match the regex pattern ^[A-Za-z_][A-Za-z0-9_-]*(\\.[A-Za-z_][A-Za-z0-9_-]*)+$"),
        Arguments.of(report(state("", APP.replace(",\"origin\":\"flathub\"", ""))),
            "r: flatpak.apps[0]: required property 'origin' not found"),
        Arguments.of(report(state("", APP.replace("}", ",\"active\":\"3de1cf237f80\"}"))),
            "r: flatpak.apps[0]: property 'active' is not defined in the schema and the schema does not allow"
                + " additional properties"),
        Arguments.of(report(state(REMOTE + "," + REMOTE.replace("https://dl.flathub.org/repo/", "https://x/"), "")),
            "r: flatpak.remotes[1].name: found \"flathub\" again in the system installation, first at"
                + " flatpak.remotes[0] (expected each remote once per installation)"),
        Arguments.of(report(state("", APP + "," + APP.replace(C1, C2))),
            "r: flatpak.apps[1].id: found app/org.mozilla.firefox/x86_64/stable again in the system installation,"
                + " first at flatpak.apps[0] (expected each app once per installation)"));
  }

  @ParameterizedTest
  @MethodSource("badReports")
  void badFlatpakStateGivesOneLine(String text, String message) {
    assertThatThrownBy(() -> EtcReportParser.parse(text, "r"))
        .isInstanceOf(ObservedStateException.class)
        .hasMessage(message)
        .hasMessageNotContaining("\n");
  }

  @Test
  void theSameAppInBothInstallationsIsTwoApps() throws Exception {
    EtcReport r = EtcReportParser.parse(report(state("", APP + "," + APP.replace("\"system\"", "\"user\""))), "r");
    assertThat(r.flatpak().apps()).hasSize(2);
  }
}
