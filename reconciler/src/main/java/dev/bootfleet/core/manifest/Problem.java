package dev.bootfleet.core.manifest;

import dev.bootfleet.core.text.Quote;
import dev.bootfleet.core.yaml.Pos;
import java.util.Comparator;

/**
 * One thing wrong with the fleet repository, printed as one line:
 * {@code hosts/web-01.yaml:7:12: error: spec.image.ref: "..." is not ... (expected ...)}.
 *
 * @param file the repository-relative file, or "" when the problem is not in one file
 * @param field the YAML path of the offending value ({@code spec.etc[0].path}), or ""
 */
public record Problem(Severity severity, String file, Pos pos, String field, String message) {
  public enum Severity { ERROR, WARNING }

  /**
   * By file, line, column and message. Written out: Comparator.comparing and its kin return
   * serializable lambdas, which the JVM makes at run time on every start (no start-up cache keeps them).
   */
  public static final Comparator<Problem> ORDER = (a, b) -> {
    int c = a.file().compareTo(b.file());
    c = c != 0 ? c : Integer.compare(a.pos().line(), b.pos().line());
    c = c != 0 ? c : Integer.compare(a.pos().column(), b.pos().column());
    return c != 0 ? c : a.message().compareTo(b.message());
  };

  public Problem {
    if (message == null || message.isBlank() || message.contains("\n")) {
      throw new IllegalArgumentException("a problem is one non-empty line: " + message);
    }
    // What the manifest holds may reach a message unquoted (a key, a file name): never let a control
    // character through to the terminal. Escaping is idempotent, so escaped text is left as it is.
    message = Quote.controls(message);
    file = file == null ? "" : Quote.controls(file);
    pos = pos == null ? Pos.NONE : pos;
    field = field == null ? "" : Quote.controls(field);
  }

  public static Problem error(String file, Pos pos, String field, String message) {
    return new Problem(Severity.ERROR, file, pos, field, message);
  }

  public static Problem warning(String file, Pos pos, String field, String message) {
    return new Problem(Severity.WARNING, file, pos, field, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code file:line:col: error: field: message}, leaving out what is not known. */
  public String format() {
    StringBuilder b = new StringBuilder();
    if (!file.isEmpty()) {
      b.append(file);
      if (pos.known()) {
        b.append(':').append(pos.line()).append(':').append(pos.column());
      }
      b.append(": ");
    }
    return b.append(severity == Severity.ERROR ? "error: " : "warning: ").append(text()).toString();
  }

  /** {@code field: message}, or the message alone when no field is known: what is wrong, without where. */
  public String text() {
    return field.isEmpty() ? message : field + ": " + message;
  }

  @Override
  public String toString() {
    return format();
  }
}
