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

/** The running system's boots: the kernel's boot id file, and a reboot command (systemctl reboot). */
public final class SystemPower implements HostPower {
  private final Path bootIdFile;
  private final List<String> rebootCommand;

  public SystemPower(Path bootIdFile, List<String> rebootCommand) {
    this.bootIdFile = bootIdFile;
    this.rebootCommand = List.copyOf(rebootCommand);
  }

  @Override
  public String bootId() throws IOException {
    try {
      return Files.readString(bootIdFile, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new IOException("cannot read the boot id from " + bootIdFile + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void reboot() throws HostDriver.HostException {
    String what = "reboot command " + describeReboot() + ": ";
    try {
      Process p = new ProcessBuilder(rebootCommand).redirectErrorStream(true)
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
