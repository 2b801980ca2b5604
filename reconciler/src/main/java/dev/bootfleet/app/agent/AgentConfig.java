package dev.bootfleet.app.agent;

import dev.bootfleet.core.agent.MaintenanceWindows;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The agent's settings, read from {@code /etc/bootfleet/agent.yaml} by {@link AgentConfigParser}; every
 * field and default is documented in README.md ("The host agent").
 *
 * @param host this host's name in the fleet repository
 * @param fleet where the desired state comes from in standalone GitOps, or null with {@code server}
 * @param interval time between cycles (a tenth of it is added at random as jitter)
 * @param stateDir what the agent remembers: state.json, the fleet clone
 * @param root where /etc lives ({@code /} on a host)
 * @param bootc the bootc command and any leading arguments
 * @param bootcTimeout how long one bootc call may take (a pull can be slow)
 * @param reportDir where reports go: {@code <host>.json}, {@code <host>.etc.json}, {@code <host>.agent.json}
 * @param bootIdFile where the kernel tells the boot id
 * @param localChanges what to do with a managed file changed on the host since bootfleet wrote it
 * @param reboot the reboot policy
 * @param rpmOstree the rpm-ostree command and any leading arguments (rpm-ostree hosts; {@code bootcTimeout}
 *     bounds its calls too)
 * @param flatpak the flatpak command and any leading arguments (hosts whose manifest lists Flatpaks;
 *     {@code bootcTimeout} bounds its calls too)
 * @param server the reconciler server the desired state comes from and reports go to, or null with {@code fleet}
 * @param ostree the ostree command (plain ostree hosts; {@code bootcTimeout} bounds its calls too)
 * @param ostreeSysroot a sysroot other than the running one for the ostree driver (a test sysroot), or null
 * @param health the checks run after a boot into a new deployment, or {@link Health#NONE} (no {@code health:})
 */
record AgentConfig(String host, Fleet fleet, Duration interval, Path stateDir, Path root, List<String> bootc,
    Duration bootcTimeout, Path reportDir, Path bootIdFile, LocalChanges localChanges, Reboot reboot,
    List<String> rpmOstree, List<String> flatpak, Server server, List<String> ostree, Path ostreeSysroot, Health health) {

  public static final Path DEFAULT_FILE = Path.of("/etc/bootfleet/agent.yaml");

  /** The fleet repository: standalone GitOps. */
  public record Fleet(String url, String branch, String path) {}

  /**
   * The reconciler server (README, "The agent in server mode").
   *
   * @param url the server's base URL, without credentials
   * @param tokenFile the host's own credential, written by {@code bootfleet agent enroll}
   * @param caFile PEM certificates to trust for an https URL, or null for the system's
   * @param certFile the host's client certificate in PEM for a server asking for one (mutual TLS), or null
   * @param keyFile that certificate's unencrypted PKCS#8 key in PEM, or null (exactly when certFile is)
   */
  public record Server(java.net.URI url, Path tokenFile, Path caFile, Path certFile, Path keyFile) {
    /** A server without a client certificate. */
    public Server(java.net.URI url, Path tokenFile, Path caFile) {
      this(url, tokenFile, caFile, null, null);
    }
  }

  /** Managed files changed on the host: {@code overwrite} them with Git's content (default) or {@code keep} them. */
  public enum LocalChanges {
    OVERWRITE, KEEP;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * @param command what reboots the host (systemd's reboot by default; the agent never waits on bootc --apply)
   * @param windows when reboots are allowed (none: any time)
   * @param fleetLock the FleetLock server to take a slot from before rebooting (in server mode by default the
   *     server's own leases), or null
   * @param softCommand what soft-reboots the host (a rollout's {@code rebootMode: soft-reboot}; {@code systemctl
   *     soft-reboot} by default)
   * @param softRebootsCommand what prints how many soft reboots this kernel boot had ({@code systemctl show -P
   *     SoftRebootsCount}), so that a soft reboot counts as a new boot though the kernel's boot id stays; null: the
   *     default, which only goes with the kernel's own boot id file; empty: none
   */
  public record Reboot(List<String> command, MaintenanceWindows windows, FleetLock fleetLock, List<String> softCommand,
      List<String> softRebootsCommand) {
    public static final List<String> DEFAULT_SOFT = List.of("systemctl", "soft-reboot");
    public static final List<String> DEFAULT_SOFT_REBOOTS = List.of("systemctl", "show", "-P", "SoftRebootsCount");

    public Reboot(List<String> command, MaintenanceWindows windows, FleetLock fleetLock) {
      this(command, windows, fleetLock, DEFAULT_SOFT, null);
    }

    /** Whether a staged image may wait for a later reboot, so the agent locks it meanwhile. */
    public boolean defers() {
      return !windows.anyTime() || fleetLock != null;
    }
  }

  /**
   * Where reboot slots come from: a FleetLock server at {@code url}, or, with {@code url} null (server mode
   * only), the reconciler server's own leases with the host's credential.
   */
  public record FleetLock(URI url, String group, String id) {}

  public static final List<String> DEFAULT_RPM_OSTREE = List.of("/usr/bin/rpm-ostree");
  public static final List<String> DEFAULT_FLATPAK = List.of("/usr/bin/flatpak");
  public static final List<String> DEFAULT_OSTREE = List.of("/usr/bin/ostree");

  /**
   * {@code health:}: what {@link HealthChecks} reads after a boot into a new deployment.
   *
   * @param systemctl the systemctl command (a script in tests)
   * @param greenboot read greenboot's result when greenboot-healthcheck.service is installed
   * @param bootComplete require boot-complete.target to be reached
   * @param units systemd units that must be active
   * @param command a command that must exit 0, or empty
   * @param timeout how long systemctl and the command may take each
   */
  public record Health(List<String> systemctl, boolean greenboot, boolean bootComplete, List<String> units,
      List<String> command, Duration timeout) {
    public static final List<String> DEFAULT_SYSTEMCTL = List.of("/usr/bin/systemctl");
    /** No health: section: the agent runs no checks and its reports say nothing of health. */
    public static final Health NONE = new Health(DEFAULT_SYSTEMCTL, false, false, List.of(), List.of(),
        Duration.ofSeconds(60));

    public Health {
      systemctl = List.copyOf(systemctl);
      units = List.copyOf(units);
      command = List.copyOf(command);
    }

    /** Whether any check is set. */
    public boolean any() {
      return greenboot || bootComplete || !units.isEmpty() || !command.isEmpty();
    }
  }

  public AgentConfig {
    health = health == null ? Health.NONE : health;
    bootc = List.copyOf(bootc);
    rpmOstree = List.copyOf(rpmOstree == null ? DEFAULT_RPM_OSTREE : rpmOstree);
    flatpak = List.copyOf(flatpak == null ? DEFAULT_FLATPAK : flatpak);
    ostree = List.copyOf(ostree == null ? DEFAULT_OSTREE : ostree);
  }

  /** A configuration with rpm-ostree and flatpak at their default places. */
  public AgentConfig(String host, Fleet fleet, Duration interval, Path stateDir, Path root, List<String> bootc,
      Duration bootcTimeout, Path reportDir, Path bootIdFile, LocalChanges localChanges, Reboot reboot) {
    this(host, fleet, interval, stateDir, root, bootc, bootcTimeout, reportDir, bootIdFile, localChanges, reboot,
        DEFAULT_RPM_OSTREE, DEFAULT_FLATPAK, null, DEFAULT_OSTREE, null, Health.NONE);
  }

  /** Standalone GitOps with rpm-ostree and flatpak where the file says. */
  public AgentConfig(String host, Fleet fleet, Duration interval, Path stateDir, Path root, List<String> bootc,
      Duration bootcTimeout, Path reportDir, Path bootIdFile, LocalChanges localChanges, Reboot reboot,
      List<String> rpmOstree, List<String> flatpak) {
    this(host, fleet, interval, stateDir, root, bootc, bootcTimeout, reportDir, bootIdFile, localChanges, reboot,
        rpmOstree, flatpak, null, DEFAULT_OSTREE, null, Health.NONE);
  }
}
