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
    m.put("operator", OperatorCommand::new);
    m.put("rollout", RolloutCommand::new);
    m.put("sim", dev.bootfleet.app.sim.SimRootCommand::new);
    m.put("show", ShowCommand::new);
    m.put("init", InitCommand::new);
    m.put("demo", DemoCommand::new);
    m.put("completion", CompletionCommand::new);
    m.put("version", VersionCommand::new);
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
      VirtualMachineError vm = vmError(e);
      if (vm != null) { // thrown in another thread and handed on wrapped (a parallel stream, a future)
        c.getErr().println("bootfleet: error: " + outOfResources(vm));
        return ERROR;
      }
      c.getErr().println("bootfleet: internal error: " + e + (debug() ? "" : " (set BOOTFLEET_DEBUG=1 for a stack trace)"));
      if (debug()) {
        e.printStackTrace(c.getErr());
      }
      return ERROR;
    });
    try {
      return cli.execute(args);
    } catch (VirtualMachineError e) {
      // picocli hands on errors as they are: without this, a trace of the JVM's own trouble
      cli.getErr().println("bootfleet: error: " + outOfResources(e));
      cli.getErr().flush();
      return ERROR;
    }
  }

  /** The JVM's own failure, when {@code e} is one or was caused by one; else null. */
  private static VirtualMachineError vmError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof VirtualMachineError vm) {
        return vm;
      }
    }
    return null;
  }

  /** One line for a run the JVM could not finish: what ran out, and what to do about it. */
  static String outOfResources(VirtualMachineError e) {
    String what = e instanceof OutOfMemoryError ? "ran out of memory"
        : e instanceof StackOverflowError ? "ran out of stack" : "failed";
    return "the Java VM " + what + " (" + e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); give it more with BOOTFLEET_JAVA_OPTS (for"
        + " example -Xmx4g), or check the revision's size";
  }

  /** {@code validate, plan, … or version}: every command but help, as the errors list them. */
  private static final String COMMAND_LIST = commandList();

  private static String commandList() {
    List<String> names = COMMANDS.keySet().stream().filter(n -> !n.equals("help")).toList();
    return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
  }

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
    if (command) { // picocli offers a command for any typo ('frobnicate': validate): only a near one
      String typed = u.getUnmatched().get(0);
      hints = hints.stream().filter(h -> editDistance(h, typed) <= MAX_TYPO).toList();
    } else if (!hints.isEmpty()) { // picocli offers every option sharing two letters: keep the closest
      String typed = u.getUnmatched().get(0);
      int best = hints.stream().mapToInt(h -> commonPrefix(h, typed)).max().getAsInt();
      hints = hints.stream().filter(h -> commonPrefix(h, typed) == best).toList();
    }
    return hints.isEmpty() ? said : said + "; did you mean " + String.join(" or ", hints) + "?";
  }

  /** A command is suggested when at most this many edits make it of what was typed ('plna', 'vaildate'). */
  private static final int MAX_TYPO = 2;

  /** Edits (insert, delete, replace, swap two neighbours) from {@code a} to {@code b}: optimal string alignment. */
  static int editDistance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      for (int j = 0; j <= b.length(); j++) {
        if (i == 0 || j == 0) {
          d[i][j] = i + j;
          continue;
        }
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
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

  /** The CLI with every command, as {@code bootfleet --help} shows it. */
  static CommandLine everyCommand() {
    return withCommands(new CommandLine(new Main()), null);
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

  /**
   * {@code bootfleet 0.1.0 (commit 3f2a9c41d0e7)}: what the build wrote into dev/bootfleet/version.properties
   * (reconciler/pom.xml); {@code bootfleet dev} when run from classes no build made.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {line()};
    }

    static String line() {
      var p = new java.util.Properties();
      try (var in = Main.class.getResourceAsStream("/dev/bootfleet/version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (java.io.IOException e) {
        // unreadable: as without one
      }
      String v = p.getProperty("version");
      return v == null ? "bootfleet dev" : "bootfleet " + v + " (commit " + p.getProperty("commit", "unknown") + ")";
    }
  }

  @Command(name = "version", description = "Print bootfleet's version and the Git commit it was built from.")
  static final class VersionCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().getOut().println(Version.line());
    }
  }
}
