package dev.bootfleet.adapters.exec;

import dev.bootfleet.core.port.HostDriver;
import dev.bootfleet.core.port.HostPower;
import dev.bootfleet.core.text.Text;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The running system's boots: the kernel's boot id file, a reboot command (systemctl reboot) and a soft reboot
 * command (systemctl soft-reboot). A soft reboot keeps the kernel and so its boot id; systemd counts them
 * ({@code SoftRebootsCount}), and a boot id here is the kernel's with that count when there were any
 * ({@code <boot id>+soft<N>}), so each soft reboot is a new boot to the agent.
 */
public final class SystemPower implements HostPower {
  private final Path bootIdFile;
  private final List<String> rebootCommand;
  private final List<String> softCommand;
  private final List<String> softRebootsCommand;

  public SystemPower(Path bootIdFile, List<String> rebootCommand) {
    this(bootIdFile, rebootCommand, List.of(), List.of());
  }

  /**
   * @param softCommand what soft-reboots the host; empty: it cannot
   * @param softRebootsCommand what prints this kernel boot's soft reboot count; empty: none are counted
   */
  public SystemPower(Path bootIdFile, List<String> rebootCommand, List<String> softCommand,
      List<String> softRebootsCommand) {
    this.bootIdFile = bootIdFile;
    this.rebootCommand = List.copyOf(rebootCommand);
    this.softCommand = List.copyOf(softCommand);
    this.softRebootsCommand = List.copyOf(softRebootsCommand);
  }

  @Override
  public String bootId() throws IOException {
    String id;
    try {
      id = Files.readString(bootIdFile, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new IOException("cannot read the boot id from " + bootIdFile + ": " + e.getMessage(), e);
    }
    long soft = softReboots();
    return soft > 0 ? id + "+soft" + soft : id;
  }

  /**
   * This kernel boot's soft reboots: 0 without the command, when it cannot start (no systemd) or prints nothing
   * (systemd before 254 has no such property); any other failure throws, since reading 0 by mistake after a soft
   * reboot would look like another boot.
   */
  private long softReboots() throws IOException {
    if (softRebootsCommand.isEmpty()) {
      return 0;
    }
    String what = "soft reboot count command " + String.join(" ", softRebootsCommand) + ": ";
    Process p;
    try {
      p = new ProcessBuilder(softRebootsCommand).redirectError(ProcessBuilder.Redirect.DISCARD)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    } catch (IOException e) {
      return 0;
    }
    try {
      String out = new String(p.getInputStream().readNBytes(4096), StandardCharsets.US_ASCII).strip();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(what + "did not finish in 30 seconds");
      }
      if (p.exitValue() != 0) {
        throw new IOException(what + "exit " + p.exitValue());
      }
      if (out.isEmpty() || out.equals("[not set]")) {
        return 0;
      }
      if (!out.matches("[0-9]{1,18}")) {
        throw new IOException(what + "printed " + Text.oneLine(out, "?") + " (expected a count)");
      }
      return Long.parseLong(out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(what + "interrupted");
    }
  }

  @Override
  public void softReboot() throws HostDriver.HostException {
    if (softCommand.isEmpty()) {
      HostPower.super.softReboot();
    }
    run(softCommand, "soft reboot command " + describeSoftReboot() + ": ");
  }

  @Override
  public String describeSoftReboot() {
    return softCommand.isEmpty() ? HostPower.super.describeSoftReboot() : String.join(" ", softCommand);
  }

  @Override
  public void reboot() throws HostDriver.HostException {
    run(rebootCommand, "reboot command " + describeReboot() + ": ");
  }

  private static void run(List<String> command, String what) throws HostDriver.HostException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      byte[] out = p.getInputStream().readNBytes(64 * 1024);
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new HostDriver.HostException(what + "did not finish in 2 minutes");
      }
      if (p.exitValue() != 0) {
        throw new HostDriver.HostException(what + "exit " + p.exitValue() + ": "
            + Text.oneLine(new String(out, StandardCharsets.UTF_8), ""));
      }
    } catch (IOException e) {
      throw new HostDriver.HostException(what + "cannot start: " + Text.oneLine(e.getMessage(), "?"), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HostDriver.HostException(what + "interrupted");
    }
  }

  @Override
  public String describeReboot() {
    return String.join(" ", rebootCommand);
  }
}
