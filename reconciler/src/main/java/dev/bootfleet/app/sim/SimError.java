package dev.bootfleet.app.sim;

/** An exit like the simulated tool's: the message ("error: ...") on stderr and the exit code. */
final class SimError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final int code;

  SimError(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }
}
