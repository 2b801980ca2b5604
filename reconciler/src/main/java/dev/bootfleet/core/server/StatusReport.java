package dev.bootfleet.core.server;

import dev.bootfleet.core.observed.EtcReport;
import dev.bootfleet.core.observed.EtcReportParser;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.observed.ObservedStateException;
import dev.bootfleet.core.observed.StatusDocuments;
import dev.bootfleet.core.plan.Observation;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A host's report as {@code POST /v1/hosts/{name}/status} takes it: {@code {"status": <bootc or rpm-ostree
 * status document>, "etc": <the /etc report, optional>, "agent": <the agent's report, optional>}}. Each part
 * is read by the parser the CLI uses for the same document ({@link StatusDocuments}, {@link
 * EtcReportParser}); a part that does not read is one line naming it. Pure.
 *
 * @param status the status document's JSON text
 * @param etc the /etc report's JSON text, or null
 * @param agent the agent report's JSON text, or null
 */
public record StatusReport(String host, String status, String etc, String agent) {
  private static final JsonMapper JSON = JsonMapper.shared();

  /** Reads a request body for {@code host}; throws one line naming the bad part. */
  public static StatusReport parse(String host, byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("body: not JSON (" + firstLine(e.getOriginalMessage()) + ")");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("body: not a JSON object (expected {\"status\": {...}, \"etc\": {...}, \"agent\": {...}})");
    }
    for (String key : root.propertyNames()) {
      if (!key.equals("status") && !key.equals("etc") && !key.equals("agent")) {
        throw new IllegalArgumentException(key + ": unknown field (expected status, etc or agent)");
      }
    }
    JsonNode status = root.get("status");
    if (status == null || !status.isObject()) {
      throw new IllegalArgumentException("status: " + (status == null ? "missing" : "not an object")
          + " (expected the bootc or rpm-ostree status document)");
    }
    String etc = part(root, "etc", "the agent's /etc report");
    String agent = part(root, "agent", "the agent's AgentReport");
    StatusReport r = new StatusReport(host, status.toString(), etc, agent);
    r.observation(); // every part parses, or this throws
    if (agent != null) {
      JsonNode a = root.get("agent");
      if (!"AgentReport".equals(a.path("kind").asString(null))) {
        throw new IllegalArgumentException("agent.kind: " + a.path("kind") + " is not AgentReport (expected the agent's report)");
      }
      if (a.has("host") && !host.equals(a.get("host").asString(null))) {
        throw new IllegalArgumentException("agent.host: " + a.get("host") + " is not this host (expected \"" + host + "\")");
      }
    }
    return r;
  }

  /** The most status documents a memo of {@link #observation(Map)} keeps. */
  public static final int MEMO_MAX = 4096;

  /** The parsed observation; throws {@link IllegalArgumentException} naming the part that does not parse. */
  public Observation observation() {
    return observation(null);
  }

  /**
   * As above; {@code memo} (null: none; thread-safe, such as a ConcurrentHashMap) keeps parsed status
   * documents by their text, at most {@link #MEMO_MAX}: hosts on the same image with the same deployments
   * send the very same document (a synthetic fleet of 10,000 hosts has 15 distinct ones), and parsing is
   * pure, so a fleet's reports read together parse each distinct one once. Only documents that parse are kept.
   */
  public Observation observation(Map<String, ObservedHost> memo) {
    ObservedHost observed = memo == null ? null : memo.get(status);
    if (observed == null) {
      try {
        observed = StatusDocuments.parse(status.getBytes(StandardCharsets.UTF_8), "status");
      } catch (ObservedStateException e) {
        throw new IllegalArgumentException(e.getMessage());
      }
      if (memo != null && memo.size() < MEMO_MAX) {
        memo.putIfAbsent(status, observed);
      }
    }
    EtcReport report = null;
    if (etc != null) {
      try {
        report = EtcReportParser.parse(etc.getBytes(StandardCharsets.UTF_8), "etc");
      } catch (ObservedStateException e) {
        throw new IllegalArgumentException(e.getMessage());
      }
      if (report.host() != null && !report.host().equals(host)) {
        throw new IllegalArgumentException("etc: host: \"" + report.host() + "\" is not this host (expected \"" + host + "\")");
      }
    }
    return new Observation(observed, report);
  }

  /** What re-planning compares: a hash of the documents the plan reads. */
  public String fingerprint() {
    return Replanner.fingerprint(status + "\n" + (etc == null ? "" : etc));
  }

  /** The agent report's value at {@code field} (a string), or null. */
  public String agentField(String field) {
    if (agent == null) {
      return null;
    }
    JsonNode v = JSON.readTree(agent).get(field);
    return v == null || v.isNull() ? null : v.asString();
  }

  private static String part(JsonNode root, String key, String expected) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw new IllegalArgumentException(key + ": not an object (expected " + expected + ")");
    }
    return n.toString();
  }

  private static String firstLine(String s) {
    return s == null ? "unreadable" : s.lines().findFirst().orElse("unreadable");
  }
}
