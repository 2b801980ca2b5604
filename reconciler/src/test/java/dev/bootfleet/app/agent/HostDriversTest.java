package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.adapters.bootc.BootcCli;
import dev.bootfleet.adapters.rpmostree.RpmOstreeCli;
import dev.bootfleet.core.manifest.HostDriverKind;
import dev.bootfleet.core.port.HostDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Driver detection. bootc and rpm-ostree cannot run here; each is played by a two-line script that
 * prints a real upstream status document (test resources fixtures/, copied from shared/fixtures) or
 * fails the way a missing or broken tool does.
 */
class HostDriversTest {
  @TempDir
  Path dir;

  Path fixture(String name) throws Exception {
    return Path.of(getClass().getResource("/fixtures/" + name).toURI());
  }

  /** A script that prints {@code file} (or fails with exit 1 when null). */
  List<String> tool(String name, Path file) throws Exception {
    Path script = dir.resolve(name);
    Files.writeString(script, "#!/bin/sh\n" + (file == null ? "echo 'error: simulated failure' >&2; exit 1\n"
        : "exec cat '" + file + "'\n"));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return List.of(script.toString());
  }

  HostDrivers drivers(List<String> bootc, List<String> rpmOstree) {
    return drivers(bootc, rpmOstree, List.of(dir.resolve("missing-ostree").toString()));
  }

  HostDrivers drivers(List<String> bootc, List<String> rpmOstree, List<String> ostree) {
    return new HostDrivers(new BootcCli(bootc, Duration.ofSeconds(10)), new RpmOstreeCli(rpmOstree,
        Duration.ofSeconds(10)), new dev.bootfleet.adapters.ostree.OstreeCli(ostree, null, null,
        Duration.ofSeconds(10)));
  }

  @Test
  void auto_withoutBootcOrRpmOstree_isPlainOstree() throws Exception {
    Path status = dir.resolve("ostree-status.txt");
    Files.writeString(status, "* eos " + "a".repeat(64) + ".0\n    Version: 6.0.1\n"
        + "    origin refspec: eos:os/eos/amd64/latest1\n");
    HostDrivers.Seen s = drivers(List.of(dir.resolve("missing-bootc").toString()),
        List.of(dir.resolve("missing-rpm-ostree").toString()), tool("ostree", status)).observe(
            dev.bootfleet.core.manifest.HostDriverKind.AUTO);

    assertThat(s.how()).isEqualTo("detected: neither bootc nor rpm-ostree is installed");
    assertThat(s.host().fromOstree()).isTrue();
    assertThat(s.host().booted().origin().refspec()).isEqualTo("eos:os/eos/amd64/latest1");
  }

  List<String> rpmOstree() throws Exception {
    return tool("rpm-ostree", fixture("rpm-ostree/rpm-ostree--oci-deployment.json"));
  }

  @Test
  void auto_withoutBootc_isRpmOstree() throws Exception {
    HostDrivers.Seen s = drivers(List.of(dir.resolve("missing-bootc").toString()), rpmOstree())
        .observe(HostDriverKind.AUTO);

    assertThat(s.driver().kind()).isEqualTo(HostDriverKind.RPM_OSTREE);
    assertThat(s.how()).isEqualTo("detected: bootc is not installed");
    assertThat(s.host().fromRpmOstree()).isTrue();
  }

  @Test
  void auto_bootcReportingIncompatible_isRpmOstree() throws Exception {
    HostDrivers d = drivers(tool("bootc", fixture("bootc/spec-rfe-ostree-deployment.yaml")), rpmOstree());

    HostDrivers.Seen s = d.observe(HostDriverKind.AUTO);

    assertThat(s.driver()).isInstanceOf(HostDriver.RpmOstree.class);
    assertThat(s.how()).contains("incompatible");
  }

  @Test
  void auto_bootcHost_isBootc_andGitNamingRpmOstreeWins() throws Exception {
    HostDrivers d = drivers(tool("bootc", fixture("bootc/spec-staged-booted.yaml")), rpmOstree());

    assertThat(d.observe(HostDriverKind.AUTO).driver()).isInstanceOf(HostDriver.Bootc.class);
    assertThat(d.observe(HostDriverKind.RPM_OSTREE).driver()).isInstanceOf(HostDriver.RpmOstree.class);
    assertThat(d.observe(HostDriverKind.BOOTC).how()).isEqualTo("named by Git");
  }

  @Test
  void auto_bothFailing_reportsBootcsError() throws Exception {
    HostDrivers d = drivers(tool("bootc", null), tool("rpm-ostree", null));

    assertThatThrownBy(() -> d.observe(HostDriverKind.AUTO))
        .hasMessage("bootc status --format=json --format-version=1: exit 1: error: simulated failure");
  }
}
