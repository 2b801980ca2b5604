package dev.bootfleet.adapters.bootc;

import dev.bootfleet.core.port.HostDriver;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Drives bootc through its command line, the interface bootc documents as stable. Every call is an
 * argument list (never a shell string), waits at most {@code timeout}, and never passes {@code --apply}:
 * bootc's {@code --apply} does not return, so reboots are the agent's, through systemd.
 *
 * <p>bootc has no verb that drops a staged deployment; {@link #lockStaged()} ({@code bootc upgrade
 * --download-only}) makes the next reboot discard it instead. Kernel arguments are not supported yet
 * (bootc changes them only through images or the newer {@code loader-entries} verb).
 */
public final class BootcCli implements HostDriver {
  /** The largest output read from bootc; a status document is a few KiB. */
  static final int MAX_OUTPUT = 4 * 1024 * 1024;

  private final List<String> command;
  private final Duration timeout;

  /**
   * @param command the bootc executable and any leading arguments, e.g. {@code [/usr/bin/bootc]} or
   *     {@code [bin/bootc-sim, --state-dir, /tmp/sim]}
   */
  public BootcCli(List<String> command, Duration timeout) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("the bootc command is empty");
    }
    this.command = List.copyOf(command);
    this.timeout = timeout;
  }

  @Override
  public String status() throws HostException {
    return run("status", "--format=json", "--format-version=1");
  }

  @Override
  public void switchTo(String ref, String transport, boolean enforce) throws HostException {
    List<String> args = new ArrayList<>(List.of("switch", "--quiet", "--transport", transport));
    if (enforce) {
      args.add("--enforce-container-sigpolicy");
    }
    args.add(ref);
    run(args.toArray(String[]::new));
  }

  @Override
  public void lockStaged() throws HostException {
    run("upgrade", "--quiet", "--download-only");
  }

  @Override
  public void unlockStaged() throws HostException {
    run("upgrade", "--quiet", "--from-downloaded");
  }

  @Override
  public void revertQueuedRollback() throws HostException {
    run("rollback");
  }

  @Override
  public boolean supportsKargs() {
    return false;
  }

  @Override
  public void setKargs(List<String> append, List<String> delete) throws HostException {
    throw new HostException("changing kernel arguments is not supported with bootc yet; set them in the image"
        + " (/usr/lib/bootc/kargs.d)");
  }

  /** Runs bootc with {@code args}; returns stdout, or fails with the exit code and stderr's last line. */
  String run(String... args) throws HostException {
    List<String> cmd = new ArrayList<>(command);
    cmd.addAll(List.of(args));
    String shown = "bootc " + String.join(" ", args);
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new HostException(shown + ": cannot start " + command.get(0) + ": " + Text.oneLine(e.getMessage(), "?"));
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
      String stdout = new String(out.get(), StandardCharsets.UTF_8);
      String stderr = new String(err.get(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new HostException(shown + ": exit " + p.exitValue() + ": " + lastLine(stderr));
      }
      return stdout;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new HostException(shown + ": interrupted");
    } catch (ExecutionException e) {
      throw new HostException(shown + ": cannot read its output: " + Text.oneLine(e.getMessage(), "?"));
    }
  }

  private static byte[] drain(InputStream in) {
    try (in) {
      byte[] b = in.readNBytes(MAX_OUTPUT);
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return b;
    } catch (IOException e) {
      return new byte[0];
    }
  }

  static String lastLine(String stderr) {
    String[] lines = stderr.strip().split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (!lines[i].isBlank()) {
        return Text.oneLine(lines[i].strip(), "(no message)");
      }
    }
    return "(no message on stderr)";
  }
}
