package dev.bootfleet.app.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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

    @Option(names = "--server", required = true, paramLabel = "URL", description = "The server, e.g. http://127.0.0.1:8080.")
    String server;

    @Option(names = "--token-file", required = true, paramLabel = "FILE",
        description = "The operator credential (the server writes one to DATA/operator.token).")
    Path tokenFile;

    @Option(names = "--ttl-seconds", defaultValue = "3600", paramLabel = "N",
        description = "How long the token may be used (default: ${DEFAULT-VALUE}).")
    long ttlSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      String token;
      try {
        token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new UserError("--token-file " + tokenFile + ": cannot read (" + e.getClass().getSimpleName() + ")");
      }
      URI uri;
      try {
        uri = URI.create(server.replaceAll("/+$", "") + "/v1/enrollments");
      } catch (IllegalArgumentException e) {
        throw new UserError("--server " + server + ": not a URL (expected http://HOST:PORT)");
      }
      String body = JsonMapper.shared().createObjectNode().put("host", name).put("ttlSeconds", ttlSeconds).toString();
      HttpResponse<String> r;
      try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
        r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (IOException | IllegalArgumentException e) {
        throw new UserError("--server " + server + ": cannot reach (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UserError("interrupted");
      }
      JsonNode json;
      try {
        json = JsonMapper.shared().readTree(r.body());
      } catch (RuntimeException e) {
        json = null;
      }
      if (r.statusCode() != 201 || json == null || !json.has("token")) {
        String detail = json != null && json.has("detail") ? json.get("detail").asString() : "HTTP " + r.statusCode();
        throw new UserError("--server " + server + ": enrollment refused: " + detail);
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

    @picocli.CommandLine.Mixin
    OperatorCommand.Server server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      if (!dev.bootfleet.core.manifest.ManifestShape.isDnsName(name)) {
        throw new UserError("host " + name + ": not a host name (expected a DNS-1123 name, as its manifest has it)");
      }
      OperatorApi.call(server.url, server.tokenFile, "DELETE", "/v1/hosts/" + name + "/credential", 204,
          "revoking " + name);
      spec.commandLine().getErr().println("revoked every credential of host " + name);
      spec.commandLine().getErr().flush();
      return Main.OK;
    }
  }
}
