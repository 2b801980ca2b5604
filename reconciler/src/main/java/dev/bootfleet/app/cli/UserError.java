package dev.bootfleet.app.cli;

/** A mistake in what the user gave us: printed as one line, exit 1, never a stack trace. */
final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UserError(String message) {
    super(message, null, false, false);
  }
}
