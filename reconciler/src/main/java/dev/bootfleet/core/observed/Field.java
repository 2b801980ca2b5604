package dev.bootfleet.core.observed;

import dev.bootfleet.core.text.Quote;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * A value of a parsed document together with its path ({@code status.otherDeployments[0].pinned}),
 * so that every problem becomes a one-line error naming the field.
 *
 * <p>An absent key and an explicit {@code null} are treated alike: "missing" for required fields,
 * the default for optional ones.
 */
final class Field {
  private static final int MAX_QUOTED = 80;

  private final String origin;
  private final String path;
  private final JsonNode node;

  private Field(String origin, String path, JsonNode node) {
    this.origin = origin;
    this.path = path;
    this.node = node;
  }

  static Field root(String origin, JsonNode node) {
    return new Field(origin, "", node);
  }

  /** The field's path, {@code document} for the root. */
  String path() {
    return path.isEmpty() ? "document" : path;
  }

  JsonNode node() {
    return node;
  }

  /** The member {@code key} of this object (missing when this is not an object). */
  Field get(String key) {
    JsonNode child = node != null && node.isObject() ? node.get(key) : null;
    return new Field(origin, path.isEmpty() ? key : path + "." + key, child);
  }

  boolean missing() {
    return node == null || node.isNull() || node.isMissingNode();
  }

  ObservedStateException fail(String problem, String expected) {
    return new ObservedStateException(
        origin + ": " + path() + ": " + problem + " (expected " + expected + ")");
  }

  /** "missing" or "found a number", whichever applies. */
  ObservedStateException wrong(String expected) {
    return fail(missing() ? "missing" : "found " + describe(node), expected);
  }

  /** This field, which must be an object. */
  Field object(String expected) throws ObservedStateException {
    if (missing() || !node.isObject()) {
      throw wrong(expected);
    }
    return this;
  }

  /** This field when it is an object, {@code null} when missing. */
  Field optObject(String expected) throws ObservedStateException {
    return missing() ? null : object(expected);
  }

  /** The items of this array, empty when missing. */
  List<Field> optItems(String expected) throws ObservedStateException {
    List<Field> items = new ArrayList<>();
    if (missing()) {
      return items;
    }
    if (!node.isArray()) {
      throw wrong(expected);
    }
    for (int i = 0; i < node.size(); i++) {
      items.add(new Field(origin, path + "[" + i + "]", node.get(i)));
    }
    return items;
  }

  /**
   * A required, non-empty text. Numbers are accepted as text: YAML's core schema reads {@code
   * version: 20231230.1} as a number where bootc (serde_yaml) reads text. Written digits are kept
   * ({@code 1.10} stays {@code 1.10}) unless written with an exponent, in hex/octal or with leading
   * zeros ({@code 007} becomes {@code 7}); quote such values.
   */
  String text(String expected) throws ObservedStateException {
    String s = optText(expected);
    if (s == null) {
      throw wrong(expected);
    }
    if (s.isEmpty()) {
      throw fail("empty", expected);
    }
    return s;
  }

  /**
   * Like {@link #text} but {@code null} when missing; may be empty. A value holding a control or format
   * character ({@link Quote#isControl}: an escape sequence, a line break, a bidirectional override) is
   * refused: no name, reference, version or mode a host reports has one, and a report is untrusted.
   */
  String optText(String expected) throws ObservedStateException {
    String s = optContent(expected);
    if (s != null && node.isString() && Quote.hasControls(s)) {
      throw fail("found " + quote(s) + ", which holds a control character", expected);
    }
    return s;
  }

  /** Like {@link #optText}, any character allowed: a file's text, which has line breaks and tabs. */
  String optContent(String expected) throws ObservedStateException {
    if (missing()) {
      return null;
    }
    if (node.isString()) {
      return shared(node.stringValue());
    }
    if (node.isNumber()) {
      return node.isBigDecimal() ? node.decimalValue().toPlainString() : node.numberValue().toString();
    }
    throw wrong(expected);
  }

  /**
   * One copy of each short value: a fleet's status documents repeat the same image references,
   * digests, versions and architectures on every host, and holding 10,000 copies of each made garbage
   * collection a tenth of {@code bootfleet plan}'s time.
   */
  private static String shared(String s) {
    return s.length() <= 256 ? s.intern() : s;
  }

  boolean bool() throws ObservedStateException {
    if (missing() || !node.isBoolean()) {
      throw wrong("true or false");
    }
    return node.booleanValue();
  }

  /** An optional boolean: {@code false} when missing. */
  boolean optBool() throws ObservedStateException {
    return !missing() && bool();
  }

  /** A required integer from 0 to {@link Integer#MAX_VALUE}. */
  int count() throws ObservedStateException {
    String expected = "an integer from 0 to " + Integer.MAX_VALUE;
    if (missing() || !node.isIntegralNumber()) {
      throw wrong(expected);
    }
    if (!node.canConvertToInt() || node.intValue() < 0) {
      throw fail("found " + node.numberValue(), expected);
    }
    return node.intValue();
  }

  /** Builds a record, turning a rejected argument into an error at this field. */
  <T> T build(Supplier<T> constructor) throws ObservedStateException {
    try {
      return constructor.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ObservedStateException(origin + ": " + path() + ": " + e.getMessage());
    }
  }

  static String describe(JsonNode n) {
    if (n.isObject()) {
      return "an object";
    } else if (n.isArray()) {
      return "an array";
    } else if (n.isString()) {
      return "the string " + quote(n.stringValue());
    } else if (n.isBoolean()) {
      return "the boolean " + n.booleanValue();
    } else if (n.isNumber()) {
      return "the number " + n.numberValue();
    }
    return n.isNull() ? "null" : n.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  /** A string for a one-line message: quoted, control characters escaped, long ones shortened. */
  static String quote(String s) {
    boolean cut = s.codePointCount(0, s.length()) > MAX_QUOTED;
    String shown = cut ? s.substring(0, s.offsetByCodePoints(0, MAX_QUOTED)) : s;
    return "\"" + Quote.escape(shown) + (cut ? "…\"" : "\"");
  }

}
