package dev.bootfleet.app.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bootfleet} command. Exit codes: 0 success, 1 error (including bad usage), and with
 * {@code --detailed-exitcode} 2 when there are changes or drift — Terraform's convention.
 */
@Command(name = "bootfleet", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "GitOps for image-based Linux hosts: plan what each bootc host needs to match Git.",
    footer = {"", "Exit codes: 0 success, 1 error, 2 changes or drift (with --detailed-exitcode; or N with"
        + " --diff-exit-code N).",
        "Docs: README.md and docs/ in the bootfleet repository."})
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int ERROR = 1;
  public static final int CHANGES = 2;

  /**
   * The subcommands, made on demand: a run of one command builds only that one (picocli reads every
   * command's annotations when it is added, and each start-up counts when CI runs bootfleet often).
   */
  private static final Map<String, Supplier<Object>> COMMANDS = commands();

  private static Map<String, Supplier<Object>> commands() {
    Map<String, Supplier<Object>> m = new LinkedHashMap<>();
    m.put("validate", ValidateCommand::new);
    m.put("plan", PlanCommand::new);
    m.put("drift", DriftCommand::new);
    m.put("pin", PinCommand::new);
    m.put("bake", BakeCommand::new);
    m.put("agent", dev.bootfleet.app.agent.AgentCommand::new);
    m.put("serve", dev.bootfleet.app.server.ServeCommand::new);
    m.put("host", HostCommand::new);
    m.put("help", CommandLine.HelpCommand::new);
    return m;
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns the exit code (for tests and for {@link #main}). */
  public static int run(String... args) {
    return run(null, null, args);
  }

  /** Runs the CLI writing to {@code out} and {@code err} (null: standard output and error). */
  static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    if (args.length > 0 && args[0].equals("bootc-sim")) {
      // The bootc simulator (tests, demos) runs once per simulated bootc call: without the whole command tree.
      return dev.bootfleet.app.sim.BootcSimCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length));
    }
    if (args.length > 0 && args[0].equals("rpm-ostree-sim")) {
      return dev.bootfleet.app.sim.RpmOstreeSimCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length));
    }
    // The agent runs on every host for weeks: it builds only its own commands, not the whole CLI (fewer classes).
    CommandLine cli = args.length > 0 && args[0].equals("agent")
        ? new CommandLine(new dev.bootfleet.app.agent.AgentCommand()).setCommandName("bootfleet agent")
        : withCommands(new CommandLine(new Main()), args.length > 0 ? args[0] : null);
    if (args.length > 0 && args[0].equals("agent")) {
      args = java.util.Arrays.copyOfRange(args, 1, args.length);
    }
    withVersion(cli);
    if (out != null) {
      cli.setOut(out);
    }
    if (err != null) {
      cli.setErr(err);
    }
    cli.setParameterExceptionHandler((e, a) -> {
      e.getCommandLine().getErr().println("bootfleet: error: " + message(e));
      e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
          + " --help' for more information.");
      return ERROR;
    });
    cli.setExecutionExceptionHandler((e, c, p) -> {
      if (e instanceof UserError u) {
        u.problems().forEach(line -> c.getErr().println("bootfleet: error: " + line));
        return ERROR;
      }
      c.getErr().println("bootfleet: internal error: " + e + (debug() ? "" : " (set BOOTFLEET_DEBUG=1 for a stack trace)"));
      if (debug()) {
        e.printStackTrace(c.getErr());
      }
      return ERROR;
    });
    return cli.execute(args);
  }

  private static final String COMMAND_LIST = "validate, plan, drift, pin, bake, agent, serve or host";

  /** picocli's message, with its suggestion for a mistyped command or option. */
  private static String message(CommandLine.ParameterException e) {
    if (!(e instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
      String m = e.getMessage(); // some of picocli's messages carry their own "Error: "
      return m != null && m.startsWith("Error: ") ? m.substring("Error: ".length()) : m;
    }
    boolean command = !u.isUnknownOption() && !u.getCommandLine().getSubcommands().isEmpty();
    // picocli lists an unknown option's value as an unknown option too ('--statu', 'dir'): name options only
    List<String> options = u.getUnmatched().stream().filter(a -> a.startsWith("-")).map(a -> "'" + a + "'")
        .toList();
    String said = command ? "'" + u.getUnmatched().get(0) + "' is not a command (expected " + COMMAND_LIST + ")"
        : !u.isUnknownOption() || options.isEmpty() ? e.getMessage()
        : (options.size() == 1 ? "Unknown option: " : "Unknown options: ") + String.join(", ", options);
    List<String> hints = u.getSuggestions().stream().filter(h -> !h.equals("help")).toList();
    if (!command && !hints.isEmpty()) { // picocli offers every option sharing two letters: keep the closest
      String typed = u.getUnmatched().get(0);
      int best = hints.stream().mapToInt(h -> commonPrefix(h, typed)).max().getAsInt();
      hints = hints.stream().filter(h -> commonPrefix(h, typed) == best).toList();
    }
    return hints.isEmpty() ? said : said + "; did you mean " + String.join(" or ", hints) + "?";
  }

  private static int commonPrefix(String a, String b) {
    int n = 0;
    while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
      n++;
    }
    return n;
  }

  /** {@code cli} with the command {@code first} names (when it is one other than help), else with all. */
  private static CommandLine withCommands(CommandLine cli, String first) {
    Supplier<Object> only = "help".equals(first) ? null : COMMANDS.get(first);
    if (only != null) {
      cli.addSubcommand(first, only.get());
    } else {
      COMMANDS.forEach((name, make) -> cli.addSubcommand(name, make.get()));
    }
    return cli;
  }

  /** Every command answers --version as the top one does: picocli gives a subcommand no version of its own. */
  private static void withVersion(CommandLine cli) {
    cli.getCommandSpec().versionProvider(new Version());
    cli.getSubcommands().values().forEach(Main::withVersion);
  }

  static boolean debug() {
    String d = System.getenv("BOOTFLEET_DEBUG");
    return d != null && !d.isEmpty() && !d.equals("0");
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "missing command (" + COMMAND_LIST + ")");
  }

  /** The version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"bootfleet " + (v == null ? "dev" : v)};
    }
  }
}
