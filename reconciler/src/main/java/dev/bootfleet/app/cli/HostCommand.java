package dev.bootfleet.app.cli;

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
    subcommands = {HostCommand.Enroll.class, HostCommand.Revoke.class})
final class HostCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing command (enroll, revoke)");
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
      String body = JsonMapper.shared().createObjectNode().put("host", name).put("ttlSeconds", ttlSeconds).toString();
      JsonNode json = OperatorApi.call(server, "POST", "/v1/enrollments", body, 201, "enrollment").json();
      if (json == null || !json.has("token")) {
        throw new UserError("--server " + server.server + ": the enrollment's answer has no token");
      }
      spec.commandLine().getOut().println(json.get("token").asString());
      spec.commandLine().getOut().flush();
      return Main.OK;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Revoke every credential of host NAME, its own and its enrollments"
          + " (DELETE /v1/hosts/NAME/credential); it gets a new one only by a new enrollment."})
  static final class Revoke implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "The host, as its manifest names it.")
    String name;

    @Mixin
    ServerOptions server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      if (!dev.bootfleet.core.manifest.ManifestShape.isDnsName(name)) {
        throw new UserError("host " + name + ": not a host name (expected a DNS-1123 name, as its manifest has it)");
      }
      OperatorApi.call(server, "DELETE", "/v1/hosts/" + name + "/credential", null, 204,
          "revoking " + name);
      spec.commandLine().getErr().println("revoked every credential of host " + name);
      spec.commandLine().getErr().flush();
      return Main.OK;
    }
  }
}
