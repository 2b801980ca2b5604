package dev.bootfleet.core.pin;

import dev.bootfleet.core.yaml.Pos;
import java.util.ArrayList;
import java.util.List;

/**
 * Replaces single-line scalars in YAML text, byte for byte everywhere else: comments, quoting style,
 * spacing, line endings and every other line stay as they were. Uses the positions {@code YamlReader}
 * keeps (1-based line, code-point column of the scalar's first character, or of its tag or anchor);
 * each replacement checks that the text found there is the expected scalar, plain, single- or
 * double-quoted, and refuses anything else (block scalars, escapes) rather than guess. An image
 * reference has no spaces, so a value that continued on another line would not have parsed as one.
 * Callers re-read the result to confirm. Pure.
 */
public final class ScalarRewriter {
  private ScalarRewriter() {}

  /** Replace the scalar that starts at {@code pos} and reads {@code expected} with {@code replacement}. */
  public record Edit(Pos pos, String expected, String replacement) {}

  /** A scalar that cannot be rewritten in place, with its position. */
  public static final class CannotRewrite extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Pos pos;

    CannotRewrite(Pos pos, String message) {
      super(message, null, false, false);
      this.pos = pos;
    }

    public Pos pos() {
      return pos;
    }
  }

  /** The text with every edit applied. */
  public static String apply(String text, List<Edit> edits) throws CannotRewrite {
    record Span(int start, int end, String replacement) {}
    List<Span> spans = new ArrayList<>();
    for (Edit e : edits) {
      if (!e.replacement().equals(e.replacement().strip()) || e.replacement().contains("\n")
          || e.replacement().contains("'") || e.replacement().contains("\"") || e.replacement().contains("\\")
          || e.replacement().contains(" #")) {
        throw new CannotRewrite(e.pos(), "the replacement " + e.replacement() + " is not a simple scalar");
      }
      int at = offset(text, e.pos());
      at = skipProperties(text, at);
      char c = at < text.length() ? text.charAt(at) : '\0';
      int start;
      int end;
      if (c == '"' || c == '\'') {
        String quoted = c + e.expected() + c;
        if (!text.startsWith(quoted, at)) {
          throw new CannotRewrite(e.pos(), "the quoted value here is not exactly " + e.expected()
              + " (escapes or line breaks inside it?); write it on one line without escapes");
        }
        start = at + 1;
        end = at + 1 + e.expected().length();
      } else if (c == '|' || c == '>') {
        throw new CannotRewrite(e.pos(), "the value is a block scalar; write it on one line to pin it");
      } else {
        if (!text.startsWith(e.expected(), at)) {
          throw new CannotRewrite(e.pos(), "the value here is not exactly " + e.expected()
              + " (does it continue on the next line?); write it on one line");
        }
        end = at + e.expected().length();
        char after = end < text.length() ? text.charAt(end) : '\n';
        if (" \t\r\n,]}".indexOf(after) < 0) {
          throw new CannotRewrite(e.pos(), "the value here does not end where expected; write it on one line");
        }
        start = at;
      }
      spans.add(new Span(start, end, e.replacement()));
    }
    spans.sort((a, b) -> Integer.compare(a.start(), b.start())); // not comparingInt: see Problem.ORDER
    StringBuilder out = new StringBuilder(text.length() + 80 * spans.size());
    int copied = 0;
    for (Span s : spans) {
      if (s.start() < copied) {
        throw new IllegalArgumentException("overlapping edits");
      }
      out.append(text, copied, s.start()).append(s.replacement());
      copied = s.end();
    }
    return out.append(text, copied, text.length()).toString();
  }

  /** The UTF-16 index of a 1-based line and code-point column (lines end at \n, \r\n or \r). */
  static int offset(String text, Pos pos) throws CannotRewrite {
    int line = 1;
    int i = 0;
    while (line < pos.line()) {
      if (i >= text.length()) {
        throw new CannotRewrite(pos, "the file has fewer lines than the position");
      }
      char c = text.charAt(i++);
      if (c == '\n' || c == '\r' && (i >= text.length() || text.charAt(i) != '\n')) {
        line++;
      }
    }
    for (int col = 1; col < pos.column(); col++) {
      if (i >= text.length() || text.charAt(i) == '\n' || text.charAt(i) == '\r') {
        throw new CannotRewrite(pos, "the line is shorter than the position");
      }
      i += Character.charCount(text.codePointAt(i));
    }
    return i;
  }

  /** Skips {@code !tag} and {@code &anchor} before a scalar. */
  private static int skipProperties(String text, int at) {
    int i = at;
    while (i < text.length() && (text.charAt(i) == '!' || text.charAt(i) == '&')) {
      while (i < text.length() && text.charAt(i) != ' ' && text.charAt(i) != '\t' && text.charAt(i) != '\n') {
        i++;
      }
      while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
        i++;
      }
    }
    return i;
  }
}
