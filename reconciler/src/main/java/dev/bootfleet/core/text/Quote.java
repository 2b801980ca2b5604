package dev.bootfleet.core.text;

/**
 * Shows text from a manifest or a host's report inside a one-line message, and in every rendered plan:
 * in double quotes, with control and format characters escaped ({@code \t}, {@code \n}, {@code
 * \u001B}), so that a value can neither break the line nor reach the terminal as an escape sequence or
 * a bidirectional override. Lone surrogates and U+FFFE/U+FFFF are escaped too: XML cannot hold them,
 * and an encoder turns them into {@code ?}.
 */
public final class Quote {
  private Quote() {}

  /** {@code text} in double quotes, escaped; {@code null} as the word null. */
  public static String of(String text) {
    return text == null ? "null" : "\"" + escape(text) + "\"";
  }

  /** {@code text} escaped, without quotes. */
  public static String escape(String text) {
    return escape(text, true, false);
  }

  /** {@code text} with only its control and format characters escaped (quotes and backslashes kept). */
  public static String controls(String text) {
    return escape(text, false, false);
  }

  /**
   * Text of several lines (a diff, a report body) as {@link #controls} escapes it, but with its line
   * feeds and tabs kept; a carriage return is escaped, as it would let a line overwrite itself.
   */
  public static String lines(String text) {
    return escape(text, false, true);
  }

  /** Whether {@link #controls} would change {@code text}: it holds a character a one-line value must not. */
  public static boolean hasControls(String text) {
    return !isClean(text, false) && text.codePoints().anyMatch(Quote::isControl);
  }

  /**
   * Whether {@code c} is escaped here: a control character (C0, DEL, C1), a format character (the
   * bidirectional overrides among them), a line or paragraph separator, a surrogate, U+FFFE or U+FFFF.
   */
  public static boolean isControl(int c) {
    return Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || c == 0x2028 || c == 0x2029
        || Character.getType(c) == Character.SURROGATE || c == 0xFFFE || c == 0xFFFF;
  }

  /**
   * Whether no character of {@code text} would be escaped. A surrogate pair is not clean here (its
   * halves are checked as chars), which only sends it to the exact path.
   */
  private static boolean isClean(String text, boolean keepLines) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 ? !(keepLines && (c == '\n' || c == '\t')) : c >= 0x7F && isControl(c)) {
        return false;
      }
    }
    return true;
  }

  private static String escape(String text, boolean quotes, boolean keepLines) {
    if (!quotes && isClean(text, keepLines)) {
      return text; // the common case, without a copy: renderers pass every value of a large plan here
    }
    StringBuilder b = new StringBuilder(text.length() + 8);
    text.codePoints().forEach(c -> {
      switch (c) {
        case '\n' -> b.append(keepLines ? "\n" : "\\n");
        case '\t' -> b.append(keepLines ? "\t" : "\\t");
        case '\r' -> b.append("\\r");
        case '"' -> b.append(quotes ? "\\\"" : "\"");
        case '\\' -> b.append(quotes ? "\\\\" : "\\");
        default -> {
          if (isControl(c)) {
            b.append(String.format("\\u%04X", c));
          } else {
            b.appendCodePoint(c);
          }
        }
      }
    });
    return b.toString();
  }
}
