package dev.bootfleet.app.sim;

import dev.bootfleet.core.manifest.FileContent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
        BootcSimCommand.Fault.class})
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
    String checksum = FileContent.sha256((img.imageDigest() + "\n" + ref).getBytes(StandardCharsets.UTF_8));
    int serial = 0;
    for (SimState.Deployment d : new SimState.Deployment[] {s.booted, s.rollback}) {
      if (d != null && d.checksum().equals(checksum)) {
        serial = Math.max(serial, d.deploySerial() + 1);
      }
    }
    return new SimState.Deployment(ref, transport, signature, img.imageDigest(), img.architecture(), img.version(),
        img.created(), checksum, serial, downloadOnly);
  }

  /** A simulated reboot: what ostree and the bootloader do across a shutdown and the next boot. */
  @Override
  List<String> reboot(SimState s) {
    List<String> said = new ArrayList<>();
    s.bootId = UUID.randomUUID().toString();
    s.reboots++;
    if (s.faults.loseStaged > 0 && s.staged != null) {
      s.faults.loseStaged--;
      s.staged = null;
      said.add("fault: the staged deployment was lost (ostree-finalize-staged failed)");
    }
    if (s.rollbackQueued) {
      SimState.Deployment b = s.booted;
      s.booted = s.rollback;
      s.rollback = b;
      s.rollbackQueued = false;
      s.staged = null;
      said.add("booted the rollback deployment");
      return said;
    }
    if (s.staged == null) {
      said.add("booted the same deployment");
      return said;
    }
    if (s.staged.downloadOnly()) {
      s.staged = null;
      said.add("discarded the download-only staged deployment");
      return said;
    }
    SimState.Deployment fresh = s.staged;
    SimState.Deployment old = s.booted;
    s.staged = null;
    if (s.faults.bootloaderFallback) {
      s.faults.bootloaderFallback = false;
      s.booted = old;
      s.rollback = fresh;
      s.rollbackQueued = true;
      said.add("fault: the new deployment failed to boot; the bootloader fell back to the previous one");
      return said;
    }
    s.booted = fresh;
    s.rollback = old;
    said.add("finalized and booted the staged deployment");
    if (s.faults.explicitRollback) {
      s.faults.explicitRollback = false;
      s.booted = old;
      s.rollback = fresh;
      s.bootId = UUID.randomUUID().toString();
      s.reboots++;
      said.add("fault: a health check ran bootc rollback and rebooted into the previous deployment");
    }
    return said;
  }

  /** The status document, as bootc status --format=json prints it: RFC 8785-style sorted keys, one line. */
  static String statusJson(SimState s, boolean bootedOnly) {
    SimState.Deployment staged = bootedOnly ? null : s.staged;
    SimState.Deployment rollback = bootedOnly ? null : s.rollback;
    Map<String, Object> root = new TreeMap<>();
    root.put("apiVersion", "org.containers.bootc/v1");
    root.put("kind", "BootcHost");
    root.put("metadata", Map.of("name", "host"));
    Map<String, Object> spec = new TreeMap<>();
    SimState.Deployment specOf = s.staged != null ? s.staged : s.booted;
    spec.put("image", specOf == null ? null : reference(specOf));
    spec.put("bootOrder", s.rollbackQueued ? "rollback" : "default");
    root.put("spec", spec);
    Map<String, Object> status = new TreeMap<>();
    status.put("staged", entry(staged));
    status.put("booted", entry(s.booted));
    status.put("rollback", entry(rollback));
    status.put("rollbackQueued", s.rollbackQueued);
    status.put("type", s.booted == null ? null : "bootcHost");
    root.put("status", status);
    return SimJson.SORTED.writeValueAsString(root);
  }

  private static Map<String, Object> reference(SimState.Deployment d) {
    Map<String, Object> m = new TreeMap<>();
    m.put("image", d.image());
    m.put("transport", d.transport());
    if (d.signature() != null) {
      m.put("signature", d.signature());
    }
    return m;
  }

  private static Map<String, Object> entry(SimState.Deployment d) {
    if (d == null) {
      return null;
    }
    Map<String, Object> image = new TreeMap<>();
    image.put("image", reference(d));
    image.put("version", d.version());
    image.put("timestamp", d.timestamp());
    image.put("imageDigest", d.imageDigest());
    image.put("architecture", d.architecture());
    Map<String, Object> e = new TreeMap<>();
    e.put("image", image);
    e.put("cachedUpdate", null);
    e.put("incompatible", false);
    e.put("pinned", false);
    e.put("softRebootCapable", false);
    e.put("downloadOnly", d.downloadOnly());
    e.put("store", "ostreeContainer");
    Map<String, Object> ostree = new LinkedHashMap<>();
    ostree.put("checksum", d.checksum());
    ostree.put("deploySerial", d.deploySerial());
    ostree.put("stateroot", "default");
    e.put("ostree", ostree);
    return e;
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
        SimState.Deployment current = s.staged != null ? s.staged : s.booted;
        if (current != null && current.sameSpec(target, transport, sig)) {
          sim.out().println("Image specification is unchanged.");
          return sim.apply(s, apply && s.staged != null);
        }
        if (s.faults.switchFailures > 0) {
          s.faults.switchFailures--;
          sim.save(s);
          throw new SimError(1, "error: Switching: Pulling: Importing: (simulated fault) failed to fetch layer:"
              + " connection reset by peer");
        }
        s.staged = sim.pull(s, target, transport, sig, false);
        s.rollbackQueued = false;
        sim.out().println("Queued for next boot: " + target);
        return sim.apply(s, apply);
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
          if (s.staged == null) {
            sim.out().println("No staged deployment.");
          } else if (s.staged.downloadOnly()) {
            s.staged = s.staged.locked(false);
            sim.out().println("Unlocked the staged deployment: it will be applied at the next boot.");
          } else {
            sim.out().println("Staged update present, not changed.");
          }
        } else {
          SimState.Deployment spec = s.staged != null ? s.staged : s.booted;
          SimState.Deployment fetched = sim.pull(s, spec.image(), spec.transport(), spec.signature(), downloadOnly);
          if (check) {
            boolean same = fetched.imageDigest().equals(spec.imageDigest());
            sim.out().println((same ? "No changes in: " : "Update available for: ") + spec.image());
            return 0;
          }
          if (s.staged != null && fetched.imageDigest().equals(s.staged.imageDigest())) {
            s.staged = s.staged.locked(downloadOnly);
            sim.out().println("Staged update present, not changed." + (downloadOnly ? " (download-only)" : ""));
          } else if (s.staged == null && fetched.imageDigest().equals(s.booted.imageDigest())) {
            sim.out().println("No update available.");
          } else {
            s.staged = fetched;
            sim.out().println("Queued for next boot: " + fetched.image());
          }
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
      return sim.mutate(s -> {
        if (s.rollbackQueued) {
          s.rollbackQueued = false;
          sim.out().println("notice: Reverting queued rollback state");
          return 0;
        }
        if (s.rollback == null) {
          throw new SimError(1, "error: No rollback available");
        }
        s.staged = null;
        s.rollbackQueued = true;
        sim.out().println("Next boot: rollback deployment");
        return sim.apply(s, apply);
      });
    }
  }

  @Command(name = "reboot", description = "SIMULATOR ONLY: reboot the simulated host (a new boot id).")
  static final class Reboot extends SimCommand.Reboot<SimState> {}

  @Command(name = "fault", description = {"SIMULATOR ONLY: inject a fault.",
      "switch-fails [--times N] | lose-staged [--times N] | bootloader-fallback | explicit-rollback |"
          + " slow-download --seconds S | clear"})
  static final class Fault extends SimCommand.Fault<SimState> {
    @Override
    String[] logged() {
      return new String[] {"fault", fault};
    }

    @Override
    void arm(SimState s) {
      switch (fault) {
        case "switch-fails" -> s.faults.switchFailures = times;
        case "clear" -> s.faults = new SimState.Faults();
        default -> armShared(s.faults, new SimError(2, "error: unknown fault " + fault + " (expected switch-fails,"
            + " lose-staged, bootloader-fallback, explicit-rollback, slow-download or clear)"));
      }
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
