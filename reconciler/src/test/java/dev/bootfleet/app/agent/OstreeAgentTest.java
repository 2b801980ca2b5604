package dev.bootfleet.app.agent;

import static dev.bootfleet.testing.OstreeSysroot.REF;
import static dev.bootfleet.testing.OstreeSysroot.REMOTE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.port.DesiredStateSource;
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
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent walk-through on a plain ostree host: the real ostree on a test sysroot with a signed
 * repository, and a thin simulator for what needs a booted system. The simulator is a shell wrapper that
 * runs the real ostree for every command and only adds the booted mark and ostree's own labels to {@code
 * ostree admin status} (the header format of OstreeAdminStatusTest); a deploy is remembered as staged,
 * and its {@code sim-reboot} boots the staged deployment (or, with a fault file, falls back to the old
 * one). The agent moves the sysroot from commit A to B and back, and holds a fallback as for bootc.
 */
class OstreeAgentTest {
  private static final PersonIdent WHO = new PersonIdent("Test", "test@example.com");
  static final String HOST = "iot-01";

  @TempDir
  Path tmp;
  OstreeSysroot world;
  Path sim;
  Path repo;
  Git git;
  Agent agent;
  String a;
  String b;

  @BeforeEach
  void setUp() throws Exception {
    world = OstreeSysroot.create(Files.createDirectories(tmp.resolve("ostree")));
    a = world.commit("1.0", Map.of("app.conf", "a=1\n", "other.conf", "b=1\n"), true);
    b = world.commit("2.0", Map.of("app.conf", "a=2\n", "other.conf", "b=2\n"), true);
    sim = Files.createDirectories(tmp.resolve("sim"));
    Path sysroot = world.sysroot();
    script("ostree-sim", """
        #!/bin/sh
        # A SIMULATOR of what needs a booted system, around the real ostree (see OstreeAgentTest).
        S=%1$s
        if [ "$1" = admin ] && [ "$2" = status ]; then
          out=$(/usr/bin/ostree "$@") || exit $?
          printf '%%s\\n' "$out" | awk -v b="$(cat $S/booted 2>/dev/null)" -v st="$(cat $S/staged 2>/dev/null)" '
            /^  [^ ]+ [0-9a-f]+\\.[0-9]+$/ {
              if ($2 == b) { print "* " $1 " " $2; seen = 1; next }
              if ($2 == st) { print "  " $1 " " $2 " (staged)"; next }
              if (seen && !rb) { print "  " $1 " " $2 " (rollback)"; rb = 1; next }
              if (!seen && !pd && b != "") { print "  " $1 " " $2 " (pending)"; pd = 1; next }
            }
            { print }'
          exit 0
        fi
        /usr/bin/ostree "$@" || exit $?
        if [ "$1" = admin ] && [ "$2" = deploy ]; then
          /usr/bin/ostree admin status --sysroot=%2$s | awk '/^  [^ ]+ [0-9a-f]+\\.[0-9]+$/ { print $2; exit }' > $S/staged
        fi
        """.formatted(sim, sysroot));
    script("sim-reboot", """
        #!/bin/sh
        # The simulated reboot: boots the staged deployment, or with the fault file the old one.
        S=%1$s
        echo reboot >> $S/commands.log
        if [ -s $S/staged ] && [ ! -e $S/fault-fallback ]; then cp $S/staged $S/booted; fi
        : > $S/staged
        cat /proc/sys/kernel/random/uuid > $S/boot_id
        """.formatted(sim));
    // The host starts on A: deployed by ostree itself, then "booted".
    world.ostree("remote", "add", "--repo=" + sysroot.resolve("ostree/repo"), REMOTE, world.url());
    world.trust(REMOTE);
    world.ostree("pull", "--repo=" + sysroot.resolve("ostree/repo"), REMOTE, a);
    Path origin = Files.writeString(tmp.resolve("a.origin"), "[origin]\nrefspec=" + REMOTE + ":" + REF + "\n");
    world.ostree("admin", "deploy", "--sysroot=" + sysroot, "--os=" + OstreeSysroot.STATEROOT,
        "--origin-file=" + origin, a);
    Files.writeString(sim.resolve("booted"), a + ".0\n");
    Files.writeString(sim.resolve("boot_id"), UUID.randomUUID() + "\n");
    Files.writeString(sim.resolve("commands.log"), "");

    repo = Files.createDirectories(tmp.resolve("fleet"));
    git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call();
    want(a);
    String config = """
        host: %s
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
          command: [%s]
        """.formatted(HOST, repo, tmp.resolve("state"), Files.createDirectories(tmp.resolve("root/etc")).getParent(),
        tmp.resolve("no-bootc"), tmp.resolve("no-rpm-ostree"), sim.resolve("ostree-sim"), sysroot,
        tmp.resolve("reports"), sim.resolve("boot_id"), sim.resolve("sim-reboot"));
    AgentConfigParser.Result r = AgentConfigParser.parse(config, "agent.yaml", null);
    assertThat(r.problems()).extracting(Problem::format).isEmpty();
    // Git's target with the rollout part of the test laid over it, as the server would serve it.
    agent = AgentCommand.build(r.config(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        Clock.systemUTC(), d -> { }, git -> new DesiredStateSource() {
          @Override
          public Desired fetch(String host) throws java.io.IOException {
            Desired d = git.fetch(host);
            return new Desired(d.revision(), d.host(), d.problems(), d.images(), part.get());
          }

          @Override
          public String describe() {
            return git.describe();
          }
        });
  }

  /** The server's rollout part of the target; none unless a test sets one. */
  final AtomicReference<DesiredStateSource.Rollout> part = new AtomicReference<>();

  @AfterEach
  void tearDown() throws Exception {
    if (git != null) {
      git.close();
    }
    if (world != null) {
      world.close();
    }
  }

  private void script(String name, String text) throws Exception {
    Path p = sim.resolve(name);
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private void want(String commit) throws Exception {
    Files.createDirectories(repo.resolve("hosts"));
    Files.writeString(repo.resolve("hosts/" + HOST + ".yaml"), """
        apiVersion: bootfleet.dev/v1alpha1
        kind: Host
        metadata:
          name: %s
        spec:
          image:
            ostree: {remote: %s, ref: %s, commit: %s, url: "%s"}
        """.formatted(HOST, REMOTE, REF, commit, world.url()));
    git.add().addFilepattern(".").call();
    git.commit().setMessage("fleet: " + commit).setAuthor(WHO).setCommitter(WHO).setSign(false).call();
  }

  private String booted() throws Exception {
    return Files.readString(sim.resolve("booted")).strip();
  }

  @Test
  void agent_movesTheSysrootFromAToBAndBack_withEtcMergedByOstree() throws Exception {
    CycleReport first = agent.cycle();
    assertThat(first.driver).isEqualTo("ostree");
    assertThat(first.driverHow).isEqualTo("detected: neither bootc nor rpm-ostree is installed");
    assertThat(first.status()).isEqualTo("in-sync");

    Files.writeString(world.deployment(a).resolve("etc/app.conf"), "a=edited on the host\n");
    want(b);
    CycleReport toB = agent.cycle();
    assertThat(toB.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("stage", "done"),
            org.assertj.core.groups.Tuple.tuple("reboot", "requested"));
    assertThat(booted()).isEqualTo(b + ".0");
    CycleReport onB = agent.cycle();
    assertThat(onB.bootOutcome()).isEqualTo("converged");
    assertThat(onB.status()).isEqualTo("in-sync");
    Path etc = world.deployment(b).resolve("etc");
    assertThat(Files.readString(etc.resolve("app.conf"))).isEqualTo("a=edited on the host\n");
    assertThat(Files.readString(etc.resolve("other.conf"))).isEqualTo("b=2\n");

    want(a);
    assertThat(agent.cycle().reboot()).isEqualTo("requested");
    assertThat(booted()).isEqualTo(a + ".1");
    CycleReport back = agent.cycle();
    assertThat(back.bootOutcome()).isEqualTo("converged");
    assertThat(back.status()).isEqualTo("in-sync");
    for (CycleReport r : java.util.List.of(first, toB, onB, back)) {
      assertThat(AgentReportSchemaTest.errors(r)).isEmpty();
    }
    assertThat(Files.readAllLines(sim.resolve("commands.log"))).containsExactly("reboot", "reboot");
  }

  @Test
  void aBootloaderFallback_isHeld_theFailedDeploymentDropped_andNotDeployedAgain() throws Exception {
    agent.cycle();
    want(b);
    Files.writeString(sim.resolve("fault-fallback"), "");
    assertThat(agent.cycle().reboot()).isEqualTo("requested");
    assertThat(booted()).isEqualTo(a + ".0");

    CycleReport after = agent.cycle();
    assertThat(after.bootOutcome()).isEqualTo("bootloader-fallback");
    assertThat(after.status()).isEqualTo("held");
    CycleReport again = agent.cycle();
    assertThat(again.status()).isEqualTo("held");
    assertThat(again.steps()).extracting(CycleReport.Step::result).containsOnly("skipped"); // held: shown, not run
    // The failed commit, queued again by the fallback, was dropped once so that no reboot boots it.
    assertThat(world.ostree("admin", "status", "--sysroot=" + world.sysroot())).doesNotContain(b);
    assertThat(Files.readAllLines(sim.resolve("commands.log"))).containsExactly("reboot");
  }

  /**
   * {@code rollout.rollbackFrom} on plain ostree, which has no rollback verb in Debian's 2022.7: the rollback
   * deployment's commit is deployed again with its origin, once, and the reboot boots it.
   */
  @Test
  void rejectedCommit_deploysTheRollbackCommitAgain_once_andRebootsIntoIt() throws Exception {
    part.set(new DesiredStateSource.Rollout(true, null, null, null, false));
    agent.cycle();
    want(b);
    agent.cycle();
    assertThat(agent.cycle().bootOutcome()).isEqualTo("converged");
    assertThat(booted()).isEqualTo(b + ".0");

    want(a); // the server serves the commit the host kept, and says roll back from b
    part.set(new DesiredStateSource.Rollout(false, "DigestRejected", "rejected", b, false));
    CycleReport r = agent.cycle();
    assertThat(r.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("rollback", "done"),
            org.assertj.core.groups.Tuple.tuple("reboot", "requested"));
    assertThat(r.steps().get(0).detail()).contains("ostree admin deploy --stage of the rollback deployment's commit");
    assertThat(booted()).startsWith(a + ".");

    CycleReport after = agent.cycle();
    assertThat(after.bootOutcome()).isEqualTo("converged");
    assertThat(after.status()).as(after.reason()).isEqualTo("in-sync");
    assertThat(agent.cycle().steps()).isEmpty();
    assertThat(Files.readAllLines(sim.resolve("commands.log"))).containsExactly("reboot", "reboot");
    for (CycleReport c : java.util.List.of(r, after)) {
      assertThat(AgentReportSchemaTest.errors(c)).isEmpty();
    }
  }
}
