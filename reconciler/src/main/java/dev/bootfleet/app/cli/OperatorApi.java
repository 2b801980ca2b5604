package dev.bootfleet.app.cli;

import dev.bootfleet.adapters.agentclient.ServerClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One operator's request to a running server ({@code bootfleet host enroll|revoke}, {@code bootfleet
 * operator}), through the options every such command shares ({@link ServerOptions}): every failure one line
 * that never repeats the token.
 */
final class OperatorApi {
  private OperatorApi() {}

  /** The answer: its status and its JSON body (null when it has none). */
  record Answer(int status, JsonNode json) {}

  /**
   * Sends {@code method path} (with {@code json} as the body of a POST) with the operator's credential; a
   * status other than {@code expected} is a {@link UserError} that says what {@code what} was refused for
   * (the server's one-line detail).
   */
  static Answer call(ServerOptions server, String method, String path, String json, int expected, String what) {
    return call(server, List.of(), method, path, json, expected, what);
  }

  /**
   * As {@link #call(ServerOptions, String, String, String, int, String)}, first refusing, all at once, the
   * command's own {@code problems} (found in its arguments) beside every problem of the server options.
   */
  static Answer call(ServerOptions server, List<String> problems, String method, String path, String json,
      int expected, String what) {
    List<String> usage = server.usageProblems();
    List<String> all = new ArrayList<>(problems);
    all.addAll(usage);
    if (!server.given()) {
      all.add("missing --server URL (expected the server's base URL, e.g. https://bootfleet.example:8443)");
    }
    if (!server.given() || !usage.isEmpty()) {
      throw new UserError(all);
    }
    ServerOptions.Connection c = server.connect(all); // adds the URL's, credential's and certificates' problems
    ServerClient.Response r;
    try {
      r = switch (method) {
        case "GET" -> c.client().get(path, c.token(), 1024 * 1024);
        case "POST" -> c.client().post(path, json == null ? "{}" : json, c.token());
        case "DELETE" -> c.client().delete(path, c.token());
        default -> throw new IllegalArgumentException(method);
      };
    } catch (IOException e) {
      throw new UserError(e.getMessage());
    }
    JsonNode body;
    try {
      body = r.body().length == 0 ? null : r.json();
    } catch (IOException e) {
      body = null;
    }
    if (r.status() != expected) {
      throw new UserError(c.client().describe() + ": " + what + " refused: " + r.detail());
    }
    return new Answer(r.status(), body);
  }
}
