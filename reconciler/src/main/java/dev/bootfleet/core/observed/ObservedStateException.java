package dev.bootfleet.core.observed;

/**
 * Observed state that cannot be read. The message is always one line, either {@code
 * "<origin>: <field path>: <problem> (expected <form>)"} or, for syntax errors, {@code
 * "<origin>:<line>:<col>: <problem>"}.
 */
public final class ObservedStateException extends Exception {
  private static final long serialVersionUID = 1L;

  ObservedStateException(String message) {
    super(message.replaceAll("[\\r\\n]+", " "));
  }
}
