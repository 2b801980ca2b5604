package dev.bootfleet.adapters.fleetlock;

import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The client side of the FleetLock protocol (coreos/zincati docs/development/fleetlock/protocol.md),
 * spoken verbatim so that airlock, poseidon/fleetlock and others serve it: {@code POST
 * {base}/v1/pre-reboot} takes a reboot slot (recursive: taking it twice is fine), {@code POST
 * {base}/v1/steady-state} gives it back (fine when not held). JSON body {@code {"client_params": {"id",
 * "group"}}}, header {@code fleet-lock-protocol: true}; only 200 is success, errors carry {@code
 * {"kind", "value"}}.
 */
public final class FleetLockClient {
  /** The group grammar of the protocol. */
  public static final Pattern GROUP = Pattern.compile("^[a-zA-Z0-9.-]+$");
  private static final JsonMapper JSON = JsonMapper.shared();

  private final URI base;
  /** HTTP Basic from the base URL's user-info (as Zincati sends it), or null; never logged. */
  private final String authorization;
  /** The base URL without its user-info: what messages show. */
  private final String shown;
  private final String id;
  private final String group;
  private final HttpClient http;
  private final Duration timeout;

  /** What the server answered: success, or the error kind (low cardinality) and its text. */
  public record Answer(boolean ok, int status, String kind, String value) {
    public String describe() {
      return ok ? "200 OK" : status + (kind == null ? "" : " " + kind) + (value == null ? "" : ": " + value);
    }
  }

  public FleetLockClient(URI base, String id, String group, Duration timeout) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("the FleetLock id is empty");
    }
    if (group == null || !GROUP.matcher(group).matches()) {
      throw new IllegalArgumentException("the FleetLock group " + group + " does not match " + GROUP.pattern());
    }
    String info = base.getRawUserInfo();
    this.authorization = info == null ? null : "Basic " + java.util.Base64.getEncoder().encodeToString(
        java.net.URLDecoder.decode(info, java.nio.charset.StandardCharsets.UTF_8)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    URI bare;
    try {
      bare = new URI(base.getScheme(), null, base.getHost(), base.getPort(), base.getPath(), null, null);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("the FleetLock URL is not one: " + e.getReason());
    }
    String b = bare.toString();
    this.base = URI.create(b.endsWith("/") ? b : b + "/");
    this.shown = this.base.toString();
    this.id = id;
    this.group = group;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** Takes a reboot slot (RecursiveLock). */
  public Answer preReboot() throws IOException, InterruptedException {
    return post("v1/pre-reboot");
  }

  /** Gives the slot back (UnlockIfHeld). */
  public Answer steadyState() throws IOException, InterruptedException {
    return post("v1/steady-state");
  }

  public String describe() {
    return shown + " (group " + group + ", id " + id + ")";
  }

  private Answer post(String path) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("client_params").put("id", id).put("group", group);
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
        .header("fleet-lock-protocol", "true")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    HttpRequest req = b.build();
    HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() == 200) {
      return new Answer(true, 200, null, null);
    }
    String kind = null;
    String value = null;
    try {
      JsonNode err = JSON.readTree(resp.body());
      if (err != null && err.isObject()) {
        kind = err.path("kind").isString() ? Text.oneLine(err.path("kind").asString(), null) : null;
        value = err.path("value").isString() ? Text.oneLine(err.path("value").asString(), null) : null;
      }
    } catch (JacksonException e) {
      // not the protocol's error shape: the status code says enough
    }
    if (kind == null) {
      kind = "generic_http_" + resp.statusCode();
    }
    if (value != null && value.length() > 200) {
      value = value.substring(0, 200) + "…";
    }
    return new Answer(false, resp.statusCode(), kind, value);
  }
}
