package dev.bootfleet.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code bootfleet operator ...}: the operators' own credentials on a running server. */
@Command(name = "operator", mixinStandardHelpOptions = true,
    description = "The operators' credentials on a running server: list, add, revoke.",
    subcommands = {OperatorCommand.ListOperators.class, OperatorCommand.Add.class, OperatorCommand.Revoke.class})
final class OperatorCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing command (list, add, revoke)");
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Print each operator credential's id and when it was made (never a token).")
  static final class ListOperators implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Mixin
    ServerOptions server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode json = OperatorApi.call(server, "GET", "/v1/operators", null, 200, "listing").json();
      for (JsonNode o : json.get("operators")) {
        spec.commandLine().getOut().println(o.get("id").asString() + "  " + o.get("created").asString());
      }
      spec.commandLine().getOut().flush();
      return Main.OK;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Make another operator credential and print its token (once) on standard output; its id on"
          + " standard error.")
  static final class Add implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Mixin
    ServerOptions server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode json = OperatorApi.call(server, "POST", "/v1/operators", null, 201, "adding an operator")
          .json();
      spec.commandLine().getOut().println(json.get("token").asString());
      spec.commandLine().getOut().flush();
      spec.commandLine().getErr().println("added operator credential " + json.get("id").asString());
      spec.commandLine().getErr().flush();
      return Main.OK;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke operator credential ID (as 'bootfleet operator list' prints it); the last one cannot be.")
  static final class Revoke implements java.util.concurrent.Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "The credential's id: 16 hex digits.")
    String id;

    @picocli.CommandLine.Mixin
    ServerOptions server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      if (!id.matches("[0-9a-f]{16}")) {
        throw new UserError("operator id " + id + ": not one (expected 16 lower-case hex digits, as 'bootfleet operator"
            + " list' prints them)");
      }
      OperatorApi.call(server, "DELETE", "/v1/operators/" + id, null, 204, "revoking " + id);
      spec.commandLine().getErr().println("revoked operator credential " + id);
      spec.commandLine().getErr().flush();
      return Main.OK;
    }
  }
}
