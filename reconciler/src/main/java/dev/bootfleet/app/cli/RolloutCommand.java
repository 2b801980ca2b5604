package dev.bootfleet.app.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

  /** A rollout name as the server takes it: checked here so that a typo is one line before any request. */
  static String checked(String id) {
    if (!dev.bootfleet.core.manifest.ManifestShape.isDnsName(id)) {
      throw new UserError("rollout " + id + ": not a rollout name (expected a DNS-1123 name, as 'bootfleet rollout"
          + " list' prints them)");
    }
    return id;
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
      description = "Print a rollout's phase, each wave's counts and its newest events, one line each.")
  static final class Status implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "The rollout's name.")
    String id;

    @Mixin
    ServerOptions server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode r = OperatorApi.call(server, "GET", "/v1/rollouts/" + checked(id), null, 200, "rollout " + id).json();
      print(spec.commandLine().getOut(), r);
      return Main.OK;
    }
  }

  /** A rollout as plain lines: the run, a line per wave, rejected digests, the newest events. */
  static void print(PrintWriter out, JsonNode r) {
    out.println("rollout " + r.get("name").asString() + ": " + r.get("phase").asString("")
        + (r.get("paused").asBoolean() ? " (paused by an operator)" : "")
        + (r.get("aborted").asBoolean() ? " (aborted by an operator)" : "") + ", target " + r.get("target").asString("")
        + ", budget in use " + r.path("budgetInUse").asInt());
    for (JsonNode w : r.path("waves")) {
      StringBuilder b = new StringBuilder("  wave " + w.get("name").asString() + ": " + w.get("state").asString()
          + ", " + w.get("hosts").asInt() + " hosts");
      w.get("counts").properties().forEach(e -> {
        if (e.getValue().asInt() > 0) {
          b.append(", ").append(e.getValue().asInt()).append(' ').append(e.getKey());
        }
      });
      if (w.get("approval").asBoolean()) {
        b.append(", needs approval");
      }
      if (!w.path("startsAt").isNull() && w.has("startsAt")) {
        b.append(", starts at ").append(w.get("startsAt").asString());
      }
      out.println(b);
    }
    for (JsonNode d : r.path("rejected")) {
      out.println("  rejected " + d.asString());
    }
    int n = 0;
    for (JsonNode e : r.path("events")) {
      if (n++ == 10) {
        break;
      }
      out.println("  " + e.get("at").asString() + "  " + e.get("type").asString() + "  "
          + (e.get("host").isNull() ? "" : e.get("host").asString() + "  ") + e.get("message").asString() + "  ("
          + e.get("who").asString() + ")");
    }
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

    @Override
    public Integer call() {
      JsonNode r = OperatorApi.call(server, "POST", "/v1/rollouts/" + checked(id) + "/" + action(), body(), 200,
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
      if (wave == null) {
        return null;
      }
      if (!dev.bootfleet.core.manifest.ManifestShape.isDnsName(wave)) {
        throw new UserError("wave " + wave + ": not a wave name (expected a DNS-1123 name, as 'bootfleet rollout status"
            + " ID' prints them)");
      }
      return "{\"wave\":\"" + wave + "\"}";
    }
  }
}
