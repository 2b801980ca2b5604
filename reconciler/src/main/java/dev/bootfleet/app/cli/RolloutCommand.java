package dev.bootfleet.app.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code bootfleet rollout ...}: the rollouts a running server carries out (ADR 0021, "Server"). */
@Command(name = "rollout", mixinStandardHelpOptions = true,
    description = "The rollouts on a running server: list, status, pause, resume, abort, approve.",
    subcommands = {RolloutCommand.ListRollouts.class, RolloutCommand.Status.class, RolloutCommand.Pause.class,
        RolloutCommand.Resume.class, RolloutCommand.Abort.class, RolloutCommand.Approve.class})
final class RolloutCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "missing command (list, status, pause, resume, abort, approve)");
  }

  /**
   * The rollout name's problem, if any: checked here so that a typo is one line before any request, beside
   * every problem of the server options ({@link OperatorApi#call(ServerOptions, List, String, String, String, int,
   * String)}).
   */
  static List<String> nameProblems(String id) {
    return dev.bootfleet.core.manifest.ManifestShape.isDnsName(id) ? List.of() : List.of("rollout " + id
        + ": not a rollout name (expected a DNS-1123 name, as 'bootfleet rollout list' prints them)");
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Print each rollout of the served revision: its name, phase and target digests.")
  static final class ListRollouts implements Callable<Integer> {
    @Mixin
    ServerOptions server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode json = OperatorApi.call(server, "GET", "/v1/rollouts", null, 200, "listing rollouts").json();
      PrintWriter out = spec.commandLine().getOut();
      for (JsonNode r : json.get("rollouts")) {
        out.println(r.get("name").asString() + "  " + r.get("phase").asString("") + "  " + r.get("target").asString(""));
      }
      out.flush();
      return Main.OK;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {"Print a rollout's phase, each wave's counts and its newest events, one line each.",
          "With --watch, follow the run until it is complete (exit 0), halted or aborted (exit 2): on a terminal a"
              + " progress bar per wave redrawn in place, otherwise each event and each changed line once."})
  static final class Status implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "The rollout's name.")
    String id;

    @Option(names = "--watch", description = "Follow the run until it ends.")
    boolean watch;

    @Option(names = "--interval-seconds", defaultValue = "1", paramLabel = "S", description = "How often --watch"
        + " asks the server (default: ${DEFAULT-VALUE}).")
    int intervalSeconds;

    @Mixin
    ServerOptions server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      List<String> problems = new ArrayList<>(nameProblems(id));
      if (intervalSeconds < 1 || intervalSeconds > 3600) {
        problems.add("--interval-seconds " + intervalSeconds + ": expected 1 to 3600");
      }
      String path = "/v1/rollouts/" + id;
      PrintWriter out = spec.commandLine().getOut();
      if (!watch) {
        print(out, OperatorApi.call(server, problems, "GET", path, null, 200, "rollout " + id).json());
        return Main.OK;
      }
      boolean terminal = Terminal.isInteractive();
      RolloutView.Redrawn bars = new RolloutView.Redrawn(out);
      RolloutView.Follower lines = new RolloutView.Follower(out);
      while (true) {
        JsonNode r = OperatorApi.call(server, problems, "GET", path, null, 200, "rollout " + id).json();
        if (terminal) {
          bars.show(RolloutView.bars(r, 30));
        } else {
          lines.show(r);
        }
        if (RolloutView.ended(r)) {
          return r.path("phase").asString("").equals("complete") ? Main.OK : Main.CHANGES;
        }
        Thread.sleep(intervalSeconds * 1000L); // the polling interval itself, not a wait for a condition
      }
    }
  }

  /** A rollout as plain lines: the run, a line per wave, rejected digests, the newest events. */
  static void print(PrintWriter out, JsonNode r) {
    RolloutView.lines(r, 10).forEach(out::println);
    out.flush();
  }

  /** An action on a rollout, recorded by the server with this operator's credential id. */
  abstract static class Action implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "The rollout's name.")
    String id;

    @Mixin
    ServerOptions server;

    @Spec
    CommandSpec spec;

    abstract String action();

    String body() {
      return null;
    }

    /** What is wrong with the arguments, all of it. */
    List<String> problems() {
      return nameProblems(id);
    }

    @Override
    public Integer call() {
      JsonNode r = OperatorApi.call(server, problems(), "POST", "/v1/rollouts/" + id + "/" + action(), body(), 200,
          action() + " of rollout " + id).json();
      print(spec.commandLine().getOut(), r);
      return Main.OK;
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Pause rollout ID: nothing more stages or reboots until it is resumed (recorded).")
  static final class Pause extends Action {
    @Override
    String action() {
      return "pause";
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Resume rollout ID after an operator's pause (a pause set in Git stays; recorded).")
  static final class Resume extends Action {
    @Override
    String action() {
      return "resume";
    }
  }

  @Command(name = "abort", mixinStandardHelpOptions = true,
      description = "Abort rollout ID's run for good: nothing more stages or reboots until Git names another digest"
          + " (recorded).")
  static final class Abort extends Action {
    @Override
    String action() {
      return "abort";
    }
  }

  @Command(name = "approve", mixinStandardHelpOptions = true,
      description = "Approve WAVE of rollout ID (without WAVE: the first wave awaiting approval; recorded).")
  static final class Approve extends Action {
    @Parameters(index = "1", arity = "0..1", paramLabel = "WAVE", description = "The wave to approve.")
    String wave;

    @Override
    String action() {
      return "approve";
    }

    @Override
    String body() {
      return wave == null ? null : "{\"wave\":\"" + wave + "\"}";
    }

    @Override
    List<String> problems() {
      List<String> all = new ArrayList<>(super.problems());
      if (wave != null && !dev.bootfleet.core.manifest.ManifestShape.isDnsName(wave)) {
        all.add("wave " + wave + ": not a wave name (expected a DNS-1123 name, as 'bootfleet rollout status ID'"
            + " prints them)");
      }
      return all;
    }
  }
}
