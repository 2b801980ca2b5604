package dev.bootfleet.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Waiting on a condition with a bound, never a bare sleep in its place. */
public final class Await {
  private Await() {}

  /** Checks {@code condition} until it holds or {@code max} passes (then fails, naming {@code what}). */
  public static void until(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
    Instant end = Instant.now().plus(max);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("not within " + max + ": " + what);
      }
      Thread.sleep(50); // between checks of the condition, not in place of one
    }
  }
}
