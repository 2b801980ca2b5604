package dev.bootfleet.app.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in this JVM with captured output: fast, for tests that do not need the built jar. */
final class Cli {
  record Run(int exit, String out, String err) {}

  private Cli() {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit;
    try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
      exit = Main.run(o, e, args);
    }
    return new Run(exit, out.toString(), err.toString());
  }
}
