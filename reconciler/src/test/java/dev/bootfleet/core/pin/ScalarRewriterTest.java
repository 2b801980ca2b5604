package dev.bootfleet.core.pin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.core.image.ImageRef;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Only the reference changes; every other byte of the manifest stays as it was. */
class ScalarRewriterTest {
  static final String OLD = "reg.example:5000/fleet/web-os:42";
  static final String NEW = OLD + "@sha256:" + "a".repeat(64);

  static String doc(String imageBlock) {
    return "# the web hosts\napiVersion: bootfleet.dev/v1alpha1\nkind: Host\nmetadata: {name: web-01}\n"
        + "spec:\n" + imageBlock;
  }

  static Stream<Arguments> styles() {
    return Stream.of(
        Arguments.of("plain", "  image:\n    ref: " + OLD + "\n"),
        Arguments.of("plain with a comment", "  image:\n    ref: " + OLD + "   # bump weekly\n    transport: registry\n"),
        Arguments.of("single-quoted", "  image:\n    ref: '" + OLD + "' # quoted\n"),
        Arguments.of("double-quoted", "  image:\n    ref: \"" + OLD + "\"\n"),
        Arguments.of("flow mapping", "  image: {ref: " + OLD + ", transport: registry}\n"),
        Arguments.of("flow mapping, quoted", "  image: {ref: \"" + OLD + "\"}\n"),
        Arguments.of("tagged", "  image:\n    ref: !!str " + OLD + "\n"),
        Arguments.of("no final newline", "  image:\n    ref: " + OLD),
        Arguments.of("CRLF line ends", "  image:\r\n    ref: " + OLD + "\r\n    transport: registry\r\n"),
        Arguments.of("non-ASCII before it on earlier lines", "  # Grüße, 日本 🚀\n  image:\n    ref: " + OLD + "\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("styles")
  void apply_replacesOnlyTheReference(String style, String block) throws Exception {
    String text = doc(block);
    RefSite site = RefScanner.scan("hosts/web-01.yaml", text).sites().get(0);

    String after = ScalarRewriter.apply(text, List.of(new ScalarRewriter.Edit(site.pos(), site.written(), NEW)));

    assertThat(after).isEqualTo(text.replace(OLD, NEW));
    assertThat(RefScanner.scan("hosts/web-01.yaml", after).sites()).singleElement()
        .extracting(RefSite::ref).isEqualTo(ImageRef.parse(NEW));
  }

  @Test
  void apply_severalEditsInOneFile_acrossDocuments() throws Exception {
    String other = "reg.example:5000/fleet/db-os:7";
    String text = doc("  image:\n    ref: " + OLD + "\n") + "---\n" + doc("  image: {ref: '" + other + "'}\n");
    List<RefSite> sites = RefScanner.scan("f.yaml", text).sites();

    String after = ScalarRewriter.apply(text, List.of(
        new ScalarRewriter.Edit(sites.get(1).pos(), other, other + "@sha256:" + "b".repeat(64)),
        new ScalarRewriter.Edit(sites.get(0).pos(), OLD, NEW)));

    assertThat(after).isEqualTo(text.replace(OLD, NEW).replace(other, other + "@sha256:" + "b".repeat(64)));
  }

  @Test
  void apply_blockScalar_isRefused() {
    String text = doc("  image:\n    ref: |-\n      " + OLD + "\n");
    RefSite site = RefScanner.scan("f.yaml", text).sites().get(0);

    assertThatThrownBy(() -> ScalarRewriter.apply(text, List.of(new ScalarRewriter.Edit(site.pos(), OLD, NEW))))
        .isInstanceOf(ScalarRewriter.CannotRewrite.class).hasMessageContaining("block scalar");
  }

  @Test
  void apply_escapedDoubleQuotes_areRefused() {
    String text = doc("  image:\n    ref: \"reg.example:5000/fleet/web\\x2Dos:42\"\n");
    RefSite site = RefScanner.scan("f.yaml", text).sites().get(0);

    assertThatThrownBy(() -> ScalarRewriter.apply(text, List.of(new ScalarRewriter.Edit(site.pos(), site.written(),
        NEW)))).isInstanceOf(ScalarRewriter.CannotRewrite.class).hasMessageContaining("escapes");
  }

  @Test
  void apply_wrongExpectation_isRefused_notGuessed() {
    String text = doc("  image:\n    ref: " + OLD + "\n");
    RefSite site = RefScanner.scan("f.yaml", text).sites().get(0);

    assertThatThrownBy(() -> ScalarRewriter.apply(text, List.of(new ScalarRewriter.Edit(site.pos(),
        "reg.example:5000/fleet/other:1", NEW)))).isInstanceOf(ScalarRewriter.CannotRewrite.class);
  }
}
