package dev.bootfleet.app.agent;

import dev.bootfleet.adapters.bootc.BootcCli;
import dev.bootfleet.adapters.exec.SystemPower;
import dev.bootfleet.adapters.fleetlock.FleetLockClient;
import dev.bootfleet.adapters.fleetlock.FleetLockCoordinator;
import dev.bootfleet.core.port.RebootCoordinator;
import dev.bootfleet.adapters.fs.EtcTree;
import dev.bootfleet.adapters.git.GitDesiredState;
import dev.bootfleet.adapters.flatpak.FlatpakCli;
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
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
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
    subcommands = {AgentCommand.ClearHold.class},
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
    AgentConfig config = load(configFile, spec);
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
      out.println("bootfleet-agent: host " + config.host() + ", " + (once ? "one cycle" : "every "
          + config.interval().toSeconds() + " s"));
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
        long jitter = ThreadLocalRandom.current().nextLong(config.interval().toMillis() / 10 + 1);
        Thread.sleep(config.interval().toMillis() + jitter);
      }
    }
  }

  static FileChannel lockFile(AgentConfig config) throws IOException {
    return FileChannel.open(config.stateDir().resolve("agent.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
  }

  static Agent build(AgentConfig c, PrintStream log) throws IOException {
    return build(c, log, Clock.systemUTC());
  }

  static Agent build(AgentConfig c, PrintStream log, Clock clock) throws IOException {
    GitDesiredState source = new GitDesiredState(c.fleet().url(), c.fleet().branch(), c.fleet().path(),
        c.stateDir().resolve("fleet.git"));
    HostDrivers drivers = new HostDrivers(new BootcCli(c.bootc(), c.bootcTimeout()),
        new RpmOstreeCli(c.rpmOstree(), c.bootcTimeout()));
    RebootCoordinator coordinator = c.reboot().fleetLock() == null ? RebootCoordinator.NONE
        : new FleetLockCoordinator(new FleetLockClient(c.reboot().fleetLock().url(), c.reboot().fleetLock().id(),
            c.reboot().fleetLock().group(), Duration.ofSeconds(30)));
    FlatpakApplier flatpak = new FlatpakApplier(new FlatpakCli(c.flatpak(), java.util.Map.of(), c.bootcTimeout()));
    return new Agent(c, source, drivers, new EtcApplier(new EtcTree(c.root()), c.localChanges()), flatpak,
        new RebootPolicy(c.reboot().windows(), coordinator), new SystemPower(c.bootIdFile(), c.reboot().command()),
        new StateStore(c.stateDir()), clock, log);
  }

  /** Reads the configuration; prints every problem and returns null when there is one. */
  static AgentConfig load(Path file, CommandSpec spec) {
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
    AgentConfigParser.Result r = AgentConfigParser.parse(text, file.toString(), machineHostName());
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
}
