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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One operator's request to a running server ({@code bootfleet host revoke}, {@code bootfleet operator}):
 * the credential read from a file, never a flag; every failure one line that never repeats the token.
 */
final class OperatorApi {
  private OperatorApi() {}

  /** The answer: its status and its JSON body (null when it has none). */
  record Answer(int status, JsonNode json) {}

  /**
   * Sends {@code method path} with the token of {@code tokenFile}; a status other than {@code expected} is a
   * {@link UserError} that says what {@code what} was refused for (the server's one-line detail).
   */
  static Answer call(String server, Path tokenFile, String method, String path, int expected, String what) {
    String token;
    try {
      token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UserError("--token-file " + tokenFile + ": cannot read (" + e.getClass().getSimpleName() + ")");
    }
    URI uri;
    try {
      uri = URI.create(server.replaceAll("/+$", "") + path);
      if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
        throw new IllegalArgumentException("not http");
      }
    } catch (IllegalArgumentException e) {
      throw new UserError("--server " + server + ": not a URL (expected http://HOST:PORT)");
    }
    HttpResponse<String> r;
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
          .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | IllegalArgumentException e) {
      throw new UserError("--server " + server + ": cannot reach (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted");
    }
    JsonNode json;
    try {
      json = r.body().isBlank() ? null : JsonMapper.shared().readTree(r.body());
    } catch (RuntimeException e) {
      json = null;
    }
    if (r.statusCode() != expected) {
      String detail = json != null && json.has("detail") ? json.get("detail").asString() : "HTTP " + r.statusCode();
      throw new UserError("--server " + server + ": " + what + " refused: " + detail);
    }
    return new Answer(r.statusCode(), json);
  }
}
