package dev.bootfleet.core.observed;

import dev.bootfleet.core.text.Text;
import dev.bootfleet.core.yaml.JsonView;
import dev.bootfleet.core.yaml.Pos;
import dev.bootfleet.core.yaml.YamlException;
import dev.bootfleet.core.yaml.YamlLimits;
import dev.bootfleet.core.yaml.YamlReader;
import java.util.List;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the text of one document into a Jackson tree: as JSON when its first non-blank character is
 * <code>{</code>, otherwise as YAML ({@link YamlReader}, scalars typed by {@link
 * dev.bootfleet.core.yaml.JsonView}, local tags as serde writes enum variants).
 */
final class SourceDocument {
  private static final int MAX_CHARS = YamlLimits.DEFAULT.maxChars();
  private static final int MAX_PROBLEM = 200;
  private static final java.util.regex.Pattern START_MARKER =
      java.util.regex.Pattern.compile("\\s*\\(start marker at \\[Source: [^\\]]*\\]\\)");
  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS) // keep the digits as written
      .build();

  private SourceDocument() {}

  /**
   * Parses {@code text}; {@code expected} names the document for "empty" errors, e.g. "bootc status
   * output".
   */
  static JsonNode read(String text, String origin, String expected) throws ObservedStateException {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(origin, "origin");
    if (text.length() > MAX_CHARS) {
      throw new ObservedStateException(origin + ": document: larger than " + MAX_CHARS
          + " characters (expected " + expected + ")");
    }
    int first = firstNonBlank(text);
    if (first < 0) {
      throw new ObservedStateException(origin + ": document: empty (expected " + expected + ")");
    }
    return text.charAt(first) == '{' ? json(text, origin) : yaml(text, origin, expected);
  }

  /**
   * The same as {@link #read(String, String, String)} on the UTF-8 text of {@code utf8}, but a JSON
   * document is parsed straight from its bytes (Jackson's byte parser; decoding to a String first was a
   * tenth of reading a large observed folder). Anything else is decoded and read as text.
   */
  static JsonNode read(byte[] utf8, String origin, String expected) throws ObservedStateException {
    Objects.requireNonNull(utf8, "utf8");
    Objects.requireNonNull(origin, "origin");
    int bom = utf8.length >= 3 && (utf8[0] & 0xff) == 0xEF && (utf8[1] & 0xff) == 0xBB && (utf8[2] & 0xff) == 0xBF
        ? 3 : 0;
    int i = bom;
    while (i < utf8.length && isAsciiBlank(utf8[i])) {
      i++;
    }
    if (i == utf8.length || utf8[i] != '{' || utf8.length > MAX_CHARS) {
      return read(new String(utf8, java.nio.charset.StandardCharsets.UTF_8), origin, expected);
    }
    try {
      return JSON.readTree(utf8, bom, utf8.length - bom); // from the BOM on, so lines and columns match
    } catch (JacksonException e) {
      throw syntaxError(e, origin);
    }
  }

  /** The ASCII characters {@link Character#isWhitespace} accepts. */
  private static boolean isAsciiBlank(byte b) {
    return b == ' ' || b >= 0x09 && b <= 0x0D || b >= 0x1C && b <= 0x1F;
  }

  private static int firstNonBlank(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c) && c != '\uFEFF') {
        return i;
      }
    }
    return -1;
  }

  private static JsonNode json(String text, String origin) throws ObservedStateException {
    int bom = text.startsWith("\uFEFF") ? 1 : 0;
    try {
      return JSON.readTree(text.substring(bom));
    } catch (JacksonException e) {
      throw syntaxError(e, origin);
    }
  }

  private static ObservedStateException syntaxError(JacksonException e, String origin) {
    TokenStreamLocation at = e.getLocation();
    String where = at == null || at.getLineNr() < 1 ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
    // Jackson adds where an unclosed object started as "(start marker at [Source: REDACTED (...); ...])":
    // noise for a user, who gets the line and column of the problem in front.
    String message = START_MARKER.matcher(e.getOriginalMessage()).replaceAll("");
    return new ObservedStateException(origin + where + ": JSON syntax error: " + oneLine(message));
  }

  private static JsonNode yaml(String text, String origin, String expected)
      throws ObservedStateException {
    List<YamlReader.Document> docs;
    try {
      docs = YamlReader.withDefaults().readAll(text);
    } catch (YamlException e) {
      throw new ObservedStateException(origin + at(e.pos()) + ": " + oneLine(e.getMessage()));
    }
    if (docs.isEmpty()) {
      throw new ObservedStateException(origin + ": document: empty (expected " + expected + ")");
    }
    if (docs.size() > 1) {
      throw new ObservedStateException(origin + at(docs.get(1).start())
          + ": a second YAML document (expected exactly one document)");
    }
    return JsonView.of(docs.get(0).root(), true);
  }

  private static String at(Pos pos) {
    return pos.known() ? ":" + pos : "";
  }

  private static String oneLine(String s) {
    String line = Text.oneLine(s, "unreadable input");
    return line.length() > MAX_PROBLEM ? line.substring(0, MAX_PROBLEM) + "…" : line;
  }
}
