package dev.bootfleet.app.cli;

import java.util.List;

/**
 * A mistake in what the user gave us: printed as one line per problem, exit 1, never a stack trace.
 * Where a command can find several at once it reports them all, so that one run shows every fix.
 */
final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  UserError(String message) {
    this(List.of(message));
  }

  UserError(List<String> problems) {
    super(String.join("\n", problems), null, false, false);
    this.problems = List.copyOf(problems);
  }

  /** Each problem: one line, without the {@code bootfleet: error: } prefix. */
  List<String> problems() {
    return problems;
  }
}
