package dev.bootfleet.app.sim;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * A SIMULATOR of bootc, for tests and demos: bootc cannot run here. It offers the command-line surface
 * the agent uses ({@code status --format=json}, {@code switch}, {@code upgrade}, {@code rollback}) with
 * bootc's semantics (docs in shared bootc reference: staged vs booted vs rollback, download-only
 * entries, rollback as a toggle, "Image specification is unchanged"), keeps the simulated host in a
 * folder, takes digests from a real registry, and adds what a test needs: {@code init}, {@code reboot}
 * and {@code fault}. Nothing here touches the machine it runs on. Started by {@code bin/bootc-sim}.
 */
@Command(name = "bootc-sim", hidden = true, mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
    description = {"A bootc SIMULATOR for tests: status, switch, upgrade, rollback, plus init, reboot and fault.",
        "The simulated host lives in --state-dir (or $BOOTC_SIM_DIR)."},
    subcommands = {BootcSimCommand.Init.class, BootcSimCommand.Status.class, BootcSimCommand.Switch.class,
        BootcSimCommand.Upgrade.class, BootcSimCommand.Rollback.class, BootcSimCommand.Reboot.class,
        BootcSimCommand.Fault.class, BootcSimCommand.SoftReboot.class, BootcSimCommand.SoftReboots.class})
public final class BootcSimCommand extends SimCommand<SimState> {
  public BootcSimCommand() {
    super(new Tool<>(SimState.class, "BOOTC_SIM_DIR", 2, "bootc-sim init", s -> s.bootId));
  }

  @Option(names = "--state-dir", paramLabel = "DIR", description = "The simulated host's folder (default: $BOOTC_SIM_DIR).")
  void stateDir(Path dir) {
    stateDir = dir;
  }

  /** Runs the simulator with bootc's exit codes (usage errors 2). */
  public static int run(String... args) {
    return new BootcSimCommand().execute(args);
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command (status, switch, upgrade,"
        + " rollback, init, reboot or fault)");
  }

  /**
   * Runs a change under the simulated sysroot lock, as bootc waits for ostree's (logged, so tests can
   * check it never ran --apply); parks when the change applied itself with a reboot.
   */
  int mutate(Step<SimState> m) {
    return park(change(this::argv, m));
  }

  /** bootc's {@code --apply}: with it, the host reboots now and the command then parks (-1). */
  int apply(SimState s, boolean apply) {
    if (!apply) {
      return 0;
    }
    reboot(s);
    return -1;
  }

  SimState.Deployment pull(SimState s, String ref, String transport, String signature, boolean downloadOnly) {
    ImageLookup.Image img = lookUp(ref, transport, s.arch, "error: Switching: Pulling: ");
    slowDownload(s, s.faults);
    return BootcSim.deployment(s, img, ref, transport, signature, downloadOnly);
  }

  /** A simulated reboot: what ostree and the bootloader do across a shutdown and the next boot. */
  @Override
  List<String> reboot(SimState s) {
    return BootcSim.reboot(s);
  }

  /** The status document, as bootc status --format=json prints it. */
  static String statusJson(SimState s, boolean bootedOnly) {
    return BootcSim.statusJson(s, bootedOnly);
  }

  // --- subcommands ---

  @Command(name = "init", description = "Create a simulated host that booted IMAGE (looked up in its registry).")
  static final class Init implements Callable<Integer> {
    @ParentCommand
    BootcSimCommand sim;
    @Option(names = "--arch", defaultValue = "amd64", description = "The host's architecture (default: ${DEFAULT-VALUE}).")
    String arch;
    @Option(names = "--transport", defaultValue = "registry")
    String transport;
    @Option(names = "--enforce-container-sigpolicy")
    boolean enforce;
    @Parameters(paramLabel = "IMAGE")
    String image;

    @Override
    public Integer call() throws IOException {
      return sim.create(new String[] {"init", image}, () -> {
        SimState s = new SimState();
        s.arch = arch;
        s.bootId = UUID.randomUUID().toString();
        s.booted = sim.pull(s, image, transport, enforce ? "containerPolicy" : null, false);
        return s;
      }, s -> "simulated host (bootc SIMULATOR) booted " + image + " (" + s.booted.imageDigest() + ", "
          + s.booted.architecture() + ")");
    }
  }

  @Command(name = "status", description = "Print the host's status (JSON only).")
  static final class Status implements Callable<Integer> {
    @ParentCommand
    BootcSimCommand sim;
    @Option(names = "--format", defaultValue = "json")
    String format;
    @Option(names = "--format-version", defaultValue = "1")
    int formatVersion;
    @Option(names = "--json", description = "Same as --format=json (bootc's hidden legacy flag).")
    boolean json;
    @Option(names = "--booted", description = "Only the booted deployment.")
    boolean booted;
    @Option(names = {"-v", "--verbose"})
    boolean verbose;

    @Override
    public Integer call() {
      if (!json && !format.equals("json")) {
        return sim.fail(new SimError(2, "error: the bootc simulator prints --format=json only"));
      }
      if (formatVersion != 0 && formatVersion != 1) {
        return sim.fail(new SimError(1, "error: Unsupported format version " + formatVersion));
      }
      return sim.read(s -> {
        sim.out().println(statusJson(s, booted));
        return 0;
      });
    }
  }

  @Command(name = "switch", description = "Stage another image for the next boot.")
  static final class Switch implements Callable<Integer> {
    @ParentCommand
    BootcSimCommand sim;
    @Option(names = "--transport", defaultValue = "registry")
    String transport;
    @Option(names = "--enforce-container-sigpolicy")
    boolean enforce;
    @Option(names = "--apply")
    boolean apply;
    @Option(names = "--retain")
    boolean retain;
    @Option(names = "--quiet")
    boolean quiet;
    @Option(names = "--soft-reboot")
    String softReboot;
    @Parameters(paramLabel = "TARGET")
    String target;

    @Override
    public Integer call() {
      String sig = enforce ? "containerPolicy" : null;
      return sim.mutate(s -> {
        boolean staged = BootcSim.switchTo(s, target, transport, sig, sim::pull, sim.out(), sim::save);
        BootcSim.prepareSoftReboot(s, softReboot, sim.out());
        return sim.apply(s, staged && apply);
      });
    }
  }

  @Command(name = "upgrade", aliases = "update", description = "Fetch the spec's image again; lock or unlock a staged entry.")
  static final class Upgrade implements Callable<Integer> {
    @ParentCommand
    BootcSimCommand sim;
    @Option(names = "--check")
    boolean check;
    @Option(names = "--apply")
    boolean apply;
    @Option(names = "--download-only")
    boolean downloadOnly;
    @Option(names = "--from-downloaded")
    boolean fromDownloaded;
    @Option(names = "--quiet")
    boolean quiet;
    @Option(names = "--soft-reboot")
    String softReboot;

    @Override
    public Integer call() {
      if (check && (apply || downloadOnly || fromDownloaded)) {
        return sim.fail(new SimError(2, "error: --check cannot be used with --apply, --download-only or"
            + " --from-downloaded"));
      }
      return sim.mutate(s -> {
        if (fromDownloaded) {
          BootcSim.fromDownloaded(s, sim.out());
        } else {
          BootcSim.upgrade(s, check, downloadOnly, sim::pull, sim.out());
        }
        if (!check) {
          BootcSim.prepareSoftReboot(s, softReboot, sim.out());
        }
        return sim.apply(s, apply && s.staged != null);
      });
    }
  }

  @Command(name = "rollback", description = "Queue the rollback deployment for the next boot (a toggle, as in bootc).")
  static final class Rollback implements Callable<Integer> {
    @ParentCommand
    BootcSimCommand sim;
    @Option(names = "--apply")
    boolean apply;
    @Option(names = "--soft-reboot")
    String softReboot;

    @Override
    public Integer call() {
      return sim.mutate(s -> sim.apply(s, BootcSim.rollback(s, sim.out()) && apply));
    }
  }

  @Command(name = "reboot", description = "SIMULATOR ONLY: reboot the simulated host (a new boot id).")
  static final class Reboot extends SimCommand.Reboot<SimState> {}

  @Command(name = "soft-reboot", description = {"SIMULATOR ONLY: systemctl soft-reboot (userspace only: the boot id"
      + " stays; into the staged deployment where --soft-reboot prepared it)."})
  static final class SoftReboot implements Callable<Integer> {
    @ParentCommand
    BootcSimCommand sim;

    @Override
    public Integer call() {
      return sim.change(sim::argv, s -> {
        BootcSim.softReboot(s).forEach(sim.out()::println);
        return 0;
      });
    }
  }

  @Command(name = "soft-reboots", description = "SIMULATOR ONLY: systemctl show -P SoftRebootsCount (this boot's).")
  static final class SoftReboots implements Callable<Integer> {
    @ParentCommand
    BootcSimCommand sim;

    @Override
    public Integer call() {
      return sim.read(s -> {
        sim.out().println(s.softReboots);
        return 0;
      });
    }
  }

  @Command(name = "fault", description = {"SIMULATOR ONLY: inject a fault.",
      "switch-fails [--times N] | kargs-change | lose-staged [--times N] | bootloader-fallback | explicit-rollback |"
          + " slow-download --seconds S | clear"})
  static final class Fault extends SimCommand.Fault<SimState> {
    @Override
    String[] logged() {
      return new String[] {"fault", fault};
    }

    @Override
    void arm(SimState s) {
      BootcSim.arm(s, fault, times, seconds);
    }
  }

  /**
   * bootc's {@code --apply} never returns: it starts a reboot and waits to be killed by the shutdown.
   * The simulator has rebooted its simulated host by now; it then parks the same way.
   */
  static int park(int code) {
    if (code != -1) {
      return code;
    }
    System.out.println("Rebooting (simulated); --apply does not return");
    System.out.flush();
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        return 0;
      }
    }
  }
}
