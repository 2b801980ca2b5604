package dev.bootfleet.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.plan.Action;
import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.status.SyncStatus;
import dev.bootfleet.core.plan.Plan;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a host reports is untrusted (Issue 14, defect 5): a hostile string in every place a value is shown
 * (host name, reason, note, action, diff, unmanaged host) through every renderer.
 */
class RenderHostileTest {
  /** Our own colours in the coloured text form, the only escape sequences it may hold. */
  private static final Pattern OWN_COLOURS = Pattern.compile("\u001b\\[[0-9;]*m");

  static Stream<Arguments> hostile() {
    List<String> values = List.of(
        "nul\u0000byte",
        "clear\u001b[2J\u001b[31mred",
        "osc\u001b]8;;https://evil.example/\u0007link\u001b]8;;\u0007",
        "title\u001b]0;pwned\u001b\\",
        "cr\roverwrite",
        "lf\nnext line",
        "crlf\r\nline",
        "bidi\u202Egnp.exe",
        "xml\uFFFE\uFFFFinvalid",
        "lone\uD800surrogate",
        "nel\u0085c1\u009b31m",
        "ls\u2028ps\u2029",
        "bell\u0007del\u007f vt\u000b ff\u000c");
    return Stream.of("txt", "color.txt", "md", "xml", "json")
        .flatMap(f -> values.stream().map(v -> Arguments.of(f, v)));
  }

  static Plan planWith(String bad) {
    String oneLine = bad.replace("\n", " "); // a reason is one line by contract; the rest may not be
    HostPlan drifted = new HostPlan("web-" + bad, SyncStatus.DRIFTED, "reason " + oneLine,
        List.of(new Action.Stage("quay.io/os:" + bad, "registry", false, null, "quay.io/os:" + bad),
            new Action.WriteFile("/etc/" + bad, "0".repeat(64), 3, "0644", "root", "root", null, "new file",
                "--- /etc/x\n+++ /etc/x\n@@ -0,0 +1 @@\n+" + bad + "\n+\ttabbed\n")),
        List.of("note " + bad), "quay.io/os:" + bad, null);
    HostPlan unknown = new HostPlan("db-" + bad, SyncStatus.UNKNOWN, "gone " + oneLine, List.of(), List.of(),
        "quay.io/os", null);
    HostPlan inSync = new HostPlan("ok-" + bad, SyncStatus.IN_SYNC, "fine " + oneLine, List.of(),
        List.of("note " + bad), "quay.io/os", null);
    return new Plan(Plan.Mode.OBSERVED, "main@" + bad, null, Instant.parse("2026-11-22T10:00:00Z"),
        List.of(drifted, unknown, inSync), List.of("stray-" + bad));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("hostile")
  void render_escapesControlCharacters_whenAValueIsHostile(String format, String bad) throws Exception {
    for (Report r : List.of(Report.plan(planWith(bad)), Report.drift(planWith(bad)))) {
      String out = RenderGoldenTest.render(r, format);
      String shown = format.equals("color.txt") ? OWN_COLOURS.matcher(out).replaceAll("") : out;

      assertThat(shown.codePoints().filter(c -> c != '\n' && c != '\t' && isUnsafe(c)).mapToObj(Integer::toHexString))
          .as(out).isEmpty();
      switch (format) {
        case "xml" -> wellFormedJUnit(out, bad);
        case "json" -> sameValuesInJson(out, bad);
        default -> assertThat(out).contains("web-" + dev.bootfleet.core.text.Quote.controls(bad));
      }
    }
  }

  /** A character that may change what a terminal shows, or that XML 1.0 cannot hold. */
  private static boolean isUnsafe(int c) {
    return Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || c == 0x2028 || c == 0x2029
        || Character.getType(c) == Character.SURROGATE || c == 0xFFFE || c == 0xFFFF;
  }

  private static void wellFormedJUnit(String xml, String bad) throws Exception {
    var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    var cases = doc.getElementsByTagName("testcase");
    assertThat(cases.getLength()).isEqualTo(3);
    assertThat(((Element) cases.item(0)).getAttribute("name"))
        .isEqualTo("web-" + dev.bootfleet.core.text.Quote.controls(bad));
  }

  /** JSON keeps every value exactly, escaped by JSON's own rules, and stays valid. */
  private static void sameValuesInJson(String json, String bad) throws Exception {
    JsonNode root = JsonMapper.builder().enable(tools.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build().readTree(json.getBytes(StandardCharsets.UTF_8));
    assertThat(root.get("hosts").get(0).get("name").stringValue()).isEqualTo("web-" + bad);
    assertThat(root.get("unmanagedHosts").get(0).stringValue()).isEqualTo("stray-" + bad);
  }
}
