package dev.bootfleet.app.sim;

import dev.bootfleet.adapters.fs.AtomicFiles;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.core.JacksonException;

/**
 * What the bootc and rpm-ostree simulators share: the simulated host's folder ({@code --state-dir} or
 * an environment variable), its state in {@code sim.json} and its boot id in {@code boot_id}, a log of
 * every changing command in {@code commands.log}, and changes made under {@code sysroot.lock} as the
 * real tools wait for ostree's lock.
 */
final class SimFolder {
  private SimFolder() {}

  /**
   * The folder {@code $env} names (when {@code --state-dir} was not given); a {@link SimError} with
   * {@code exit} when it is unset.
   */
  static Path dir(String env, int exit) {
    String value = System.getenv(env);
    if (value == null || value.isEmpty()) {
      throw new SimError(exit, "error: the simulator needs --state-dir or " + env);
    }
    return Path.of(value);
  }

  /** Reads {@code sim.json}; {@code init} is the command that writes a first one. */
  static <T> T load(Path dir, Class<T> type, String init) {
    Path f = dir.resolve("sim.json");
    if (!Files.exists(f)) {
      throw new SimError(1, "error: " + dir + " holds no simulated host (run " + init + " first)");
    }
    try {
      return SimJson.PRETTY.readValue(Files.readString(f), type);
    } catch (JacksonException e) { // unchecked in Jackson 3; its location lines say nothing here
      throw new SimError(1, "error: cannot read " + f + ": " + Text.oneLine(e.getOriginalMessage(), "?"));
    } catch (IOException | RuntimeException e) {
      throw new SimError(1, "error: cannot read " + f + ": " + Text.oneLine(e.getMessage(), "?"));
    }
  }

  /** Writes {@code sim.json} and {@code boot_id}, each atomically. */
  static void save(Path dir, Object state, String bootId) throws IOException {
    AtomicFiles.write(dir.resolve("sim.json"), SimJson.PRETTY.writeValueAsBytes(state),
        AtomicFiles.Attributes.mode(0644));
    AtomicFiles.write(dir.resolve("boot_id"), (bootId + "\n").getBytes(StandardCharsets.US_ASCII),
        AtomicFiles.Attributes.mode(0644));
  }

  /** A change to the simulated host: returns the exit code. */
  interface Change {
    int run() throws IOException;
  }

  /**
   * Logs {@code argv}, then runs {@code change} under the simulated sysroot lock; a {@link SimError}
   * (also from finding the folder) or an I/O error is printed as the tool would, and its code returned.
   */
  static int locked(Supplier<Path> dir, CommandSpec spec, Supplier<String[]> argv, Change change) {
    try {
      Path d = dir.get();
      Files.createDirectories(d);
      log(d, argv.get());
      try (FileChannel ch = FileChannel.open(d.resolve("sysroot.lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
        return change.run();
      }
    } catch (SimError e) {
      spec.commandLine().getErr().println(e.getMessage());
      return e.code;
    } catch (IOException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 1;
    }
  }

  /** The arguments from the subcommand's name on (without --state-dir), for the log. */
  static String[] argv(CommandSpec spec) {
    List<String> all = spec.commandLine().getParseResult().originalArgs();
    int i = 0;
    while (i < all.size() && all.get(i).startsWith("-")) {
      i += all.get(i).contains("=") ? 1 : 2;
    }
    return all.subList(Math.min(i, all.size()), all.size()).toArray(String[]::new);
  }

  /** Every changing invocation is logged, so tests can check what the agent ran. */
  static void log(Path dir, String[] argv) throws IOException {
    Files.writeString(dir.resolve("commands.log"), String.join(" ", argv) + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** The slow-download fault, already disarmed and saved by the caller: says so, then waits. */
  static void slowDownload(int seconds, PrintWriter out) {
    out.println("Fetching layers (simulated slow download: " + seconds + " s)");
    out.flush();
    try {
      Thread.sleep(seconds * 1000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
