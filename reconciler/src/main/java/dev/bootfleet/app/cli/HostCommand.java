package dev.bootfleet.app.cli;

import dev.bootfleet.adapters.tls.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    @Option(names = "--server", required = true, paramLabel = "URL", description = "The server, e.g. http://127.0.0.1:8080.")
    String server;

    @Option(names = "--token-file", required = true, paramLabel = "FILE",
        description = "The operator credential (the server writes one to DATA/operator.token).")
    Path tokenFile;

    @Option(names = "--server-ca", paramLabel = "FILE",
        description = "Trust only the certificate authorities in this PEM file for an https server (serve --tls-cert).")
    Path serverCa;

    @Option(names = "--client-cert", paramLabel = "FILE",
        description = "Present this PEM client certificate, to a server run with --client-ca (with --client-key).")
    Path clientCert;

    @Option(names = "--client-key", paramLabel = "FILE",
        description = "The client certificate's unencrypted PKCS#8 key, PEM (RSA or EC).")
    Path clientKey;

    @Option(names = "--ttl-seconds", defaultValue = "3600", paramLabel = "N",
        description = "How long the token may be used (default: ${DEFAULT-VALUE}).")
    long ttlSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      List<String> problems = new ArrayList<>();
      TlsContexts.checkAuthorities("--server-ca", serverCa, problems);
      TlsContexts.check("--client-cert", clientCert, "--client-key", clientKey, problems);
      if (!problems.isEmpty()) {
        throw new UserError(problems);
      }
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
      HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
      if (serverCa != null || clientCert != null) {
        try {
          client.sslContext(TlsContexts.client(serverCa == null ? List.of() : List.of(serverCa), false, clientCert,
              clientKey));
        } catch (IOException e) { // a file changed since it was checked
          throw new UserError(e.getMessage());
        }
      }
      try (HttpClient http = client.build()) {
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
}
