package dev.bootfleet.app.agent;

import dev.bootfleet.adapters.agentclient.ServerClient;
import dev.bootfleet.adapters.agentclient.ServerDesiredState;
import dev.bootfleet.adapters.agentclient.ServerLeaseCoordinator;
import dev.bootfleet.adapters.agentclient.ServerReportSink;
import dev.bootfleet.adapters.flatpak.FlatpakCli;
import dev.bootfleet.adapters.fs.EtcTree;
import dev.bootfleet.adapters.ostree.OstreeCli;
import dev.bootfleet.adapters.rpmostree.RpmOstreeCli;
import dev.bootfleet.core.agent.MaintenanceWindows;
import dev.bootfleet.core.port.HostDriver;
import dev.bootfleet.core.port.HostPower;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The real agent in server mode for one SIMULATED host of the fleet simulator ({@code bootfleet sim
 * fleet}): the same {@link Agent}, {@link AgentLoop} (long poll, backoff), server source and report
 * sink as {@code bootfleet agent}, over a simulated bootc host the caller passes in (its driver and its
 * power). The host's agent state, reports and /etc live under its own folder.
 *
 * <p>As a real bootc host with greenboot and an agent.yaml with {@code health: {greenboot: true}}, it runs
 * the health checks in the boot after a boot into a new deployment, against an in-memory systemd whose
 * {@code greenboot-healthcheck.service} passed ({@code exited}) or {@code failed} as the caller says of the
 * booted image. And as the real agent in server mode, it asks the server for a reboot lease
 * ({@link ServerLeaseCoordinator}, FleetLock's group {@value #GROUP}) before it reboots.
 */
public final class SimulatedAgent {
  /**
   * A simulated host's power: a reboot asked for in a cycle happens between that cycle and the next ({@link
   * #restart}), as a real machine goes down after the agent's {@code systemctl reboot} returns.
   */
  public interface Power extends HostPower {
    /** Carries out the reboot asked for since the last call, if any; whether there was one. */
    boolean restart();
  }

  /** The reboot group a simulated host asks its lease in: the real agent's default in server mode. */
  public static final String GROUP = "default";
  private final Agent agent;
  private final AgentLoop loop;
  private final Power power;

  /**
   * @param dir the simulated host's folder (state, reports, its /etc)
   * @param rebootAnyTime whether the host reboots as soon as an image is staged; otherwise it stages and
   *     waits for a daily one-minute maintenance window twelve hours from now (as hosts with a nightly window do);
   *     either way the server's reboot lease (and its rollout) is asked for first
   * @param greenbootPasses whether greenboot's required checks pass in the boot the host is in (asked in the boot
   *     after a boot into a new deployment, so it may answer for the image booted now)
   */
  public SimulatedAgent(String host, ServerClient client, HostDriver.Bootc bootc, Power power, Path dir,
      Duration interval, boolean rebootAnyTime, BooleanSupplier greenbootPasses, PrintStream log)
      throws IOException {
    Files.createDirectories(dir.resolve("root/etc"));
    MaintenanceWindows windows = rebootAnyTime ? MaintenanceWindows.ANY_TIME : new MaintenanceWindows(List.of(
        new MaintenanceWindows.Window(EnumSet.allOf(DayOfWeek.class), LocalTime.now(ZoneOffset.UTC).plusHours(12)
            .withSecond(0).withNano(0), 1)), ZoneOffset.UTC);
    AgentConfig c = new AgentConfig(host, null, interval, dir.resolve("state"), dir.resolve("root"),
        List.of("bootc-simulated-in-memory"), Duration.ofMinutes(10), dir.resolve("reports"), dir.resolve("boot_id"),
        AgentConfig.LocalChanges.OVERWRITE, new AgentConfig.Reboot(List.of(), windows,
            new AgentConfig.FleetLock(null, GROUP, host)),
        List.of(dir.resolve("no-rpm-ostree").toString()), List.of(dir.resolve("no-flatpak").toString()),
        new AgentConfig.Server(java.net.URI.create("http://simulated"), null, null, null, null),
        List.of(dir.resolve("no-ostree").toString()), null, new AgentConfig.Health(
            AgentConfig.Health.DEFAULT_SYSTEMCTL, true, true, List.of(), List.of(), Duration.ofSeconds(60)));
    ServerDesiredState source = new ServerDesiredState(client);
    HostDrivers drivers = new HostDrivers(bootc, new RpmOstreeCli(c.rpmOstree(), c.bootcTimeout()),
        new OstreeCli(c.ostree(), null, null, c.bootcTimeout()));
    FlatpakApplier flatpak = new FlatpakApplier(new FlatpakCli(c.flatpak(), Map.of(), c.bootcTimeout()));
    this.agent = new Agent(c, source, drivers, new EtcApplier(new EtcTree(c.root()), c.localChanges()), flatpak,
        new RebootPolicy(windows, new ServerLeaseCoordinator(client, host, GROUP)), power,
        new StateStore(c.stateDir()), Clock.systemUTC(), log,
        new ServerReportSink(client, ServerReportSink.BACKOFF, ServerReportSink.Pause.SLEEP),
        new HealthChecks(c.health(), systemd(greenbootPasses)));
    this.loop = new AgentLoop(host, interval, source, log);
    this.power = power;
  }

  /**
   * An in-memory systemd for the health checks: greenboot's service {@code exited} (its required checks passed) or
   * {@code failed} as {@code greenbootPasses} says, {@code boot-complete.target} reached, any other unit unknown
   * ({@code not-found}), as systemd answers {@code systemctl show} for each.
   */
  static HealthChecks.Systemd systemd(BooleanSupplier greenbootPasses) {
    return units -> {
      StringBuilder out = new StringBuilder();
      for (String unit : units) {
        String[] state = switch (unit) {
          case HealthChecks.GREENBOOT -> greenbootPasses.getAsBoolean() ? new String[] {"loaded", "active", "exited"}
              : new String[] {"loaded", "failed", "failed"};
          case HealthChecks.BOOT_COMPLETE -> new String[] {"loaded", "active", "active"};
          default -> new String[] {"not-found", "inactive", "dead"};
        };
        if (!out.isEmpty()) {
          out.append('\n');
        }
        out.append("Id=").append(unit).append("\nLoadState=").append(state[0]).append("\nActiveState=")
            .append(state[1]).append("\nSubState=").append(state[2]).append('\n');
      }
      return out.toString();
    };
  }

  /** Runs one cycle and returns its status line ({@code status: reason}). */
  public String cycle() throws IOException {
    CycleReport r = agent.cycle();
    return r.status() + ": " + r.reason();
  }

  /**
   * Runs cycles until interrupted: one at once, then each when the target changes or the interval is up, or at once
   * after a cycle that rebooted the host (the agent starts with each boot);
   * {@code said} hears each cycle's status line.
   */
  public void run(java.util.function.Consumer<String> said) throws InterruptedException {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        said.accept(cycle());
      } catch (IOException e) {
        said.accept("unknown: " + dev.bootfleet.core.text.Text.oneLine(e.getMessage(), "?"));
      }
      if (!power.restart()) {
        loop.awaitNext();
      } // else the host rebooted: the agent starts with the new boot, as its unit does on a real host
    }
    throw new InterruptedException();
  }
}
