package dev.bootfleet.app.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether standard output is a terminal, on Java 21 and on 22+ (where System.console() is never null). */
final class Terminal {
  private Terminal() {}

  static boolean isInteractive() {
    Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      Method m = Console.class.getMethod("isTerminal");
      return (Boolean) m.invoke(c);
    } catch (ReflectiveOperationException e) {
      return true; // Java 21: a console exists only on a terminal
    }
  }
}
