package dev.bootfleet.app.agent;

import dev.bootfleet.adapters.agentclient.ServerClient;
import dev.bootfleet.adapters.agentclient.ServerDesiredState;
import dev.bootfleet.adapters.agentclient.ServerReportSink;
import dev.bootfleet.adapters.flatpak.FlatpakCli;
import dev.bootfleet.adapters.fs.EtcTree;
import dev.bootfleet.adapters.ostree.OstreeCli;
import dev.bootfleet.adapters.rpmostree.RpmOstreeCli;
import dev.bootfleet.core.agent.MaintenanceWindows;
import dev.bootfleet.core.port.HostDriver;
import dev.bootfleet.core.port.HostPower;
import dev.bootfleet.core.port.RebootCoordinator;
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

/**
 * The real agent in server mode for one SIMULATED host of the fleet simulator ({@code bootfleet sim
 * fleet}): the same {@link Agent}, {@link AgentLoop} (long poll, backoff), server source and report
 * sink as {@code bootfleet agent}, over a simulated bootc host the caller passes in (its driver and its
 * power). The host's agent state, reports and /etc live under its own folder.
 */
public final class SimulatedAgent {
  private final Agent agent;
  private final AgentLoop loop;

  /**
   * @param dir the simulated host's folder (state, reports, its /etc)
   * @param rebootAnyTime whether the host reboots as soon as an image is staged; otherwise it stages and
   *     waits for a daily one-minute maintenance window twelve hours from now (as hosts with a nightly window do)
   */
  public SimulatedAgent(String host, ServerClient client, HostDriver.Bootc bootc, HostPower power, Path dir,
      Duration interval, boolean rebootAnyTime, PrintStream log) throws IOException {
    Files.createDirectories(dir.resolve("root/etc"));
    MaintenanceWindows windows = rebootAnyTime ? MaintenanceWindows.ANY_TIME : new MaintenanceWindows(List.of(
        new MaintenanceWindows.Window(EnumSet.allOf(DayOfWeek.class), LocalTime.now(ZoneOffset.UTC).plusHours(12)
            .withSecond(0).withNano(0), 1)), ZoneOffset.UTC);
    AgentConfig c = new AgentConfig(host, null, interval, dir.resolve("state"), dir.resolve("root"),
        List.of("bootc-simulated-in-memory"), Duration.ofMinutes(10), dir.resolve("reports"), dir.resolve("boot_id"),
        AgentConfig.LocalChanges.OVERWRITE, new AgentConfig.Reboot(List.of(), windows, null),
        List.of(dir.resolve("no-rpm-ostree").toString()), List.of(dir.resolve("no-flatpak").toString()),
        new AgentConfig.Server(java.net.URI.create("http://simulated"), null, null, null, null),
        List.of(dir.resolve("no-ostree").toString()), null, AgentConfig.Health.NONE);
    ServerDesiredState source = new ServerDesiredState(client);
    HostDrivers drivers = new HostDrivers(bootc, new RpmOstreeCli(c.rpmOstree(), c.bootcTimeout()),
        new OstreeCli(c.ostree(), null, null, c.bootcTimeout()));
    FlatpakApplier flatpak = new FlatpakApplier(new FlatpakCli(c.flatpak(), Map.of(), c.bootcTimeout()));
    this.agent = new Agent(c, source, drivers, new EtcApplier(new EtcTree(c.root()), c.localChanges()), flatpak,
        new RebootPolicy(windows, RebootCoordinator.NONE), power, new StateStore(c.stateDir()), Clock.systemUTC(),
        log, new ServerReportSink(client, ServerReportSink.BACKOFF, ServerReportSink.Pause.SLEEP));
    this.loop = new AgentLoop(host, interval, source, log);
  }

  /** Runs one cycle and returns its status line ({@code status: reason}). */
  public String cycle() throws IOException {
    CycleReport r = agent.cycle();
    return r.status() + ": " + r.reason();
  }

  /**
   * Runs cycles until interrupted: one at once, then each when the target changes or the interval is up;
   * {@code said} hears each cycle's status line.
   */
  public void run(java.util.function.Consumer<String> said) throws InterruptedException {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        said.accept(cycle());
      } catch (IOException e) {
        said.accept("unknown: " + dev.bootfleet.core.text.Text.oneLine(e.getMessage(), "?"));
      }
      loop.awaitNext();
    }
    throw new InterruptedException();
  }
}
