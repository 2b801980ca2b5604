package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.app.sim.RpmOstreeSimHost;
import dev.bootfleet.app.sim.SimHost;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.observed.BootcStatusParser;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.port.DesiredStateSource;
import dev.bootfleet.testing.Example;
import dev.bootfleet.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Supplier;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * One simulated host for agent tests: a real fleet repository (JGit on disk), the bootc simulator in
 * its own folder (the agent runs it through bin/bootc-sim, as it would run bootc), a scratch root for
 * /etc, and the agent itself in this JVM with a clock the test moves.
 */
final class AgentWorld implements AutoCloseable {
  static final String HOST = "web-01";
  private static final PersonIdent WHO = new PersonIdent("Test", "test@example.com");

  final Path base;
  final Path repo;
  final Path simDir;
  final Path stateDir;
  final Path root;
  final Path reports;
  final Git git;
  final SimHost sim;
  /** The rpm-ostree simulator's host, for an rpm-ostree world (see {@link #rpmOstree}); else null. */
  final RpmOstreeSimHost rpm;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z")); // a Tuesday

  /** The reboot policy's window the tests use: Mondays 02:00-03:00 UTC, so the clock starts outside it. */
  static final String MONDAY_WINDOW = """
      timeZone: UTC
      windows:
        - days: [Mon]
          start: "02:00"
          lengthMinutes: 60
      """;
  final ByteArrayOutputStream log = new ByteArrayOutputStream();
  Agent agent;

  AgentWorld(Path base) throws Exception {
    this(base, false);
  }

  /**
   * A world whose host is the rpm-ostree simulator and has no bootc (the agent detects rpm-ostree);
   * its reboot command is the simulator's plain reboot, which the agent should never need.
   */
  static AgentWorld rpmOstree(Path base) throws Exception {
    return new AgentWorld(base, true);
  }

  private AgentWorld(Path base, boolean rpmOstree) throws Exception {
    this.base = base;
    repo = Files.createDirectories(base.resolve("fleet"));
    simDir = Files.createDirectories(base.resolve("sim"));
    stateDir = base.resolve("state");
    root = Files.createDirectories(base.resolve("root"));
    Files.createDirectories(root.resolve("etc"));
    reports = base.resolve("reports");
    git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call();
    sim = new SimHost(simDir);
    rpm = rpmOstree ? new RpmOstreeSimHost(simDir) : null;
  }

  /** Writes the host's manifest with {@code spec} (YAML lines, indented by two) and commits it. */
  AgentWorld commitSpec(String spec) throws Exception {
    Files.createDirectories(repo.resolve("hosts"));
    Files.writeString(repo.resolve("hosts/" + HOST + ".yaml"), """
        apiVersion: bootfleet.dev/v1alpha1
        kind: Host
        metadata:
          name: %s
        spec:
        %s
        """.formatted(HOST, spec.indent(2).stripTrailing()));
    git.add().addFilepattern(".").call();
    git.commit().setMessage("fleet: " + spec.lines().findFirst().orElse("")).setAuthor(WHO).setCommitter(WHO)
        .setSign(false).call();
    return this;
  }

  /** Writes the host's manifest (image and /etc/motd) and commits it. */
  AgentWorld commit(String image, String motd) throws Exception {
    Files.createDirectories(repo.resolve("hosts"));
    Files.writeString(repo.resolve("hosts/" + HOST + ".yaml"), """
        apiVersion: bootfleet.dev/v1alpha1
        kind: Host
        metadata:
          name: %s
        spec:
          image:
            ref: %s
          etc:
            - path: /etc/motd
              content: "%s\\n"
            - path: /etc/bootfleet-demo/secret.conf
              mode: "0600"
              content: "token = s3cr3t\\n"
        """.formatted(HOST, image, motd));
    git.add().addFilepattern(".").call();
    git.commit().setMessage("fleet: " + image).setAuthor(WHO).setCommitter(WHO).setSign(false).call();
    return this;
  }

  /** The agent's configuration file, with {@code reboot} settings spliced in. */
  String config(String reboot, String extra) {
    String simCmd = "[" + Example.projectRoot().resolve("bin/bootc-sim") + ", --state-dir, " + simDir + "]";
    String rebootCmd = "[" + Example.projectRoot().resolve("bin/bootc-sim") + ", --state-dir, " + simDir + ", reboot]";
    if (rpm != null) {
      String rpmCmd = "[" + Example.projectRoot().resolve("bin/rpm-ostree-sim") + ", --state-dir, " + simDir + "]";
      simCmd = "[" + base.resolve("no-bootc-here") + "]";
      rebootCmd = "[" + Example.projectRoot().resolve("bin/rpm-ostree-sim") + ", --state-dir, " + simDir
          + ", sim-reboot]";
      extra = "rpmOstree: " + rpmCmd + "\n" + extra;
    }
    return """
        host: %s
        fleet:
          url: %s
          branch: main
        stateDir: %s
        root: %s
        bootc: %s
        reportDir: %s
        bootIdFile: %s
        %s
        reboot:
          command: %s
        %s
        """.formatted(HOST, repo, stateDir, root, simCmd, reports, simDir.resolve("boot_id"), extra, rebootCmd,
        reboot.isBlank() ? "" : reboot.indent(2).stripTrailing());
  }

  AgentWorld start(String reboot, String extra) throws Exception {
    String text = config(reboot, extra);
    Files.writeString(base.resolve("agent.yaml"), text);
    AgentConfigParser.Result r = AgentConfigParser.parse(text, "agent.yaml", null);
    assertThat(r.problems()).extracting(Problem::format).isEmpty();
    agent = AgentCommand.build(r.config(), new PrintStream(log, true, StandardCharsets.UTF_8), clock);
    return this;
  }

  /**
   * Starts the agent in server mode: the configuration of {@link #config} with {@code server} (YAML lines)
   * in place of {@code fleet:}; a report is tried again at once, without the backoff's pauses.
   */
  AgentWorld startServer(String reboot, String server) throws Exception {
    String fleet = "fleet:\n  url: " + repo + "\n  branch: main\n";
    String text = config(reboot, "");
    assertThat(text).contains(fleet);
    text = text.replace(fleet, "server:\n" + server.indent(2));
    Files.writeString(base.resolve("agent.yaml"), text);
    AgentConfigParser.Result r = AgentConfigParser.parse(text, "agent.yaml", null);
    assertThat(r.problems()).extracting(Problem::format).isEmpty();
    agent = AgentCommand.build(r.config(), new PrintStream(log, true, StandardCharsets.UTF_8), clock, d -> {});
    return this;
  }

  /**
   * Starts the agent on Git's target with {@code part}'s current value laid over it as the server's rollout
   * part of the target (the agent's side of a rollout, without a server).
   */
  AgentWorld startWithRollout(String reboot, Supplier<DesiredStateSource.Rollout> part) throws Exception {
    AgentConfigParser.Result r = AgentConfigParser.parse(config(reboot, ""), "agent.yaml", null);
    assertThat(r.problems()).extracting(Problem::format).isEmpty();
    agent = AgentCommand.build(r.config(), new PrintStream(log, true, StandardCharsets.UTF_8), clock, d -> { },
        git -> new DesiredStateSource() {
          @Override
          public Desired fetch(String host) throws IOException {
            Desired d = git.fetch(host);
            return new Desired(d.revision(), d.host(), d.problems(), d.images(), part.get());
          }

          @Override
          public String describe() {
            return git.describe();
          }
        });
    return this;
  }

  CycleReport cycle() throws IOException {
    return agent.cycle();
  }

  ObservedHost host() throws Exception {
    return rpm != null ? dev.bootfleet.core.observed.RpmOstreeStatusParser.parse(rpm.status(), "sim")
        : BootcStatusParser.parse(sim.status(), "sim");
  }

  String booted() throws Exception {
    ObservedHost h = host();
    return h.booted().image().image().image();
  }

  int reboots() throws IOException {
    return (int) Files.readAllLines(simDir.resolve("commands.log")).stream().filter(l -> l.equals("reboot")).count();
  }

  long commands(String prefix) throws IOException {
    return Files.readAllLines(simDir.resolve("commands.log")).stream().filter(l -> l.startsWith(prefix)).count();
  }

  String file(String path) throws IOException {
    return Files.readString(root.resolve(path.substring(1)));
  }

  AgentState state() throws IOException {
    return new StateStore(stateDir).load().state();
  }

  @Override
  public void close() {
    git.close();
  }

}
