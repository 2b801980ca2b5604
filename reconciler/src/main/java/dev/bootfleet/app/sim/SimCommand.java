package dev.bootfleet.app.sim;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The command scaffolding the bootc and rpm-ostree simulators share, so that each keeps only what is
 * its own: the simulated host's folder ({@code --state-dir} or the tool's environment variable), its
 * state loaded and saved, changes under the sysroot lock and logged, images looked up in a registry,
 * errors printed as the tool prints them with its usage exit code, and the simulator-only {@code init},
 * {@code reboot} and {@code fault} subcommands.
 *
 * @param <S> the simulated host's state, as {@code sim.json} keeps it
 */
abstract class SimCommand<S> implements Callable<Integer> {
  /** What sets one simulated tool apart from the other in the scaffolding. */
  record Tool<S>(Class<S> stateType, String env, int usageExit, String initCommand, Function<S, String> bootId) {}

  /** A step that reads or changes the state: returns the exit code. */
  interface Step<S> {
    int apply(S s) throws IOException;
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Set by each simulator's own {@code --state-dir} option (its help names the tool's variable). */
  Path stateDir;

  /** Made when first needed: an HTTP client sets up TLS, which status never needs. */
  ImageLookup lookup;

  private final Tool<S> tool;

  SimCommand(Tool<S> tool) {
    this.tool = tool;
  }

  /** Runs the simulator; a usage error exits with the tool's usage code. */
  final int execute(String... args) {
    CommandLine cli = new CommandLine(this);
    cli.setParameterExceptionHandler((e, a) -> {
      e.getCommandLine().getErr().println("error: " + e.getMessage());
      return tool.usageExit();
    });
    return cli.execute(args);
  }

  /** A simulated reboot: what the tool's boot chain does across a shutdown and the next boot. */
  abstract List<String> reboot(S s);

  final Path dir() {
    if (stateDir == null) {
      stateDir = SimFolder.dir(tool.env(), tool.usageExit());
    }
    return stateDir;
  }

  final S load() {
    return SimFolder.load(dir(), tool.stateType(), tool.initCommand());
  }

  final void save(S s) throws IOException {
    SimFolder.save(dir(), s, tool.bootId().apply(s));
  }

  /** Logs {@code argv}, then loads the state, applies {@code step} and saves, under the simulated sysroot lock. */
  final int change(Supplier<String[]> argv, Step<S> step) {
    return SimFolder.locked(this::dir, spec, argv, () -> {
      S s = load();
      int code = step.apply(s);
      save(s);
      return code;
    });
  }

  /** Runs {@code step} on the state as it is; a {@link SimError} is printed as the tool would. */
  final int read(ToIntFunction<S> step) {
    try {
      return step.applyAsInt(load());
    } catch (SimError e) {
      return fail(e);
    }
  }

  /** Prints {@code e} as the tool would and returns its exit code. */
  final int fail(SimError e) {
    spec.commandLine().getErr().println(e.getMessage());
    return e.code;
  }

  /** The arguments from the subcommand's name on (without --state-dir), for the log. */
  final String[] argv() {
    return SimFolder.argv(spec);
  }

  /** Every invocation that may change the host is logged, so tests can check what the agent ran. */
  final void log(String[] argv) throws IOException {
    SimFolder.log(dir(), argv);
  }

  final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** The image {@code ref} names for {@code arch}; a failed pull is a {@link SimError} after {@code failure}. */
  final ImageLookup.Image lookUp(String ref, String transport, String arch, String failure) {
    if (lookup == null) {
      lookup = new RegistryImageLookup();
    }
    try {
      return lookup.resolve(ref, transport, arch);
    } catch (ImageLookup.PullFailed e) {
      throw new SimError(1, failure + e.getMessage());
    }
  }

  /**
   * The slow-download fault of {@code s}, when armed: disarmed and saved first, so that a pull killed
   * while it waits does not arm the fault again, then it waits.
   */
  final void slowDownload(S s, SimFaults faults) {
    int seconds = faults.slowDownloadSeconds;
    if (seconds <= 0) {
      return;
    }
    faults.slowDownloadSeconds = 0;
    try {
      save(s);
    } catch (IOException e) {
      throw new SimError(1, "error: " + e.getMessage());
    }
    SimFolder.slowDownload(seconds, out());
  }

  /**
   * Creates the simulated host: {@code host} makes its state (a {@link SimError} is printed), which is
   * saved and logged as {@code logged}; {@code said} is the line printed.
   */
  final int create(String[] logged, Supplier<S> host, Function<S, String> said) throws IOException {
    Files.createDirectories(dir());
    S s;
    try {
      s = host.get();
    } catch (SimError e) {
      return fail(e);
    }
    save(s);
    log(logged);
    out().println(said.apply(s));
    return 0;
  }

  /** A subcommand shared by both simulators: picocli injects the simulator it runs under. */
  abstract static class Subcommand<S> implements Callable<Integer> {
    @ParentCommand
    SimCommand<?> parent; // picocli injects only a type without type variables

    @SuppressWarnings("unchecked") // each simulator registers the subclass made for its own state
    final SimCommand<S> sim() {
      return (SimCommand<S>) parent;
    }
  }

  /** SIMULATOR ONLY: reboots the simulated host and says what happened; each simulator names it. */
  abstract static class Reboot<S> extends Subcommand<S> {
    @Override
    public Integer call() {
      SimCommand<S> sim = sim();
      return sim.change(sim::argv, s -> {
        for (String line : sim.reboot(s)) {
          sim.out().println(line);
        }
        return 0;
      });
    }
  }

  /** SIMULATOR ONLY: arms a fault; each simulator names the faults it knows in {@link #arm}. */
  abstract static class Fault<S> extends Subcommand<S> {
    @Option(names = "--times", defaultValue = "1")
    int times;
    @Option(names = "--seconds", defaultValue = "5")
    int seconds;
    @Parameters(paramLabel = "FAULT")
    String fault;

    /** Arms {@link #fault} in {@code s}, or throws the tool's usage error for a fault it does not know. */
    abstract void arm(S s);

    /** Arms {@link #fault} when both simulators know it; else throws {@code unknown}, the tool's usage error. */
    final void armShared(SimFaults f, SimError unknown) {
      if (!f.arm(fault, times, seconds)) {
        throw unknown;
      }
    }

    /** What the log records of this command. */
    abstract String[] logged();

    @Override
    public Integer call() {
      SimCommand<S> sim = sim();
      return sim.change(this::logged, s -> {
        arm(s);
        sim.out().println("fault armed: " + fault);
        return 0;
      });
    }
  }
}
