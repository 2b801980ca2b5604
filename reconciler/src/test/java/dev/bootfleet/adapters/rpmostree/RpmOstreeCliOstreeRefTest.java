package dev.bootfleet.adapters.rpmostree;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command lines the rpm-ostree driver runs for ostree refs (rpm-ostree cannot run here, and its
 * simulator deploys container digests only): a two-line script prints a real-shaped status with an
 * ostree origin and records every other call, exiting as told.
 */
class RpmOstreeCliOstreeRefTest {
  static final String C1 = "1".repeat(64);
  static final String C2 = "2".repeat(64);

  @TempDir
  Path dir;
  RpmOstreeCli cli;

  @BeforeEach
  void setUp() throws Exception {
    Files.writeString(dir.resolve("status.json"), """
        {"deployments": [{"id": "fedora-iot-%1$s.0", "osname": "fedora-iot", "checksum": "%1$s", "serial": 0,
          "booted": true, "staged": false, "origin": "fedora-iot:fedora/stable/x86_64/iot", "gpg-enabled": true,
          "requested-packages": ["htop"], "requested-base-removals": []}],
         "transaction": null, "cached-update": null, "update-driver": null}
        """.formatted(C1));
    Files.writeString(dir.resolve("exit"), "0");
    Path script = dir.resolve("rpm-ostree");
    Files.writeString(script, """
        #!/bin/sh
        if [ "$1" = status ]; then exec cat '%1$s/status.json'; fi
        echo "$*" >> '%1$s/calls'; exit $(cat '%1$s/exit')
        """.formatted(dir));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    cli = new RpmOstreeCli(List.of(script.toString()), Duration.ofSeconds(10));
  }

  List<String> calls() throws Exception {
    return Files.readAllLines(dir.resolve("calls"));
  }

  @Test
  void deploy_pinsTheCommit_carryingOnlyThePackageChanges() throws Exception {
    assertThat(cli.deploy(C2, List.of("htop", "zsh"), List.of("vim"))).isTrue();

    assertThat(calls()).containsExactly("deploy --lock-finalization --unchanged-exit-77 --install zsh revision=" + C2);
  }

  @Test
  void deploy_ofTheCommitItHas_isUnchanged_exit77() throws Exception {
    Files.writeString(dir.resolve("exit"), "77");

    assertThat(cli.deploy(C1, List.of(), List.of())).isFalse();
  }

  @Test
  void rebase_toAnotherRef_passesTheCommitAsRevision() throws Exception {
    assertThat(cli.rebase("fedora:fedora/x86_64/coreos/stable", C2, List.of(), List.of("htop"))).isTrue();

    assertThat(calls()).containsExactly("rebase --lock-finalization --uninstall htop fedora:fedora/x86_64/coreos/stable "
        + C2);
  }
}
