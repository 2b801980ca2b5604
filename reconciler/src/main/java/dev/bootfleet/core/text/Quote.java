package dev.bootfleet.core.text;

/**
 * Shows text from a manifest inside a one-line message: in double quotes, with control and format
 * characters escaped ({@code \t}, {@code \n}, {@code \u001B}), so that a value can neither break the
 * line nor reach the terminal as an escape sequence or a bidirectional override.
 */
public final class Quote {
  private Quote() {}

  /** {@code text} in double quotes, escaped; {@code null} as the word null. */
  public static String of(String text) {
    return text == null ? "null" : "\"" + escape(text) + "\"";
  }

  /** {@code text} escaped, without quotes. */
  public static String escape(String text) {
    return escape(text, true);
  }

  /** {@code text} with only its control and format characters escaped (quotes and backslashes kept). */
  public static String controls(String text) {
    return escape(text, false);
  }

  private static String escape(String text, boolean quotes) {
    StringBuilder b = new StringBuilder(text.length() + 8);
    text.codePoints().forEach(c -> {
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        case '"' -> b.append(quotes ? "\\\"" : "\"");
        case '\\' -> b.append(quotes ? "\\\\" : "\\");
        default -> {
          if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
              || c == 0x2028 || c == 0x2029) {
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
