package dev.bootfleet.adapters.agentclient;

import dev.bootfleet.core.manifest.ManifestShape;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.plan.Observation;
import dev.bootfleet.core.plan.Plan;
import dev.bootfleet.core.server.HostView;
import dev.bootfleet.core.server.StatusReport;
import dev.bootfleet.core.text.Quote;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * The observed state a reconciler server keeps ({@code GET /v1/observed}, ADR 0022), read for a CLI that
 * plans its own checkout against it: each host's last report becomes the {@link Observation} the folder
 * reader makes of the same documents (the same parsers, through {@link StatusReport#observation}), and the
 * server's time and stale limit come with it, so that a host silent too long is {@code unknown} exactly
 * as the server shows it ({@link HostView}). Messages name the server and where the credential came from,
 * never the credential.
 */
public final class ServerObserved {
  /** The largest answer read: every host's documents at once (a 10,000-host fleet sends about 40 MiB). */
  static final int MAX_BODY = 512 * 1024 * 1024;
  static final String PATH = "/v1/observed";

  /**
   * @param observations by host name, as {@code ObservedDir} gives them for the same documents
   * @param lastReports when each host's report was stored
   * @param now the server's time when it answered
   * @param staleAfter the server's stale limit
   */
  public record Result(Map<String, Observation> observations, Map<String, Instant> lastReports, Instant now,
      Duration staleAfter) {
    /** {@code plan} as the server would show it: a host silent past the stale limit is {@code unknown}. */
    public Plan shown(Plan plan) {
      return HostView.shown(plan, lastReports, now, staleAfter);
    }
  }

  private ServerObserved() {}

  /**
   * Asks {@code client}'s server for every host's last report.
   *
   * @param credential an operator's token
   * @param from where the credential came from, for messages (e.g. {@code --token-file F})
   * @throws IOException one line: the server cannot be reached, refused the credential, or answered
   *     something that is not {@code /v1/observed}'s answer
   */
  public static Result read(ServerClient client, String credential, String from) throws IOException {
    ServerClient.Response r = client.get(PATH, credential, MAX_BODY);
    if (r.status() == 401) {
      throw new IOException(client.describe() + " refused the operator credential from " + from + ": 401 "
          + r.detail() + " (expected a valid operator token, e.g. the server's DATA/operator.token)");
    }
    if (r.status() == 403) {
      throw new IOException(client.describe() + ": the credential from " + from + " is not an operator's: 403 "
          + r.detail() + " (expected an operator token, bfo_...)");
    }
    if (r.status() != 200) {
      throw new IOException(client.describe() + ": GET " + PATH + ": " + r.status() + " " + r.detail());
    }
    JsonNode root;
    try {
      root = r.json();
    } catch (IOException e) {
      throw new IOException(client.describe() + ": GET " + PATH + ": " + e.getMessage());
    }
    return parse(root, client.describe());
  }

  /** Reads an answer of {@code /v1/observed}; every problem of its shape at once, in one line. */
  static Result parse(JsonNode root, String server) throws IOException {
    List<String> problems = new ArrayList<>();
    Instant now = root == null ? null : instant(root.get("now"), "now", problems);
    Duration stale = null;
    JsonNode s = root == null ? null : root.get("staleAfter");
    try {
      stale = Duration.parse(s == null || !s.isString() ? "" : s.asString());
      if (stale.isNegative()) {
        throw new DateTimeException("negative");
      }
    } catch (DateTimeException e) {
      problems.add("staleAfter: " + shown(s) + " is not a duration (expected ISO-8601, e.g. PT15M)");
    }
    JsonNode hosts = root == null ? null : root.get("hosts");
    List<Entry> entries = new ArrayList<>();
    if (hosts == null || !hosts.isArray()) {
      problems.add("hosts: " + shown(hosts) + " is not a list (expected [{name, at, status, etc, agent}, ...])");
    } else {
      for (int i = 0; i < hosts.size(); i++) {
        JsonNode h = hosts.get(i);
        String where = "hosts[" + i + "]";
        JsonNode name = h.get("name");
        if (name == null || !name.isString() || !ManifestShape.isDnsName(name.asString())) {
          problems.add(where + ".name: " + shown(name) + " is not a host name (expected a DNS-1123 name)");
          continue;
        }
        Instant at = instant(h.get("at"), where + ".at", problems);
        JsonNode status = h.get("status");
        if (status == null || !status.isObject()) {
          problems.add(where + ".status: " + shown(status) + " is not a status document (expected an object)");
          continue;
        }
        entries.add(new Entry(name.asString(), at, status.toString(), text(h.get("etc")), text(h.get("agent"))));
      }
    }
    if (!problems.isEmpty()) {
      throw new IOException(server + ": GET " + PATH + ": not the answer expected: " + String.join("; ", problems));
    }
    Map<String, Observation> observations = new TreeMap<>();
    Map<String, Instant> last = new TreeMap<>();
    // Each host's documents parse on their own (pure): the common pool may split them, order kept.
    Map<String, ObservedHost> memo = new ConcurrentHashMap<>();
    List<Observation> parsed = entries.parallelStream().map(e -> e.observation(server, memo)).toList();
    for (int i = 0; i < entries.size(); i++) {
      observations.put(entries.get(i).name(), parsed.get(i));
      last.put(entries.get(i).name(), entries.get(i).at());
    }
    return new Result(observations, last, now, stale);
  }

  private record Entry(String name, Instant at, String status, String etc, String agent) {
    /**
     * What the host reported, read as the folder reader reads it; a report this version no longer reads
     * makes the host {@code unknown}, naming it, and never stops the others.
     */
    Observation observation(String server, Map<String, ObservedHost> memo) {
      try {
        return new StatusReport(name, status, etc, agent).observation(memo);
      } catch (IllegalArgumentException e) {
        return Observation.unreadable(server + ": host " + name + "'s report: " + e.getMessage());
      }
    }
  }

  private static Instant instant(JsonNode n, String field, List<String> problems) {
    try {
      return Instant.parse(n == null || !n.isString() ? "" : n.asString());
    } catch (DateTimeException e) {
      problems.add(field + ": " + shown(n) + " is not a time (expected ISO-8601 UTC, e.g. 2026-01-01T12:00:00Z)");
      return null;
    }
  }

  /** An optional document's JSON text, or null. */
  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.toString();
  }

  private static String shown(JsonNode n) {
    if (n == null) {
      return "missing";
    }
    String s = n.toString();
    return Quote.controls(s.length() > 60 ? s.substring(0, 60) + "..." : s);
  }
}
