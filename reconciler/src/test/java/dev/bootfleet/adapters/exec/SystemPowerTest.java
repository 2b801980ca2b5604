package dev.bootfleet.adapters.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.core.port.HostDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The host's boots as the agent tells them: the kernel's boot id, and, since a soft reboot keeps the kernel and
 * its boot id, systemd's soft reboot count after it; the soft reboot command itself. Small scripts stand in for
 * systemctl.
 */
class SystemPowerTest {
  @TempDir
  Path tmp;

  Path script(String name, String body) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  SystemPower power(String countScript) throws IOException {
    Path id = Files.writeString(tmp.resolve("boot_id"), "6f1c3e2a-0000-4000-8000-000000000001\n");
    return new SystemPower(id, List.of("true"), List.of(script("soft", "echo soft >> " + tmp.resolve("log")).toString()),
        countScript == null ? List.of() : List.of(script("count", countScript).toString()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      no count command                 | -                   | 6f1c3e2a-0000-4000-8000-000000000001
      no soft reboot yet               | echo 0              | 6f1c3e2a-0000-4000-8000-000000000001
      systemd before 254 prints nothing | echo                | 6f1c3e2a-0000-4000-8000-000000000001
      two soft reboots                 | echo 2              | 6f1c3e2a-0000-4000-8000-000000000001+soft2
      """)
  void bootId_isTheKernelsWithTheSoftRebootCount(String why, String count, String expected) throws Exception {
    assertThat(power(count.equals("-") ? null : count).bootId()).as(why).isEqualTo(expected);
  }

  @Test
  void bootId_failsRatherThanReadZero_whenTheCountCommandFails() throws Exception {
    assertThatThrownBy(() -> power("exit 3").bootId()).isInstanceOf(IOException.class).hasMessageContaining("exit 3");
    assertThatThrownBy(() -> power("echo lots").bootId()).isInstanceOf(IOException.class)
        .hasMessageContaining("printed lots (expected a count)");
  }

  @Test
  void softReboot_runsItsCommand_andWithoutOneRefuses() throws Exception {
    SystemPower p = power(null);
    p.softReboot();
    assertThat(Files.readString(tmp.resolve("log"))).isEqualTo("soft\n");
    assertThat(p.describeSoftReboot()).endsWith("/soft");
    assertThatThrownBy(() -> new SystemPower(tmp.resolve("boot_id"), List.of("true")).softReboot())
        .isInstanceOf(HostDriver.HostException.class).hasMessageContaining("cannot soft-reboot");
  }
}
