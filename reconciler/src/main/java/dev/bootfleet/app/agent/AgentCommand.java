package dev.bootfleet.app.agent;

import dev.bootfleet.adapters.agentclient.ServerClient;
import dev.bootfleet.adapters.agentclient.ServerDesiredState;
import dev.bootfleet.adapters.agentclient.ServerLeaseCoordinator;
import dev.bootfleet.adapters.agentclient.ServerReportSink;
import dev.bootfleet.adapters.bootc.BootcCli;
import dev.bootfleet.adapters.fs.AtomicFiles;
import dev.bootfleet.core.port.DesiredStateSource;
import dev.bootfleet.core.port.ReportSink;
import dev.bootfleet.adapters.exec.SystemPower;
import dev.bootfleet.adapters.fleetlock.FleetLockClient;
import dev.bootfleet.adapters.fleetlock.FleetLockCoordinator;
import dev.bootfleet.core.port.RebootCoordinator;
import dev.bootfleet.adapters.fs.EtcTree;
import dev.bootfleet.adapters.git.GitDesiredState;
import dev.bootfleet.adapters.flatpak.FlatpakCli;
import dev.bootfleet.adapters.ostree.OstreeCli;
import dev.bootfleet.adapters.rpmostree.RpmOstreeCli;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.text.ByteSize;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bootfleet agent}: the host agent, as a service (loop) or one cycle ({@code --once}). */
@Command(name = "agent", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run the host agent: keep this host at what the fleet repository says.",
        "Each cycle reads bootc status (or rpm-ostree status), plans with the same engine as 'plan', writes /etc"
            + " files atomically, stages images with bootc switch (or rpm-ostree rebase, install, kargs, all"
            + " finalization-locked), and reboots (rpm-ostree: finalize-deployment) only inside a maintenance window"
            + " (and with a FleetLock slot when configured). Runs until stopped, or once with --once."},
    subcommands = {AgentCommand.ClearHold.class, AgentCommand.Enroll.class},
    footer = {"", "Exit codes with --once: 0 done, 1 a problem (see the log and <host>.agent.json),"
        + " 2 the host is held or its state unknown.", "Configuration: README.md, section 'The host agent'."})
public final class AgentCommand implements Callable<Integer> {
  static final long MAX_CONFIG_BYTES = 1024 * 1024;

  @Option(names = "--config", paramLabel = "FILE", description = "The configuration file (default: ${DEFAULT-VALUE}).",
      defaultValue = "/etc/bootfleet/agent.yaml")
  Path configFile;

  @Option(names = "--once", description = "Run one cycle and exit.")
  boolean once;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    AgentConfig config = load(configFile, spec, true);
    if (config == null) {
      return 1;
    }
    Files.createDirectories(config.stateDir());
    try (FileChannel ch = lockFile(config); FileLock lock = ch.tryLock()) {
      if (lock == null) {
        spec.commandLine().getErr().println("bootfleet: error: another bootfleet agent is running (it holds "
            + config.stateDir().resolve("agent.lock") + ")");
        return 1;
      }
      Agent agent = build(config, out);
      ServerDesiredState server = agent.source() instanceof ServerDesiredState s ? s : null;
      out.println("bootfleet-agent: host " + config.host() + ", " + (once ? "one cycle" : server != null
          ? "when its target changes on " + server.describe() + " (long poll), at least every "
              + config.interval().toSeconds() + " s" : "every " + config.interval().toSeconds() + " s"));
      AgentLoop loop = new AgentLoop(config.host(), config.interval(), server, out);
      while (true) {
        CycleReport r = agent.cycle();
        out.println("bootfleet-agent: " + r.status() + ": " + r.reason() + (r.durationMs() < 0 ? ""
            : " (cycle " + r.durationMs() + " ms)"));
        if (once) {
          return !r.problems().isEmpty() ? 1 : r.status().equals("held") || r.status().equals("unknown") ? 2 : 0;
        }
        // Collect now, while the cycle's garbage is fresh, so that the heap shrinks back for the idle wait
        // (SerialGC gives memory back after a full collection; docs/benchmarks.md has the figures).
        System.gc();
        loop.awaitNext();
      }
    }
  }

  static FileChannel lockFile(AgentConfig config) throws IOException {
    return FileChannel.open(config.stateDir().resolve("agent.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
  }

  /**
   * The host's power: its reboot and soft reboot commands, and its boots: the kernel's boot id with systemd's
   * soft reboot count, which by default goes only with the kernel's own boot id file.
   */
  static SystemPower power(AgentConfig c) {
    List<String> soft = c.reboot().softRebootsCommand();
    if (soft == null) {
      soft = c.bootIdFile().equals(Path.of("/proc/sys/kernel/random/boot_id"))
          ? AgentConfig.Reboot.DEFAULT_SOFT_REBOOTS : List.of();
    }
    return new SystemPower(c.bootIdFile(), c.reboot().command(), c.reboot().softCommand(), soft);
  }

  static Agent build(AgentConfig c, PrintStream log) throws IOException {
    return build(c, log, Clock.systemUTC());
  }

  static Agent build(AgentConfig c, PrintStream log, Clock clock) throws IOException {
    return build(c, log, clock, ServerReportSink.Pause.SLEEP);
  }

  /** The agent, wired by hand; {@code pause} waits between tries to send a report (tests: at once). */
  static Agent build(AgentConfig c, PrintStream log, Clock clock, ServerReportSink.Pause pause) throws IOException {
    return build(c, log, clock, pause, java.util.function.UnaryOperator.identity());
  }

  /** As above, with the desired state read through {@code around} (tests: a rollout part over Git's target). */
  static Agent build(AgentConfig c, PrintStream log, Clock clock, ServerReportSink.Pause pause,
      java.util.function.UnaryOperator<DesiredStateSource> around) throws IOException {
    DesiredStateSource source;
    ReportSink sink;
    if (c.server() != null) {
      ServerClient client = client(c.server());
      source = new ServerDesiredState(client);
      sink = new ServerReportSink(client, ServerReportSink.BACKOFF, pause);
    } else {
      source = new GitDesiredState(c.fleet().url(), c.fleet().branch(), c.fleet().path(),
          c.stateDir().resolve("fleet.git"));
      sink = ReportSink.NONE;
    }
    HostDrivers drivers = new HostDrivers(new BootcCli(c.bootc(), c.bootcTimeout()),
        new RpmOstreeCli(c.rpmOstree(), c.bootcTimeout()), new OstreeCli(c.ostree(), c.ostreeSysroot(),
            c.ostreeSysroot() == null ? java.util.List.of("/usr/bin/systemctl") : null, c.bootcTimeout()));
    AgentConfig.FleetLock lock = c.reboot().fleetLock();
    RebootCoordinator coordinator;
    if (lock == null) {
      coordinator = RebootCoordinator.NONE;
    } else if (lock.url() == null) { // server mode: the server's own leases, with the host's credential
      coordinator = new ServerLeaseCoordinator(client(c.server()), lock.id(), lock.group());
    } else {
      coordinator = new FleetLockCoordinator(new FleetLockClient(lock.url(), lock.id(), lock.group(),
          Duration.ofSeconds(30)));
    }
    FlatpakApplier flatpak = new FlatpakApplier(new FlatpakCli(c.flatpak(), java.util.Map.of(), c.bootcTimeout()));
    return new Agent(c, around.apply(source), drivers, new EtcApplier(new EtcTree(c.root()), c.localChanges()), flatpak,
        new RebootPolicy(c.reboot().windows(), coordinator), power(c),
        new StateStore(c.stateDir()), clock, log, sink);
  }

  /** The server's client: connecting bounded to 10 s, a whole request to 30 s. */
  static ServerClient client(AgentConfig.Server s) throws IOException {
    return new ServerClient(s.url(), s.tokenFile(), s.caFile(), s.certFile(), s.keyFile(), Duration.ofSeconds(10),
        Duration.ofSeconds(30));
  }

  /** Reads the configuration; prints every problem and returns null when there is one. */
  static AgentConfig load(Path file, CommandSpec spec) {
    return load(file, spec, false);
  }

  /**
   * Reads the configuration; prints every problem and returns null when there is one.
   *
   * @param needsCredential whether server.tokenFile must exist (the agent's run; not enrollment)
   */
  static AgentConfig load(Path file, CommandSpec spec, boolean needsCredential) {
    var err = spec.commandLine().getErr();
    String text;
    try {
      if (Files.size(file) > MAX_CONFIG_BYTES) {
        err.println(file + ": error: is larger than " + ByteSize.of(MAX_CONFIG_BYTES));
        return null;
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      err.println(file + ": error: no such file (expected the agent's configuration; see README.md, 'The host"
          + " agent')");
      return null;
    } catch (IOException e) {
      err.println(file + ": error: cannot read: " + Text.oneLine(e.getMessage(), "?"));
      return null;
    }
    AgentConfigParser.Result r = AgentConfigParser.parse(text, file.toString(), machineHostName(),
        needsCredential ? Files::exists : p -> true, true);
    for (Problem p : r.problems()) {
      err.println(p.format());
    }
    err.flush();
    return r.config();
  }

  static String machineHostName() {
    for (String f : new String[] {"/etc/hostname", "/proc/sys/kernel/hostname"}) {
      try {
        String h = Files.readString(Path.of(f)).strip().toLowerCase(Locale.ROOT);
        if (!h.isEmpty()) {
          return h;
        }
      } catch (IOException e) {
        // try the next
      }
    }
    return null;
  }

  /** {@code bootfleet agent clear-hold}: lets the agent stage the image it holds again. */
  @Command(name = "clear-hold", mixinStandardHelpOptions = true,
      description = {"Clear the hold on an image this host rolled back from (or whose staged update was lost).",
          "The next cycle may then stage it again. Waits for a running agent's cycle to finish."})
  static final class ClearHold implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", defaultValue = "/etc/bootfleet/agent.yaml",
        description = "The agent's configuration file (default: ${DEFAULT-VALUE}).")
    Path configFile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      AgentConfig config = load(configFile, spec);
      if (config == null) {
        return 1;
      }
      Files.createDirectories(config.stateDir());
      try (FileChannel ch = lockFile(config); FileLock lock = ch.lock()) {
        StateStore store = new StateStore(config.stateDir());
        AgentState st = store.load().state();
        if (st.record.hold() == null) {
          spec.commandLine().getOut().println("no hold on " + config.host());
          return 0;
        }
        String ref = st.record.hold().ref();
        st.record = st.record.clearHold();
        store.save(st);
        spec.commandLine().getOut().println("cleared the hold on " + ref + "; the next cycle may stage it again");
        return 0;
      }
    }
  }

  /**
   * {@code bootfleet agent enroll}: exchanges the one-time enrollment token {@code bootfleet host enroll}
   * printed for this host's own credential, and writes it to {@code server.tokenFile} (mode 0600, atomically).
   * Neither token is printed.
   */
  @Command(name = "enroll", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Enroll this host with the reconciler server named in agent.yaml (server:).",
          "Exchanges the one-time token 'bootfleet host enroll' printed for the host's own credential and writes"
              + " it to server.tokenFile (mode 0600). Neither token is printed."})
  static final class Enroll implements Callable<Integer> {
    static final long MAX_TOKEN_BYTES = 4096;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "/etc/bootfleet/agent.yaml",
        description = "The agent's configuration file (default: ${DEFAULT-VALUE}).")
    Path configFile;

    @Option(names = "--token-file", paramLabel = "FILE", required = true,
        description = "A file holding the one-time enrollment token (never a flag: it would show in ps).")
    Path tokenFile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      var err = spec.commandLine().getErr();
      AgentConfig config = load(configFile, spec, false);
      if (config == null) {
        return 1;
      }
      if (config.server() == null) {
        err.println(configFile + ": error: server: is not set (expected server: {url: https://<server>, tokenFile:"
            + " /etc/bootfleet/host.token}; enrollment is for server mode)");
        return 1;
      }
      String enrollment;
      try {
        if (Files.size(tokenFile) > MAX_TOKEN_BYTES) {
          err.println(tokenFile + ": error: is larger than " + ByteSize.of(MAX_TOKEN_BYTES) + " (expected one token)");
          return 1;
        }
        enrollment = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      } catch (NoSuchFileException e) {
        err.println(tokenFile + ": error: no such file (expected the enrollment token 'bootfleet host enroll'"
            + " printed)");
        return 1;
      } catch (IOException e) {
        err.println(tokenFile + ": error: cannot read: " + Text.oneLine(e.getMessage(), "?"));
        return 1;
      }
      if (enrollment.isEmpty() || enrollment.chars().anyMatch(c -> c <= ' ' || c > '~')) {
        err.println(tokenFile + ": error: is not an enrollment token (expected the one line 'bootfleet host"
            + " enroll' printed)");
        return 1;
      }
      ServerClient client;
      ServerClient.Response r;
      try {
        client = client(config.server());
        r = client.post("/v1/hosts/" + config.host() + "/credential", "", enrollment);
      } catch (IOException e) {
        err.println("bootfleet: error: " + Text.oneLine(e.getMessage(), "cannot reach the server"));
        return 1;
      }
      if (r.status() != 201) {
        err.println("bootfleet: error: " + client.describe() + " refused the enrollment token in " + tokenFile
            + ": HTTP " + r.status() + " (expected a valid, unexpired, unused token for host " + config.host()
            + " from 'bootfleet host enroll " + config.host() + "')");
        return 1;
      }
      String own;
      try {
        own = r.json().path("token").asString("");
      } catch (IOException e) {
        own = "";
      }
      if (own.isEmpty() || own.chars().anyMatch(c -> c <= ' ' || c > '~')) {
        err.println("bootfleet: error: " + client.describe() + " answered no credential (expected"
            + " {\"token\": ...})");
        return 1;
      }
      try {
        Files.createDirectories(config.server().tokenFile().getParent());
        AtomicFiles.write(config.server().tokenFile(), (own + "\n").getBytes(StandardCharsets.UTF_8),
            AtomicFiles.Attributes.mode(0600));
      } catch (IOException e) {
        err.println("bootfleet: error: " + Text.oneLine(e.getMessage(), "cannot write "
            + config.server().tokenFile()));
        return 1;
      }
      spec.commandLine().getOut().println("enrolled " + config.host() + " with " + client.describe()
          + "; its credential is in " + config.server().tokenFile() + " (mode 0600)");
      return 0;
    }
  }
}
