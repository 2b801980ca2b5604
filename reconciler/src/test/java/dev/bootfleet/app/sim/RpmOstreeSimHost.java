package dev.bootfleet.app.sim;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the rpm-ostree simulator in this JVM against one state folder, as {@code bin/rpm-ostree-sim --state-dir DIR}. */
public final class RpmOstreeSimHost {
  public record Run(int exit, String out, String err) {}

  private final Path dir;

  public RpmOstreeSimHost(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  public Run run(String... args) {
    List<String> all = new ArrayList<>(List.of("--state-dir", dir.toString()));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new RpmOstreeSimCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setParameterExceptionHandler((e, a) -> {
      e.getCommandLine().getErr().println("error: " + e.getMessage());
      return 1;
    });
    int code = cli.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  /** {@code status --json}, which must succeed. */
  public String status() {
    Run r = run("status", "--json");
    if (r.exit() != 0) {
      throw new AssertionError("rpm-ostree-sim status failed: " + r.err());
    }
    return r.out().strip();
  }

  /** Runs a command that must succeed; returns its output. */
  public String ok(String... args) {
    Run r = run(args);
    if (r.exit() != 0) {
      throw new AssertionError("rpm-ostree-sim " + String.join(" ", args) + " exited " + r.exit() + ": " + r.err());
    }
    return r.out();
  }
}
