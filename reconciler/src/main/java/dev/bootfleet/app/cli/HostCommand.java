package dev.bootfleet.app.cli;

import dev.bootfleet.adapters.agentclient.ServerClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code bootfleet host ...}: operator actions on a running server. */
@Command(name = "host", mixinStandardHelpOptions = true, description = "Operator actions on a running server.",
    subcommands = HostCommand.Enroll.class)
final class HostCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing command (enroll)");
  }

  @Command(name = "enroll", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Print a one-time, expiring token with which host NAME gets its own credential from the server"
          + " (POST /v1/hosts/NAME/credential)."})
  static final class Enroll implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "The host, as its manifest names it.")
    String name;

    @Mixin
    ServerOptions server;

    @Option(names = "--ttl-seconds", defaultValue = "3600", paramLabel = "N",
        description = "How long the token may be used (default: ${DEFAULT-VALUE}).")
    long ttlSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      List<String> problems = new ArrayList<>(server.usageProblems());
      if (!server.given()) {
        problems.add("missing --server URL (expected the server's base URL, e.g. https://bootfleet.example:8443)");
      }
      if (!problems.isEmpty()) {
        throw new UserError(problems);
      }
      ServerOptions.Connection c = server.connect();
      String body = JsonMapper.shared().createObjectNode().put("host", name).put("ttlSeconds", ttlSeconds).toString();
      ServerClient.Response r;
      try {
        r = c.client().post("/v1/enrollments", body, c.token());
      } catch (IOException e) {
        throw new UserError(e.getMessage());
      }
      JsonNode json;
      try {
        json = r.json();
      } catch (IOException | RuntimeException e) {
        json = null;
      }
      if (r.status() != 201 || json == null || !json.has("token")) {
        throw new UserError(c.client().describe() + ": enrollment refused: " + r.detail());
      }
      spec.commandLine().getOut().println(json.get("token").asString());
      spec.commandLine().getOut().flush();
      return Main.OK;
    }
  }
}
