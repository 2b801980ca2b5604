package dev.bootfleet.core.rollout;

import dev.bootfleet.core.text.Quote;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The FleetLock protocol's wire format, verbatim (coreos/zincati docs/development/fleetlock/protocol.md;
 * conventions.md §1): {@code POST {base}/v1/pre-reboot} and {@code /v1/steady-state}, the header
 * {@code fleet-lock-protocol: true}, the body {@code {"client_params": {"id": …, "group": …}}}, 200 only
 * on success, and errors as {@code {"kind": …, "value": …}} with a kind from a fixed, small set (Zincati
 * uses it as a metric label). Pure: the HTTP adapter reads and writes the bytes.
 */
public final class FleetLockWire {
  static final String PRE_REBOOT = "/v1/pre-reboot";
  static final String STEADY_STATE = "/v1/steady-state";
  static final String HEADER = "fleet-lock-protocol";
  /** Bodies are a few dozen bytes; anything past this is refused unread. */
  public static final int MAX_BODY = 4096;
  private static final Pattern GROUP = Pattern.compile("[a-zA-Z0-9.-]+");
  private static final int MAX_FIELD = 253;
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private FleetLockWire() {}

  /** The client's identity: its persisted id and its reboot group. */
  public record ClientParams(String id, String group) {}

  /** The error kinds bootfleet answers with, and the HTTP status of each. */
  public enum Kind {
    MISSING_PROTOCOL_HEADER("missing_protocol_header", 400),
    INVALID_CLIENT_PARAMS("invalid_client_params", 400),
    BODY_TOO_LARGE("body_too_large", 413),
    UNAUTHORIZED("unauthorized", 401),
    FORBIDDEN_CLIENT_ID("forbidden_client_id", 403),
    FAILED_LOCK_SEMAPHORE_FULL("failed_lock_semaphore_full", 409),
    OUTSIDE_MAINTENANCE_WINDOW("outside_maintenance_window", 423),
    ROLLOUT_NOT_READY("rollout_not_ready", 423),
    /** bootfleet's own: the lease token sent is not the caller's live lease's (it expired or was replaced). */
    FENCED_LEASE("fenced_lease", 409),
    INTERNAL("internal_error", 500);

    final String id;
    final int status;

    Kind(String id, int status) {
      this.id = id;
      this.status = status;
    }
  }

  /** A FleetLock error: {@code kind} from {@link Kind}, {@code value} one sentence for people. */
  public record Error(String kind, String value, int status) {
    public Error {
      if (kind == null || kind.isEmpty() || value == null || value.isEmpty()) {
        throw new IllegalArgumentException("a FleetLock error has a non-empty kind and value");
      }
    }

    public static Error of(Kind kind, String value) {
      return new Error(kind.id, value, kind.status);
    }

    /** {@code {"kind":"…","value":"…"}}. */
    public String toJson() {
      ObjectNode o = JSON.createObjectNode();
      o.put("kind", kind);
      o.put("value", value);
      return JSON.writeValueAsString(o);
    }
  }

  /** A request read: its params, or every error found in it (at least one). */
  public record Request(ClientParams params, List<Error> errors) {
    public boolean ok() {
      return errors.isEmpty();
    }
  }

  /**
   * Reads a lock or unlock request: the protocol header's value (null when missing) and the body.
   * Reports every problem at once, the first one's kind and status being the answer's.
   */
  public static Request read(String headerValue, String body) {
    List<Error> errors = new ArrayList<>();
    if (headerValue == null || !headerValue.trim().equals("true")) {
      errors.add(Error.of(Kind.MISSING_PROTOCOL_HEADER, "the header " + HEADER + ": true is required"
          + (headerValue == null ? "" : " (found " + Quote.of(clip(headerValue)) + ")")));
    }
    if (body == null || body.length() > MAX_BODY) {
      errors.add(body == null ? Error.of(Kind.INVALID_CLIENT_PARAMS, "the request has no body (expected"
          + " {\"client_params\": {\"id\": …, \"group\": …}})")
          : Error.of(Kind.BODY_TOO_LARGE, "the body is over " + MAX_BODY + " bytes"));
      return new Request(null, errors);
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JacksonException e) {
      errors.add(Error.of(Kind.INVALID_CLIENT_PARAMS, "the body is not JSON (expected {\"client_params\":"
          + " {\"id\": …, \"group\": …}})"));
      return new Request(null, errors);
    }
    JsonNode params = root == null ? null : root.get("client_params");
    if (params == null || !params.isObject()) {
      errors.add(Error.of(Kind.INVALID_CLIENT_PARAMS, "client_params: missing or not an object (expected"
          + " {\"client_params\": {\"id\": …, \"group\": …}})"));
      return new Request(null, errors);
    }
    String id = text(params.get("id"));
    String group = text(params.get("group"));
    if (id == null || id.isEmpty() || id.length() > MAX_FIELD) {
      errors.add(Error.of(Kind.INVALID_CLIENT_PARAMS, "client_params.id: " + shown(params.get("id"))
          + " (expected a non-empty string of at most " + MAX_FIELD + " characters)"));
    }
    if (group == null || group.length() > MAX_FIELD || !GROUP.matcher(group).matches()) {
      errors.add(Error.of(Kind.INVALID_CLIENT_PARAMS, "client_params.group: " + shown(params.get("group"))
          + " (expected letters, digits, '.' and '-', as ^[a-zA-Z0-9.-]+$)"));
    }
    return new Request(errors.isEmpty() ? new ClientParams(id, group) : null, errors);
  }

  /**
   * The lease's fencing token a bootfleet agent adds to a request ({@code "token": N}, as the 200 of
   * {@code pre-reboot} gave it): 0 when the body has none (Zincati's requests), -1 when it is there but not
   * a positive integer.
   */
  public static long token(String body) {
    if (body == null || body.length() > MAX_BODY) {
      return 0;
    }
    try {
      JsonNode root = JSON.readTree(body);
      JsonNode t = root == null ? null : root.get("token");
      if (t == null || t.isNull()) {
        return 0;
      }
      return t.isIntegralNumber() && t.canConvertToLong() && t.asLong() > 0 ? t.asLong() : -1;
    } catch (JacksonException e) {
      return 0; // read() reports the body
    }
  }

  /** The body of a 200 that granted or renewed a lease: its token and when it expires. */
  public static String leaseJson(RebootLeases.Lease lease) {
    ObjectNode o = JSON.createObjectNode();
    o.put("group", lease.group());
    o.put("token", lease.token());
    o.put("expiresAt", lease.expiresAt().toString());
    return JSON.writeValueAsString(o);
  }

  /** The body a client sends. */
  static String body(ClientParams p) {
    ObjectNode o = JSON.createObjectNode();
    ObjectNode c = o.putObject("client_params");
    c.put("id", p.id());
    c.put("group", p.group());
    return JSON.writeValueAsString(o);
  }

  /** An error body as a client reads it; null when it is not one (any non-200 is still a failure). */
  static Error readError(String body, int status) {
    try {
      JsonNode n = JSON.readTree(body);
      String kind = n == null ? null : text(n.get("kind"));
      String value = n == null ? null : text(n.get("value"));
      return kind == null || kind.isEmpty() || value == null || value.isEmpty() ? null
          : new Error(kind, value, status);
    } catch (JacksonException e) {
      return null;
    }
  }

  private static String text(JsonNode n) {
    return n != null && n.isString() ? n.asString() : null;
  }

  private static String shown(JsonNode n) {
    if (n == null || n.isNull()) {
      return "missing";
    }
    return n.isString() ? Quote.of(clip(n.asString())) + " is not valid" : "a " + n.getNodeType().name()
        .toLowerCase(java.util.Locale.ROOT) + " is not a string";
  }

  private static String clip(String s) {
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
