package dev.bootfleet.app.sim;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the bootc simulator in this JVM against one state folder, as {@code bin/bootc-sim --state-dir DIR} would. */
public final class SimHost {
  public record Run(int exit, String out, String err) {}

  private final Path dir;

  public SimHost(Path dir) {
    this.dir = dir;
  }

  public Run run(String... args) {
    List<String> all = new ArrayList<>(List.of("--state-dir", dir.toString()));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new BootcSimCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  public String status() {
    Run r = run("status", "--format=json");
    if (r.exit() != 0) {
      throw new AssertionError("bootc-sim status failed: " + r.err());
    }
    return r.out().strip();
  }
}
