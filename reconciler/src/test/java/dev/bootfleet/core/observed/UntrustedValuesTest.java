package dev.bootfleet.core.observed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.testing.Example;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a host reports is untrusted (Issue 14, defect 5): a value holding a control or format character
 * is refused in one line naming the field, by every parser, whether the document is JSON or YAML.
 */
class UntrustedValuesTest {
  /** Hostile characters as JSON escapes, and as Quote shows them in the message. */
  static final List<String[]> HOSTILE = List.of(
      new String[] {"\\u0000", "\\u0000"},
      new String[] {"\\u001b[2J", "\\u001B[2J"},
      new String[] {"\\u001b]0;pwned\\u0007", "\\u001B]0;pwned\\u0007"},
      new String[] {"\\r\\n", "\\r\\n"},
      new String[] {"\\n", "\\n"},
      new String[] {"\\u202e", "\\u202E"},
      new String[] {"\\ufffe", "\\uFFFE"},
      new String[] {"\\ud800", "\\uD800"},
      new String[] {"\\u009b", "\\u009B"});

  static Stream<Arguments> documents() throws Exception {
    String bootc = Files.readString(Example.fleetRepo().resolve("observed/web-01.json"));
    String rpm = Files.readString(Example.projectRoot().resolve(
        "reconciler/src/test/resources/fixtures/rpm-ostree/rpmostree-client-go--fcos-container-status.json"));
    String etc = Files.readString(Example.fleetRepo().resolve("observed/web-01.etc.json"));
    return HOSTILE.stream().flatMap(h -> Stream.of(
        Arguments.of("bootc image", bootc.replaceFirst("(\"image\":\"quay.io/bootfleet-example/web-os)", "$1" + q(h[0])),
            "spec.image.image: found \"quay.io/bootfleet-example/web-os" + h[1]),
        Arguments.of("bootc version", bootc.replaceFirst("\"version\":\"42", "\"version\":\"42" + q(h[0])),
            "status.booted.image.version: found \"42" + h[1]),
        Arguments.of("bootc stateroot", bootc.replaceFirst("\"stateroot\":\"default", "\"stateroot\":\"default" + q(h[0])),
            "status.booted.ostree.stateroot: found \"default" + h[1]),
        Arguments.of("rpm-ostree reference", rpm.replaceFirst("(\"container-image-reference\": \"ostree-unverified-registry:quay.io)",
            "$1" + q(h[0])), "deployments[0].container-image-reference: found \"ostree-unverified-registry:quay.io" + h[1]),
        // The schema refuses C0 characters first, in its own words; the parser the rest.
        Arguments.of("etc report kargs", etc.replaceFirst("(\"console=ttyS0)", "$1" + q(h[0])), "kargs[0]")));
  }

  /** A JSON escape as the replacement of {@link String#replaceFirst}. */
  private static String q(String s) {
    return s.replace("\\", "\\\\");
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("documents")
  void parse_refusesAControlCharacter_namingTheField(String what, String text, String problem) {
    assertThat(text).as("the test changed the document").contains(HOSTILE.stream().map(h -> h[0]).toList().stream()
        .filter(text::contains).findFirst().orElse("(none)"));
    assertThatThrownBy(() -> {
      if (what.startsWith("etc")) {
        EtcReportParser.parse(text, "h.json");
      } else {
        StatusDocuments.parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), "h.json");
      }
    }).isInstanceOf(ObservedStateException.class)
        .hasMessageStartingWith("h.json: " + problem)
        .satisfies(e -> assertThat(what.startsWith("etc") || e.getMessage().contains(", which holds a control character (expected "))
            .as(e.getMessage()).isTrue())
        .hasMessageNotContaining("\n").hasMessageNotContaining("\r").hasMessageNotContaining("\u001b");
  }

  @org.junit.jupiter.api.Test
  void parse_keepsLineBreaksAndTabs_inAFilesContent() throws Exception {
    String content = "a\\tb\\r\\nc\\n";
    String sha = dev.bootfleet.core.manifest.FileContent.sha256("a\tb\r\nc\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String report = "{\"apiVersion\":\"bootfleet.dev/v1alpha1\",\"kind\":\"EtcReport\",\"host\":\"h\",\"files\":[{\"path\":\"/etc/x\",\"sha256\":\"" + sha + "\",\"mode\":\"0644\","
        + "\"owner\":\"root\",\"group\":\"root\",\"content\":\"" + content + "\"}]}";

    assertThat(EtcReportParser.parse(report, "r").files().get(0).content()).isEqualTo("a\tb\r\nc\n");
  }
}
