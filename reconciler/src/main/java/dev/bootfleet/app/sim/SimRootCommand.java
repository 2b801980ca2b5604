package dev.bootfleet.app.sim;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bootfleet sim}: the simulators that run inside bootfleet itself (the fleet simulator). */
@Command(name = "sim", mixinStandardHelpOptions = true, subcommands = FleetSimCommand.class,
    description = {"SIMULATORS for tests, benchmarks and demos.", "bootc and rpm-ostree are simulated by"
        + " bin/bootc-sim and bin/rpm-ostree-sim; 'sim fleet' runs many simulated hosts against a server."})
public final class SimRootCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command (fleet)");
  }
}
