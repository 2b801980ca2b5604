package dev.bootfleet.app.agent;

import static dev.bootfleet.testing.OstreeSysroot.REF;
import static dev.bootfleet.testing.OstreeSysroot.REMOTE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.testing.OstreeSysroot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An rpm-ostree host pointed by Git at an ostree remote it does not have: the agent adds the remote Git
 * declares with the real ostree (on a test sysroot, GPG verification on) before {@code rpm-ostree rebase}.
 * rpm-ostree cannot run here: a script prints a real-shaped status (the host on another remote's ref) and
 * records every other call.
 */
class RpmOstreeRemoteTest {
  static final String OLD = "1".repeat(64);
  static final PersonIdent WHO = new PersonIdent("Test", "test@example.com");

  @TempDir
  Path tmp;

  @Test
  void rebase_toARemoteTheHostLacks_addsItFirst_withTheRealOstree() throws Exception {
    try (OstreeSysroot world = OstreeSysroot.create(Files.createDirectories(tmp.resolve("ostree")));
        Git git = Git.init().setDirectory(tmp.resolve("fleet").toFile()).setInitialBranch("main").call()) {
      String commit = world.commit("2.0", Map.of("app.conf", "a=2\n"), true);
      Path sim = Files.createDirectories(tmp.resolve("sim"));
      Files.writeString(sim.resolve("status.json"), """
          {"deployments": [{"id": "testos-%1$s.0", "osname": "testos", "checksum": "%1$s", "serial": 0,
            "booted": true, "staged": false, "origin": "fedora:fedora/x86_64/coreos/stable", "gpg-enabled": true,
            "requested-packages": [], "requested-base-removals": []}],
           "transaction": null, "cached-update": null, "update-driver": null}
          """.formatted(OLD));
      Path script = sim.resolve("rpm-ostree");
      Files.writeString(script, """
          #!/bin/sh
          if [ "$1" = status ]; then exec cat '%1$s/status.json'; fi
          echo "$*" >> '%1$s/calls'
          """.formatted(sim));
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.writeString(sim.resolve("calls"), "");
      Files.writeString(sim.resolve("boot_id"), UUID.randomUUID() + "\n");

      Path repo = tmp.resolve("fleet");
      Files.createDirectories(repo.resolve("hosts"));
      Files.writeString(repo.resolve("hosts/web-01.yaml"), """
          apiVersion: bootfleet.dev/v1alpha1
          kind: Host
          metadata:
            name: web-01
          spec:
            image:
              ostree: {remote: %s, ref: %s, commit: %s, url: "%s"}
          """.formatted(REMOTE, REF, commit, world.url()));
      git.add().addFilepattern(".").call();
      git.commit().setMessage("fleet").setAuthor(WHO).setCommitter(WHO).setSign(false).call();
      String config = """
          host: web-01
          fleet:
            url: %s
            branch: main
          stateDir: %s
          root: %s
          bootc: [%s]
          rpmOstree: [%s]
          ostree: [%s]
          ostreeSysroot: %s
          reportDir: %s
          bootIdFile: %s
          reboot:
            command: [/bin/true]
          """.formatted(repo, tmp.resolve("state"), Files.createDirectories(tmp.resolve("root/etc")).getParent(),
          tmp.resolve("no-bootc"), script, OstreeSysroot.binary(), world.sysroot(), tmp.resolve("reports"),
          sim.resolve("boot_id"));
      AgentConfigParser.Result r = AgentConfigParser.parse(config, "agent.yaml", null);
      assertThat(r.problems()).extracting(Problem::format).isEmpty();
      Agent agent = AgentCommand.build(r.config(), new PrintStream(new ByteArrayOutputStream(), true,
          StandardCharsets.UTF_8), Clock.systemUTC());

      CycleReport report = agent.cycle();

      assertThat(report.driver).isEqualTo("rpm-ostree");
      String repoArg = "--repo=" + world.sysroot().resolve("ostree/repo");
      assertThat(world.ostree("remote", "show-url", repoArg, REMOTE).strip()).isEqualTo(world.url());
      assertThat(Files.readAllLines(sim.resolve("calls"))).anyMatch(l -> l.startsWith("rebase --lock-finalization")
          && l.endsWith(REMOTE + ":" + REF + " " + commit));
    }
  }
}
