package dev.bootfleet.core.observed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bootfleet.testing.Example;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing from bytes (the observed folder's path) gives exactly what parsing the decoded text gives. */
class ByteInputTest {
  static List<String> statusDocuments() {
    return Fixtures.statusDocuments();
  }

  @ParameterizedTest
  @MethodSource("statusDocuments")
  void statusFromBytes_equalsStatusFromText_forEveryBootcFixture(String name) throws Exception {
    String text = Fixtures.read(name);
    assertThat(BootcStatusParser.parse(text.getBytes(StandardCharsets.UTF_8), name))
        .isEqualTo(BootcStatusParser.parse(text, name));
  }

  @ParameterizedTest
  @MethodSource("exampleObserved")
  void fromBytes_equalsFromText_forEveryExampleDocument(Path file) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (file.toString().endsWith(".etc.json")) {
      assertThat(EtcReportParser.parse(bytes, "f")).isEqualTo(EtcReportParser.parse(text, "f"));
    } else if (StatusDocuments.isRpmOstree(SourceDocument.read(bytes, "f", BootcStatusParser.DOCUMENT))) {
      assertThat(RpmOstreeStatusParser.parse(bytes, "f")).isEqualTo(RpmOstreeStatusParser.parse(text, "f"));
    } else {
      assertThat(BootcStatusParser.parse(bytes, "f")).isEqualTo(BootcStatusParser.parse(text, "f"));
    }
  }

  static Stream<Path> exampleObserved() throws Exception {
    return Files.list(Example.fleetRepo().resolve("observed")).sorted();
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"apiVersion\": ", "\uFEFF  {\"a\": 1,}", " \n\t{\"a\" 1}", "", "  \n", "[1]", "\u2028{}",
      "apiVersion: [", "{\"a\": 1, \"a\": 2}"})
  void errorsFromBytes_equalErrorsFromText(String text) {
    var fromText = catchThrowableOfType(ObservedStateException.class, () -> BootcStatusParser.parse(text, "f"));
    var fromBytes = catchThrowableOfType(ObservedStateException.class,
        () -> BootcStatusParser.parse(text.getBytes(StandardCharsets.UTF_8), "f"));
    assertThat(fromText).as("text %s is refused", text).isNotNull();
    assertThat(fromBytes).as("bytes of %s are refused", text).isNotNull();
    assertThat(fromBytes.getMessage()).isEqualTo(fromText.getMessage());
  }

  @org.junit.jupiter.api.Test
  void unclosedObject_isOneLine_withoutJacksonsSourceNoise() {
    String text = "{\"apiVersion\": \"org.containers.bootc/v1\", \"kind\": \"BootcHost\"";
    for (var run : List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
        () -> BootcStatusParser.parse(text, "f"), () -> BootcStatusParser.parse(text.getBytes(StandardCharsets.UTF_8), "f"))) {
      var e = catchThrowableOfType(ObservedStateException.class, run);
      assertThat(e.getMessage()).isEqualTo("f:1:62: JSON syntax error: Unexpected end-of-input: expected close marker"
          + " for Object");
    }
  }
}
