package dev.bootfleet.core.yaml;

import java.util.regex.Pattern;

/** The YAML 1.2 core schema's resolution of plain scalars (yaml.org/spec/1.2.2, section 10.3.2). */
final class CoreSchema {
  private static final Pattern NULL = Pattern.compile("null|Null|NULL|~|");
  private static final Pattern BOOL = Pattern.compile("true|True|TRUE|false|False|FALSE");
  private static final Pattern INT = Pattern.compile("[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+");
  private static final Pattern FLOAT = Pattern.compile(
      "[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");

  private CoreSchema() {}

  static YNode.YScalar.Type resolve(String text) {
    if (!text.isEmpty() && !mayBeNonString(text.charAt(0))) {
      return YNode.YScalar.Type.STRING; // most scalars (names, paths, references): no regex needed
    }
    if (NULL.matcher(text).matches()) {
      return YNode.YScalar.Type.NULL;
    }
    if (BOOL.matcher(text).matches()) {
      return YNode.YScalar.Type.BOOL;
    }
    if (INT.matcher(text).matches()) {
      return YNode.YScalar.Type.INT;
    }
    if (FLOAT.matcher(text).matches()) {
      return YNode.YScalar.Type.FLOAT;
    }
    return YNode.YScalar.Type.STRING;
  }

  /** Whether a scalar starting with {@code c} can match any of the patterns above. */
  static boolean mayBeNonString(char c) {
    return c >= '0' && c <= '9' || "nN~tTfF+-.".indexOf(c) >= 0;
  }
}
