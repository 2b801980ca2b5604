package dev.bootfleet.app.server;

import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * The server's log: one line per event on standard error, {@code bootfleet serve: <text>}. Callers never
 * pass a secret: tokens, webhook secrets and URL passwords are named by where they are, never shown.
 */
final class ServerLog implements Consumer<String> {
  private final PrintStream out;

  ServerLog(PrintStream out) {
    this.out = out;
  }

  @Override
  public void accept(String text) {
    synchronized (out) {
      out.println("bootfleet serve: " + text.replaceAll("[\\r\\n]+", " "));
      out.flush();
    }
  }
}
