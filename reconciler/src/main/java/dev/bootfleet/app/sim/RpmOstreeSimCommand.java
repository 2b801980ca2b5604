package dev.bootfleet.app.sim;

import dev.bootfleet.core.manifest.FileContent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * A SIMULATOR of rpm-ostree, for tests and demos: rpm-ostree cannot run here. It offers the
 * command-line surface bootfleet's agent uses ({@code status --json}, {@code rebase}, {@code deploy},
 * {@code install}, {@code uninstall}, {@code override remove|reset}, {@code kargs}, {@code cleanup -p},
 * {@code rollback}, {@code finalize-deployment}, {@code cancel}) with rpm-ostree's semantics as
 * shared/reference/rpm-ostree.md section 3 describes them: every change builds a new staged deployment
 * from the first deployment (so changes stack), {@code --lock-finalization} entries are dropped by a
 * plain reboot, rebase to the same ref fails, rollback is a toggle refused while something is staged,
 * {@code --unchanged-exit-77}, another registered update driver. Its status document has the keys and
 * types of real {@code rpm-ostree status --json} output. It keeps the simulated host in a folder, takes
 * image digests from a real registry, and adds what a test needs under {@code sim-} names: {@code
 * sim-init}, {@code sim-reboot}, {@code sim-register-driver}, {@code sim-unregister-driver}, {@code
 * sim-fault}. Nothing here touches the machine it runs on. Started by {@code bin/rpm-ostree-sim}.
 */
@Command(name = "rpm-ostree-sim", hidden = true, mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT,
    description = {"An rpm-ostree SIMULATOR for tests: status, rebase, deploy, install, uninstall, override, kargs,",
        "cleanup, rollback, finalize-deployment, cancel; plus sim-init, sim-reboot, sim-register-driver,",
        "sim-unregister-driver and sim-fault. The simulated host lives in --state-dir (or $RPMOSTREE_SIM_DIR)."},
    subcommands = {RpmOstreeSimCommand.Init.class, RpmOstreeSimCommand.Status.class,
        RpmOstreeSimCommand.Rebase.class, RpmOstreeSimCommand.Deploy.class, RpmOstreeSimCommand.Install.class,
        RpmOstreeSimCommand.Uninstall.class, RpmOstreeSimCommand.OverrideCmd.class, RpmOstreeSimCommand.Kargs.class,
        RpmOstreeSimCommand.Cleanup.class, RpmOstreeSimCommand.Rollback.class,
        RpmOstreeSimCommand.FinalizeDeployment.class, RpmOstreeSimCommand.Cancel.class,
        RpmOstreeSimCommand.Reboot.class, RpmOstreeSimCommand.RegisterDriver.class,
        RpmOstreeSimCommand.UnregisterDriver.class, RpmOstreeSimCommand.Fault.class})
public final class RpmOstreeSimCommand extends SimCommand<RpmOstreeSimState> {
  /** What {@code rpm-ostree kargs} shows on a fresh host besides {@code ostree=}. */
  static final List<String> DEFAULT_KARGS = List.of("root=UUID=6907-17ca", "rw", "rhgb", "quiet");
  static final List<String> DEFAULT_BASE_PACKAGES = List.of("firefox", "gnome-shell", "kernel", "nano",
      "toolbox", "vim-minimal");

  public RpmOstreeSimCommand() {
    super(new Tool<>(RpmOstreeSimState.class, "RPMOSTREE_SIM_DIR", 1, "rpm-ostree-sim sim-init", s -> s.bootId));
  }

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "The simulated host's folder (default: $RPMOSTREE_SIM_DIR).")
  void stateDir(Path dir) {
    stateDir = dir;
  }

  /** Runs the simulator with rpm-ostree's exit codes (option errors 1, as GOption's). */
  public static int run(String... args) {
    return new RpmOstreeSimCommand().execute(args);
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "No command specified");
  }

  /**
   * Runs a command under the simulated sysroot lock (the daemon runs one transaction at a time). A
   * {@code transaction} command is refused while a transaction is in progress; {@code failable} ones
   * consume an armed {@code command-fails} fault.
   */
  int mutate(boolean transaction, Step<RpmOstreeSimState> m) {
    return change(this::argv, s -> {
      if (transaction && s.transaction != null) {
        throw new SimError(1, "error: Transaction in progress: " + s.transaction + "\n You can cancel the current"
            + " transaction with `rpm-ostree cancel`");
      }
      if (transaction && s.faults.commandFailures > 0) {
        s.faults.commandFailures--;
        save(s);
        throw new SimError(1, "error: (simulated fault) Writing deployment: Connection reset by peer");
      }
      return m.apply(s);
    });
  }

  // --- the model ---

  /**
   * The registry image a container image reference names, or null for a plain ostree refspec. Fails
   * for a transport the simulator cannot pull from (it pulls from registries only).
   */
  static String registryImage(String ref) {
    String rest;
    if (ref.startsWith("ostree-unverified-registry:")) {
      return ref.substring("ostree-unverified-registry:".length());
    } else if (ref.startsWith("ostree-remote-registry:")) {
      String r = ref.substring("ostree-remote-registry:".length());
      return r.substring(r.indexOf(':') + 1);
    } else if (ref.startsWith("ostree-unverified-image:")) {
      rest = ref.substring("ostree-unverified-image:".length());
    } else if (ref.startsWith("ostree-image-signed:")) {
      rest = ref.substring("ostree-image-signed:".length());
    } else if (ref.startsWith("ostree-remote-image:")) {
      String r = ref.substring("ostree-remote-image:".length());
      rest = r.substring(r.indexOf(':') + 1);
    } else {
      return null;
    }
    if (rest.startsWith("docker://")) {
      return rest.substring("docker://".length());
    }
    if (rest.startsWith("registry:")) {
      return rest.substring("registry:".length());
    }
    throw new SimError(1, "error: the simulator pulls from registries only (" + ref + ")");
  }

  /** A deployment of {@code ref} as pulled now, with the requests and kargs of {@code from}. */
  RpmOstreeSimState.Deployment pull(RpmOstreeSimState s, String ref, RpmOstreeSimState.Deployment from,
      String pinnedDigest) {
    String image = registryImage(ref);
    String version;
    long timestamp;
    String digest = null;
    String arch = s.arch;
    String base;
    if (image == null) { // a plain ostree refspec: the simulator makes up a commit for it
      base = FileContent.sha256(("ostree-ref\n" + ref).getBytes(StandardCharsets.UTF_8));
      version = from != null && from.origin().equals(ref) ? from.version() : "sim";
      timestamp = 0;
    } else {
      String target = image;
      if (pinnedDigest != null) {
        int at = image.indexOf('@');
        String repo = at >= 0 ? image.substring(0, at) : stripTag(image);
        target = repo + "@" + pinnedDigest;
      }
      ImageLookup.Image img = lookUp(target, "registry", s.arch, "error: Importing: ");
      slowDownload(s, s.faults);
      digest = img.imageDigest();
      arch = img.architecture();
      version = img.version();
      timestamp = epoch(img.created());
      base = FileContent.sha256(("ostree-commit\n" + digest).getBytes(StandardCharsets.UTF_8));
    }
    List<String> pkgs = from == null ? List.of() : from.requestedPackages();
    List<String> removals = from == null ? List.of() : from.requestedBaseRemovals();
    List<String> kargs = from == null ? DEFAULT_KARGS : from.kargs();
    return derive(s, new RpmOstreeSimState.Deployment(ref, image != null, digest, arch, version, timestamp, base,
        base, 0, false, true, false, false, pkgs, removals, kargs), pkgs, removals, kargs);
  }

  private static String stripTag(String image) {
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    return colon > slash ? image.substring(0, colon) : image;
  }

  /** {@code d} with other requests or kargs: its host-local commit and serial follow. */
  static RpmOstreeSimState.Deployment derive(RpmOstreeSimState s, RpmOstreeSimState.Deployment d,
      List<String> packages, List<String> removals, List<String> kargs) {
    List<String> p = List.copyOf(new TreeSet<>(packages));
    List<String> r = List.copyOf(new TreeSet<>(removals));
    String checksum = p.isEmpty() && r.isEmpty() ? d.baseChecksum() : FileContent.sha256((d.baseChecksum() + "\n"
        + String.join(",", p) + "\n" + String.join(",", r)).getBytes(StandardCharsets.UTF_8));
    int serial = 0;
    for (RpmOstreeSimState.Deployment o : s.deployments) {
      if (!o.staged() && o.checksum().equals(checksum)) {
        serial = Math.max(serial, o.serial() + 1);
      }
    }
    return new RpmOstreeSimState.Deployment(d.origin(), d.container(), d.imageDigest(), d.architecture(),
        d.version(), d.timestamp(), d.baseChecksum(), checksum, serial, false, true, false, false, p, r, kargs);
  }

  static long epoch(String created) {
    if (created == null) {
      return 0;
    }
    try {
      return OffsetDateTime.parse(created).toEpochSecond();
    } catch (DateTimeParseException e) {
      return 0;
    }
  }

  /** Replaces any staged deployment with {@code d}, staged at index 0 (locked when asked). */
  static void stage(RpmOstreeSimState s, RpmOstreeSimState.Deployment d, boolean lock) {
    if (s.staged() != null) {
      s.deployments.remove(0);
    }
    s.deployments.add(0, d.locked(lock));
  }

  /** Refuses rebase, deploy and upgrade while another update driver is registered (as rpm-ostree does). */
  static void checkDriver(RpmOstreeSimState s, boolean bypass) {
    if (s.updateDriver != null && !bypass) {
      throw new SimError(1, "error: Updates and deployments are driven by " + s.updateDriver.name() + " ("
          + s.updateDriver.unit() + ")\nSee " + s.updateDriver.name() + "'s documentation\nUse --bypass-driver to"
          + " bypass " + s.updateDriver.name() + " and perform the operation anyways");
    }
  }

  static RpmOstreeSimState.Deployment first(RpmOstreeSimState s) {
    return s.deployments.get(0);
  }

  /** A simulated reboot: ostree-finalize-staged at shutdown, then the bootloader and the next boot. */
  @Override
  List<String> reboot(RpmOstreeSimState s) {
    List<String> said = new ArrayList<>();
    s.bootId = UUID.randomUUID().toString();
    s.reboots++;
    s.updateDriver = null; // /run/rpm-ostree/update-driver.gv is transient
    s.transaction = null;
    RpmOstreeSimState.Deployment staged = s.staged();
    if (staged != null) {
      s.deployments.remove(0);
      if (s.faults.loseStaged > 0) {
        s.faults.loseStaged--;
        said.add("fault: the staged deployment was lost (ostree-finalize-staged failed)");
      } else if (staged.locked()) {
        said.add("the finalization-locked staged deployment was not applied (dropped)");
      } else {
        s.deployments.add(0, staged.booted(false));
        said.add("finalized the staged deployment");
      }
    }
    int b = s.bootedIndex();
    if (b == 0) {
      said.add("booted the same deployment");
      return said;
    }
    RpmOstreeSimState.Deployment fresh = s.deployments.get(0);
    RpmOstreeSimState.Deployment old = s.deployments.get(b);
    List<RpmOstreeSimState.Deployment> pinned = new ArrayList<>();
    for (int i = 1; i < s.deployments.size(); i++) {
      if (i != b && s.deployments.get(i).pinned()) {
        pinned.add(s.deployments.get(i));
      }
    }
    s.deployments.clear();
    if (s.faults.bootloaderFallback) {
      s.faults.bootloaderFallback = false;
      s.deployments.add(fresh.booted(false));
      s.deployments.add(old.booted(true));
      said.add("fault: the new deployment failed to boot; the bootloader fell back to the previous one");
    } else if (s.faults.explicitRollback) {
      s.faults.explicitRollback = false;
      s.deployments.add(old.booted(true));
      s.deployments.add(fresh.booted(false));
      s.bootId = UUID.randomUUID().toString();
      s.reboots++;
      said.add("booted the new deployment");
      said.add("fault: a health check ran rpm-ostree rollback -r and rebooted into the previous deployment");
    } else {
      s.deployments.add(fresh.booted(true));
      s.deployments.add(old.booted(false));
      said.add("booted the new deployment");
    }
    s.deployments.addAll(pinned);
    return said;
  }

  /** The status document as {@code rpm-ostree status --json} prints it (json-glib style, pretty). */
  static String statusJson(RpmOstreeSimState s, boolean bootedOnly) {
    Map<String, Object> root = new LinkedHashMap<>();
    List<Object> list = new ArrayList<>();
    for (RpmOstreeSimState.Deployment d : s.deployments) {
      if (!bootedOnly || d.booted()) {
        list.add(deployment(s, d));
      }
    }
    root.put("deployments", list);
    root.put("transaction", s.transaction == null ? null
        : List.of(s.transaction, ":1.42", "/org/projectatomic/rpmostree1/" + s.osname));
    root.put("cached-update", null);
    root.put("update-driver", s.updateDriver == null ? null
        : Map.of("driver-name", s.updateDriver.name(), "driver-sd-unit", s.updateDriver.unit()));
    return SimJson.PRETTY.writeValueAsString(root);
  }

  static Map<String, Object> deployment(RpmOstreeSimState s, RpmOstreeSimState.Deployment d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("unlocked", "none");
    m.put("requested-local-packages", List.of());
    m.put("base-commit-meta", baseCommitMeta(d));
    m.put("base-removals", baseRemovals(d));
    m.put("pinned", d.pinned());
    m.put("osname", s.osname);
    m.put("base-remote-replacements", Map.of());
    m.put("regenerate-initramfs", false);
    m.put("checksum", d.checksum());
    if (d.container()) {
      m.put("container-image-reference-digest", d.imageDigest());
    } else {
      m.put("origin", d.origin());
      m.put("gpg-enabled", false);
    }
    m.put("requested-base-local-replacements", List.of());
    m.put("id", s.osname + "-" + d.checksum() + "." + d.serial());
    if (d.version() != null) {
      m.put("version", d.version());
    }
    m.put("requested-local-fileoverride-packages", List.of());
    m.put("requested-base-removals", d.requestedBaseRemovals());
    m.put("requested-packages", d.requestedPackages());
    m.put("requested-modules", List.of());
    m.put("requested-modules-enabled", List.of());
    m.put("modules", List.of());
    m.put("initramfs-etc", List.of());
    m.put("serial", d.serial());
    m.put("timestamp", d.timestamp());
    m.put("staged", d.staged());
    if (d.staged() && d.locked()) {
      m.put("finalization-locked", true);
    }
    m.put("booted", d.booted());
    if (d.container()) {
      m.put("container-image-reference", d.origin());
    }
    List<String> active = new ArrayList<>();
    for (String p : d.requestedPackages()) {
      if (!s.basePackages.contains(p)) { // a request the base already satisfies is inactive
        active.add(p);
      }
    }
    m.put("packages", active);
    m.put("base-local-replacements", List.of());
    if (d.layered()) {
      m.put("base-checksum", d.baseChecksum());
      if (d.version() != null) {
        m.put("base-version", d.version());
      }
      m.put("base-timestamp", d.timestamp());
      Map<String, Object> layered = new LinkedHashMap<>();
      layered.put("rpmostree.clientlayer", true);
      layered.put("rpmostree.clientlayer_version", 6);
      if (d.version() != null) {
        layered.put("version", d.version());
      }
      m.put("layered-commit-meta", layered);
    }
    return m;
  }

  private static Map<String, Object> baseCommitMeta(RpmOstreeSimState.Deployment d) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!d.container()) {
      if (d.version() != null) {
        m.put("version", d.version());
      }
      return m;
    }
    m.put("ostree.manifest-digest", d.imageDigest());
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("architecture", d.architecture());
    config.put("os", "linux");
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("containers.bootc", "1");
    labels.put("ostree.bootable", "true");
    if (d.version() != null) {
      labels.put("org.opencontainers.image.version", d.version());
    }
    config.put("config", Map.of("Labels", labels));
    m.put("ostree.manifest", SimJson.SORTED.writeValueAsString(Map.of("schemaVersion", 2,
        "mediaType", "application/vnd.oci.image.manifest.v1+json")));
    m.put("ostree.container.image-config", SimJson.SORTED.writeValueAsString(config));
    m.put("ostree.importer.version", "0.15.3");
    return m;
  }

  /** {@code [nevra, name, epoch, version, release, arch]} per removed base package (made-up versions). */
  private static List<Object> baseRemovals(RpmOstreeSimState.Deployment d) {
    List<Object> out = new ArrayList<>();
    for (String p : d.requestedBaseRemovals()) {
      out.add(List.of(p + "-1.0-1.sim.x86_64", p, 0, "1.0", "1.sim", "x86_64"));
    }
    return out;
  }

  static List<String> kargsLine(RpmOstreeSimState s, RpmOstreeSimState.Deployment d) {
    List<String> all = new ArrayList<>(d.kargs());
    all.add("ostree=/ostree/boot.1/" + s.osname + "/" + d.baseChecksum() + "/" + d.serial());
    return all;
  }

  // --- subcommands ---

  @Command(name = "sim-init", description = {"SIMULATOR ONLY: create a simulated host booted from REF:",
      "a container image reference (ostree-unverified-registry:IMAGE, ostree-image-signed:docker://IMAGE, …)",
      "looked up in its registry, or a plain ostree refspec (a made-up commit)."})
  static final class Init implements Callable<Integer> {
    @ParentCommand
    RpmOstreeSimCommand sim;
    @Option(names = "--arch", defaultValue = "amd64", description = "The host's architecture (default: ${DEFAULT-VALUE}).")
    String arch;
    @Option(names = "--osname", defaultValue = "fedora", description = "The stateroot (default: ${DEFAULT-VALUE}).")
    String osname;
    @Option(names = "--base-packages", split = ",", description = "Packages the images carry (default: firefox,"
        + " gnome-shell, kernel, nano, toolbox, vim-minimal).")
    List<String> basePackages;
    @Option(names = "--install", description = "Packages layered on the booted deployment.")
    List<String> install = new ArrayList<>();
    @Parameters(paramLabel = "REF")
    String ref;

    @Override
    public Integer call() throws IOException {
      return sim.create(new String[] {"sim-init", ref}, () -> {
        RpmOstreeSimState s = new RpmOstreeSimState();
        s.arch = arch;
        s.osname = osname;
        s.bootId = UUID.randomUUID().toString();
        s.basePackages = basePackages == null ? new ArrayList<>(DEFAULT_BASE_PACKAGES) : new ArrayList<>(basePackages);
        RpmOstreeSimState.Deployment d = sim.pull(s, ref, null, null);
        s.deployments.add(derive(s, d, install, List.of(), DEFAULT_KARGS).booted(true));
        return s;
      }, s -> {
        RpmOstreeSimState.Deployment d = s.deployments.get(0);
        return "simulated host (rpm-ostree SIMULATOR) booted " + ref + " (" + (d.container()
            ? d.imageDigest() + ", " + d.architecture() : "ostree commit " + d.checksum()) + ")";
      });
    }
  }

  @Command(name = "status", description = "Print the host's deployments (--json: as JSON).")
  static final class Status implements Callable<Integer> {
    @ParentCommand
    RpmOstreeSimCommand sim;
    @Option(names = "--json", description = "Output JSON.")
    boolean json;
    @Option(names = {"-b", "--booted"}, description = "Only the booted deployment.")
    boolean booted;
    @Option(names = "--pending-exit-77", description = "Exit 77 when a reboot is pending (deployments[0] is not booted).")
    boolean pending77;
    @Option(names = {"-v", "--verbose"})
    boolean verbose;

    @Override
    public Integer call() {
      return sim.read(this::print);
    }

    private int print(RpmOstreeSimState s) {
      if (json) {
        sim.out().println(statusJson(s, booted));
      } else {
        sim.out().println("State: " + (s.transaction == null ? "idle" : "busy"));
        sim.out().println("Deployments:");
        for (RpmOstreeSimState.Deployment d : s.deployments) {
          if (booted && !d.booted()) {
            continue;
          }
          sim.out().println((d.booted() ? "● " : "  ") + d.origin() + (d.staged() ? " (staged"
              + (d.locked() ? ", finalization locked" : "") + ")" : ""));
          if (d.container()) {
            sim.out().println("                   Digest: " + d.imageDigest());
          }
          if (!d.requestedPackages().isEmpty()) {
            sim.out().println("          LayeredPackages: " + String.join(" ", d.requestedPackages()));
          }
          if (!d.requestedBaseRemovals().isEmpty()) {
            sim.out().println("          RemovedBasePackages: " + String.join(" ", d.requestedBaseRemovals()));
          }
        }
      }
      return pending77 && !s.deployments.get(0).booted() ? 77 : 0;
    }
  }

  /** The options rebase, deploy, install, uninstall and override share. */
  static class Common {
    @Option(names = "--lock-finalization", description = "Stage it so that only finalize-deployment applies it.")
    boolean lock;
    @Option(names = {"-r", "--reboot"}, description = "Reboot (the simulated host) after the change.")
    boolean reboot;
    @Option(names = {"-n", "--dry-run"}, hidden = true)
    boolean dryRun;
  }

  /** Stages {@code d}; reboots with {@code -r}. */
  int finish(RpmOstreeSimState s, RpmOstreeSimState.Deployment d, Common c) {
    stage(s, d, c.lock);
    out().println("Staging deployment...done");
    if (c.reboot) {
      reboot(s);
    } else {
      out().println("Run \"systemctl reboot\" to start a reboot");
    }
    return 0;
  }

  /** Nothing to do: says {@code said}; exits 77 with {@code --unchanged-exit-77}. */
  int unchanged(String said, boolean exit77) {
    out().println(said);
    return exit77 ? 77 : 0;
  }

  /** Install and uninstall: the first deployment with other package requests, staged, or no change. */
  int request(RpmOstreeSimState s, List<String> add, List<String> remove, RequestOptions o, String verb) {
    RpmOstreeSimState.Deployment from = first(s);
    List<String> changed = new ArrayList<>();
    List<String> pkgs = plus(from.requestedPackages(), add, remove, o.idempotent, changed);
    if (changed.isEmpty()) {
      return unchanged("No change.", o.unchanged77);
    }
    RpmOstreeSimState.Deployment d = derive(s, from, pkgs, from.requestedBaseRemovals(), from.kargs());
    out().println(verb + ": " + String.join(" ", changed));
    return finish(s, d, o);
  }

  /** A subcommand that stages a new deployment: {@link Common}'s options. */
  abstract static class Changing implements Callable<Integer> {
    @ParentCommand
    RpmOstreeSimCommand sim;
    @CommandLine.Mixin
    Common common = new Common();
  }

  /** The options install and uninstall share besides {@link Common}'s. */
  static final class RequestOptions extends Common {
    @Option(names = "--idempotent", description = "Do nothing if a package is already requested.")
    boolean idempotent;
    @Option(names = "--unchanged-exit-77")
    boolean unchanged77;
  }

  static List<String> plus(List<String> base, List<String> add, List<String> remove, boolean idempotent,
      List<String> changed) {
    List<String> out = new ArrayList<>(base);
    for (String p : remove) {
      if (!out.remove(p)) {
        if (!idempotent) {
          throw new SimError(1, "error: Package/capability '" + p + "' is not currently requested");
        }
      } else {
        changed.add("-" + p);
      }
    }
    for (String p : add) {
      if (out.contains(p)) {
        if (!idempotent) {
          throw new SimError(1, "error: Package/capability '" + p + "' is already requested");
        }
      } else {
        out.add(p);
        changed.add("+" + p);
      }
    }
    return out;
  }

  @Command(name = "rebase", description = "Switch to another origin: REF (container image reference) [REVISION].")
  static final class Rebase extends Changing {
    @Option(names = "--bypass-driver", description = "Ignore a registered update driver.")
    boolean bypass;
    @Option(names = "--install", paramLabel = "PKG")
    List<String> install = new ArrayList<>();
    @Option(names = "--uninstall", paramLabel = "PKG")
    List<String> uninstall = new ArrayList<>();
    @Option(names = "--skip-purge")
    boolean skipPurge;
    @Parameters(index = "0", paramLabel = "REF")
    String ref;
    @Parameters(index = "1", paramLabel = "REVISION", arity = "0..1")
    String revision;

    @Override
    public Integer call() {
      return sim.mutate(true, s -> {
        checkDriver(s, bypass);
        RpmOstreeSimState.Deployment from = first(s);
        if (from.origin().equals(ref)) {
          throw new SimError(1, "error: Old and new refs are equal: " + ref);
        }
        List<String> changed = new ArrayList<>();
        List<String> pkgs = plus(from.requestedPackages(), install, uninstall, false, changed);
        RpmOstreeSimState.Deployment d = sim.pull(s, ref, from, revision);
        d = derive(s, d, pkgs, from.requestedBaseRemovals(), from.kargs());
        return sim.finish(s, d, common);
      });
    }
  }

  @Command(name = "deploy", description = "Deploy REVISION of the same origin (containers: sha256:DIGEST).")
  static final class Deploy extends Changing {
    @Option(names = "--bypass-driver")
    boolean bypass;
    @Option(names = "--unchanged-exit-77")
    boolean unchanged77;
    @Option(names = "--disallow-downgrade")
    boolean disallowDowngrade;
    @Parameters(paramLabel = "REVISION")
    String revision;

    @Override
    public Integer call() {
      return sim.mutate(true, s -> {
        checkDriver(s, bypass);
        RpmOstreeSimState.Deployment from = first(s);
        if (!from.container() || !revision.startsWith("sha256:")) {
          throw new SimError(1, "error: the simulator deploys container digests only (sha256:…)");
        }
        if (revision.equals(from.imageDigest())) {
          return sim.unchanged("No change.", unchanged77);
        }
        RpmOstreeSimState.Deployment d = sim.pull(s, from.origin(), from, revision);
        d = derive(s, d, from.requestedPackages(), from.requestedBaseRemovals(), from.kargs());
        return sim.finish(s, d, common);
      });
    }
  }

  @Command(name = "install", description = "Layer packages (a new deployment).")
  static final class Install implements Callable<Integer> {
    @ParentCommand
    RpmOstreeSimCommand sim;
    @CommandLine.Mixin
    RequestOptions options = new RequestOptions();
    @Option(names = "--allow-inactive")
    boolean allowInactive;
    @Option(names = {"-y", "--assumeyes"})
    boolean yes;
    @Parameters(paramLabel = "PKG", arity = "1..*")
    List<String> packages;

    @Override
    public Integer call() {
      return sim.mutate(true, s -> {
        RpmOstreeSimState.Deployment from = first(s);
        if (!from.container() && !allowInactive) {
          for (String p : packages) {
            if (s.basePackages.contains(p) && !from.requestedPackages().contains(p)) {
              throw new SimError(1, "error: \"" + p + "\" is already provided by: " + p + "-1.0-1.sim.x86_64. Use"
                  + " --allow-inactive to explicitly require it.");
            }
          }
        }
        return sim.request(s, packages, List.of(), options, "Added");
      });
    }
  }

  @Command(name = "uninstall", description = "Drop layered package requests (a new deployment).")
  static final class Uninstall implements Callable<Integer> {
    @ParentCommand
    RpmOstreeSimCommand sim;
    @CommandLine.Mixin
    RequestOptions options = new RequestOptions();
    @Option(names = "--all")
    boolean all;
    @Parameters(paramLabel = "PKG", arity = "0..*")
    List<String> packages = new ArrayList<>();

    @Override
    public Integer call() {
      return sim.mutate(true, s -> {
        return sim.request(s, List.of(), all ? first(s).requestedPackages() : packages, options, "Removed");
      });
    }
  }

  @Command(name = "override", description = "Remove base packages (override remove) or undo that (override reset).",
      subcommands = {OverrideCmd.Remove.class, OverrideCmd.Reset.class})
  static final class OverrideCmd implements Callable<Integer> {
    @ParentCommand
    RpmOstreeSimCommand sim;

    @Override
    public Integer call() {
      return sim.fail(new SimError(1, "error: No command specified (remove or reset)"));
    }

    /** Remove and reset: the first deployment with other base removals, staged. */
    abstract static class Edit implements Callable<Integer> {
      @ParentCommand
      OverrideCmd parent;
      @CommandLine.Mixin
      Common common = new Common();
      @Parameters(paramLabel = "PKG", arity = "1..*")
      List<String> packages;

      /** Changes {@code removals} for one package named on the command line. */
      abstract void edit(RpmOstreeSimState s, List<String> removals, String p);

      /** What the command says once the removals are changed, or null. */
      abstract String said();

      @Override
      public Integer call() {
        RpmOstreeSimCommand sim = parent.sim;
        return sim.mutate(true, s -> {
          RpmOstreeSimState.Deployment from = first(s);
          List<String> removals = new ArrayList<>(from.requestedBaseRemovals());
          for (String p : packages) {
            edit(s, removals, p);
          }
          RpmOstreeSimState.Deployment d = derive(s, from, from.requestedPackages(), removals, from.kargs());
          if (said() != null) {
            sim.out().println(said());
          }
          return sim.finish(s, d, common);
        });
      }
    }

    @Command(name = "remove", description = "Remove packages from the base layer (a new deployment).")
    static final class Remove extends Edit {
      @Override
      void edit(RpmOstreeSimState s, List<String> removals, String p) {
        if (removals.contains(p)) {
          throw new SimError(1, "error: Override already exists for package '" + p + "'");
        }
        if (!s.basePackages.contains(p)) {
          throw new SimError(1, "error: Package \"" + p + "\" not found");
        }
        removals.add(p);
      }

      @Override
      String said() {
        return "Removed: " + String.join(" ", packages);
      }
    }

    @Command(name = "reset", description = "Undo base package removals (a new deployment).")
    static final class Reset extends Edit {
      @Override
      void edit(RpmOstreeSimState s, List<String> removals, String p) {
        if (!removals.remove(p)) {
          throw new SimError(1, "error: No overrides for package '" + p + "'");
        }
      }

      @Override
      String said() {
        return null;
      }
    }
  }

  @Command(name = "kargs", description = "Print the kernel arguments of the first deployment, or change them.")
  static final class Kargs implements Callable<Integer> {
    @ParentCommand
    RpmOstreeSimCommand sim;
    @Option(names = "--append", paramLabel = "KEY=VALUE")
    List<String> append = new ArrayList<>();
    @Option(names = "--append-if-missing", paramLabel = "KEY=VALUE")
    List<String> appendIfMissing = new ArrayList<>();
    @Option(names = "--delete", paramLabel = "KEY[=VALUE]")
    List<String> delete = new ArrayList<>();
    @Option(names = "--delete-if-present", paramLabel = "KEY[=VALUE]")
    List<String> deleteIfPresent = new ArrayList<>();
    @Option(names = "--unchanged-exit-77")
    boolean unchanged77;
    @Option(names = "--lock-finalization")
    boolean lock;
    @Option(names = {"-r", "--reboot"})
    boolean reboot;

    @Override
    public Integer call() {
      if (append.isEmpty() && appendIfMissing.isEmpty() && delete.isEmpty() && deleteIfPresent.isEmpty()) {
        return sim.read(s -> {
          sim.out().println(String.join(" ", kargsLine(s, first(s))));
          return 0;
        });
      }
      return sim.mutate(true, s -> {
        RpmOstreeSimState.Deployment from = first(s);
        List<String> k = new ArrayList<>(from.kargs());
        for (String d : delete) {
          if (!remove(k, d)) {
            throw new SimError(1, "error: No karg '" + d + "' found");
          }
        }
        for (String d : deleteIfPresent) {
          remove(k, d);
        }
        k.addAll(append);
        for (String a : appendIfMissing) { // libostree: by key, as ostree_kernel_args_contains
          if (k.stream().noneMatch(x -> key(x).equals(key(a)))) {
            k.add(a);
          }
        }
        if (k.equals(from.kargs())) {
          return sim.unchanged("No changes.", unchanged77);
        }
        RpmOstreeSimState.Deployment d = derive(s, from, from.requestedPackages(), from.requestedBaseRemovals(), k);
        Common c = new Common();
        c.lock = lock;
        c.reboot = reboot;
        sim.out().println("Kernel arguments updated.");
        return sim.finish(s, d, c);
      });
    }

    static String key(String arg) {
      int eq = arg.indexOf('=');
      return eq < 0 ? arg : arg.substring(0, eq);
    }

    /** Deletes {@code arg} (KEY=VALUE exactly, or KEY when it has one value); false when absent. */
    static boolean remove(List<String> k, String arg) {
      if (arg.contains("=")) {
        return k.remove(arg);
      }
      List<String> hits = k.stream().filter(x -> key(x).equals(arg)).toList();
      if (hits.size() > 1) {
        throw new SimError(1, "error: Multiple values for key '" + arg + "' found");
      }
      return !hits.isEmpty() && k.remove(hits.get(0));
    }
  }

  @Command(name = "cleanup", description = "Clear deployments: -p pending (staged, queued rollback too), -r rollback.")
  static final class Cleanup implements Callable<Integer> {
    @ParentCommand
    RpmOstreeSimCommand sim;
    @Option(names = {"-p", "--pending"})
    boolean pending;
    @Option(names = {"-r", "--rollback"})
    boolean rollback;
    @Option(names = {"-b", "--base"})
    boolean base;
    @Option(names = {"-m", "--repomd"})
    boolean repomd;

    @Override
    public Integer call() {
      return sim.mutate(true, s -> {
        int before = s.deployments.size();
        int b = s.bootedIndex();
        List<RpmOstreeSimState.Deployment> keep = new ArrayList<>();
        for (int i = 0; i < s.deployments.size(); i++) {
          RpmOstreeSimState.Deployment d = s.deployments.get(i);
          boolean drop = !d.pinned() && (pending && i < b || rollback && i > b);
          if (!drop) {
            keep.add(d);
          }
        }
        s.deployments = keep;
        sim.out().println(keep.size() == before ? "Deployments unchanged." : "Deleted " + (before - keep.size())
            + " deployment(s).");
        return 0;
      });
    }
  }

  @Command(name = "rollback", description = "Boot the previous deployment next (a toggle).")
  static final class Rollback implements Callable<Integer> {
    @ParentCommand
    RpmOstreeSimCommand sim;
    @Option(names = {"-r", "--reboot"})
    boolean reboot;

    @Override
    public Integer call() {
      return sim.mutate(true, s -> {
        if (s.staged() != null) {
          throw new SimError(1, "error: Staged deployment (remove with cleanup -p)");
        }
        // rpm-ostree's rollback transaction: the rollback (first deployment after the booted one) goes first;
        // without one, a pending deployment (before the booted one) makes the booted one go first again.
        int b = s.bootedIndex();
        boolean rollback = b + 1 < s.deployments.size();
        if (!rollback && b == 0) {
          throw new SimError(1, "error: No rollback deployment found");
        }
        s.deployments.add(0, s.deployments.remove(rollback ? b + 1 : b));
        sim.out().println("Moving '" + first(s).checksum() + "." + first(s).serial() + "' to be first deployment");
        if (reboot) {
          sim.reboot(s);
        }
        return 0;
      });
    }
  }

  @Command(name = "finalize-deployment", description = "Unlock the finalization-locked staged deployment and reboot.")
  static final class FinalizeDeployment implements Callable<Integer> {
    @ParentCommand
    RpmOstreeSimCommand sim;
    @Option(names = "--allow-missing-checksum")
    boolean allowMissing;
    @Option(names = "--allow-unlocked")
    boolean allowUnlocked;
    @Parameters(paramLabel = "CHECKSUM", arity = "0..1")
    String checksum;

    @Override
    public Integer call() {
      return sim.mutate(true, s -> {
        RpmOstreeSimState.Deployment staged = s.staged();
        if (staged == null) {
          throw new SimError(1, "error: No pending staged deployment found");
        }
        String found = staged.container() ? staged.imageDigest() : staged.baseChecksum();
        if (checksum == null && !allowMissing) {
          throw new SimError(1, "error: Missing expected checksum");
        }
        if (checksum != null && !checksum.equals(found)) {
          throw new SimError(1, "error: Expected staged base checksum " + checksum + ", but found " + found);
        }
        if (!staged.locked() && !allowUnlocked) {
          throw new SimError(1, "error: Staged deployment already unlocked");
        }
        s.deployments.set(0, staged.locked(false));
        sim.out().println("Finalized deployment; rebooting into " + found);
        sim.reboot(s);
        return 0;
      });
    }
  }

  @Command(name = "cancel", description = "Cancel the transaction in progress.")
  static final class Cancel implements Callable<Integer> {
    @ParentCommand
    RpmOstreeSimCommand sim;

    @Override
    public Integer call() {
      return sim.mutate(false, s -> {
        if (s.transaction == null) {
          sim.out().println("No transaction.");
        } else {
          sim.out().println("Cancelled: " + s.transaction);
          s.transaction = null;
        }
        return 0;
      });
    }
  }

  @Command(name = "sim-reboot", description = {"SIMULATOR ONLY: a plain reboot of the simulated host (a new boot id).",
      "A finalization-locked staged deployment is dropped, an unlocked one applied."})
  static final class Reboot extends SimCommand.Reboot<RpmOstreeSimState> {}

  @Command(name = "sim-register-driver", description = {"SIMULATOR ONLY: register another update driver (as",
      "'rpm-ostree deploy \"\" --register-driver=NAME' run in UNIT would); rebase and deploy then fail",
      "without --bypass-driver. Gone at the next reboot."})
  static final class RegisterDriver implements Callable<Integer> {
    @ParentCommand
    RpmOstreeSimCommand sim;
    @Parameters(index = "0", paramLabel = "NAME")
    String name;
    @Parameters(index = "1", paramLabel = "UNIT")
    String unit;

    @Override
    public Integer call() {
      return sim.mutate(false, s -> {
        s.updateDriver = new RpmOstreeSimState.Driver(name, unit);
        sim.out().println("registered update driver " + name + " (" + unit + ")");
        return 0;
      });
    }
  }

  @Command(name = "sim-unregister-driver", description = "SIMULATOR ONLY: forget the registered update driver.")
  static final class UnregisterDriver implements Callable<Integer> {
    @ParentCommand
    RpmOstreeSimCommand sim;

    @Override
    public Integer call() {
      return sim.mutate(false, s -> {
        s.updateDriver = null;
        return 0;
      });
    }
  }

  @Command(name = "sim-fault", description = {"SIMULATOR ONLY: inject a fault.",
      "command-fails [--times N] | lose-staged [--times N] | bootloader-fallback | explicit-rollback |"
          + " slow-download --seconds S | transaction-in-progress [--title T] | clear"})
  static final class Fault extends SimCommand.Fault<RpmOstreeSimState> {
    @Option(names = "--title", defaultValue = "upgrade")
    String title;

    @Override
    String[] logged() {
      return sim().argv();
    }

    @Override
    void arm(RpmOstreeSimState s) {
      switch (fault) {
        case "command-fails" -> s.faults.commandFailures = times;
        case "transaction-in-progress" -> s.transaction = title;
        case "clear" -> {
          s.faults = new RpmOstreeSimState.Faults();
          s.transaction = null;
        }
        default -> armShared(s.faults, new SimError(1, "error: unknown fault " + fault + " (expected"
            + " command-fails, lose-staged, bootloader-fallback, explicit-rollback, slow-download,"
            + " transaction-in-progress or clear)"));
      }
    }
  }
}
