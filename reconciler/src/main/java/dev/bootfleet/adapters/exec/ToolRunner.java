package dev.bootfleet.adapters.exec;

import dev.bootfleet.core.port.HostDriver.HostException;
import dev.bootfleet.core.text.Text;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs one OS tool (bootc, rpm-ostree, flatpak) as an argument list, never through a shell: stdin from
 * /dev/null, {@code LC_ALL=C} so that messages are the untranslated ones, at most {@code timeout}
 * (then the process and its children are killed), output capped. Errors are one line naming the
 * command as {@code <tool> <args>} (never the full path or leading arguments, which may carry
 * configuration) and the last line of stderr.
 */
public final class ToolRunner {
  /** The largest output read; a status document is a few KiB. */
  public static final int MAX_OUTPUT = 4 * 1024 * 1024;

  /** What a finished command gave. */
  public record Result(int exit, String stdout, String stderr) {}

  private final String tool;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Duration timeout;

  /**
   * @param tool the name shown in errors, e.g. {@code bootc}
   * @param command the executable and any leading arguments
   */
  public ToolRunner(String tool, List<String> command, Duration timeout) {
    this(tool, command, Map.of(), timeout);
  }

  /** @param environment variables set for the tool besides {@code LC_ALL=C} */
  public ToolRunner(String tool, List<String> command, Map<String, String> environment, Duration timeout) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("the " + tool + " command is empty");
    }
    this.tool = tool;
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.timeout = timeout;
  }

  public String tool() {
    return tool;
  }

  /** How a call is named in errors: {@code <tool> <args>}. */
  public String shown(String... args) {
    return tool + (args.length == 0 ? "" : " " + String.join(" ", args));
  }

  /** Runs the tool; any exit code is returned, only a start failure, timeout or interrupt throws. */
  public Result run(String... args) throws HostException {
    List<String> cmd = new ArrayList<>(command);
    cmd.addAll(List.of(args));
    String shown = shown(args);
    Process p;
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(environment);
      pb.environment().put("LC_ALL", "C");
      p = pb.start();
    } catch (IOException e) {
      throw new HostException(shown + ": cannot start " + command.get(0) + ": " + Text.oneLine(e.getMessage(), "?"),
          true);
    }
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new HostException(shown + ": timed out after " + timeout.toSeconds() + " s (stopped it)");
      }
      return new Result(p.exitValue(), new String(out.get(), StandardCharsets.UTF_8),
          new String(err.get(), StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new HostException(shown + ": interrupted");
    } catch (ExecutionException e) {
      throw new HostException(shown + ": cannot read its output: " + Text.oneLine(e.getMessage(), "?"));
    }
  }

  /** Runs the tool and returns stdout when it exits with one of {@code ok} (0 when none is given). */
  public Result check(String[] args, int... ok) throws HostException {
    Result r = run(args);
    int[] accepted = ok.length == 0 ? new int[] {0} : ok;
    for (int code : accepted) {
      if (r.exit() == code) {
        return r;
      }
    }
    throw failure(r, args);
  }

  /** The one-line error for a command that exited badly. */
  public HostException failure(Result r, String... args) {
    return new HostException(shown(args) + ": exit " + r.exit() + ": " + lastLine(r.stderr()));
  }

  private static byte[] drain(InputStream in) {
    try (in) {
      byte[] b = in.readNBytes(MAX_OUTPUT);
      in.transferTo(OutputStream.nullOutputStream());
      return b;
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /**
   * The last non-blank line of stderr, or for rpm-ostree's multi-line errors the {@code error:} line
   * (its first), which says what went wrong; the rest is advice.
   */
  public static String lastLine(String stderr) {
    String[] lines = stderr.strip().split("\n");
    for (String l : lines) {
      if (l.startsWith("error: ")) {
        return Text.oneLine(l.strip(), "(no message)");
      }
    }
    for (int i = lines.length - 1; i >= 0; i--) {
      if (!lines[i].isBlank()) {
        return Text.oneLine(lines[i].strip(), "(no message)");
      }
    }
    return "(no message on stderr)";
  }
}
