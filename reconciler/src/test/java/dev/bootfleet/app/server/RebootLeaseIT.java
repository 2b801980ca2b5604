package dev.bootfleet.app.server;

import static dev.bootfleet.app.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * The server as a FleetLock lock server with leases (issue 16, ADR 0021), over HTTP on loopback against
 * the embedded store: the protocol's wire format end to end, HTTP Basic from a base URL's user-info,
 * nothing changed by an unauthenticated caller, a lease that expires freeing its slot and fencing its old
 * holder, leases kept across a restart, and {@code bootfleet_reboot_leases{group}}.
 */
class RebootLeaseIT {
  @TempDir
  Path tmp;

  ServerHarness h;
  ReconcilerServer server;
  String operator;
  Duration ttl = Duration.ofMinutes(15);

  void start() throws Exception {
    h = new ServerHarness(tmp);
    launch();
    ServerHarness.await("the first revision served", Duration.ofSeconds(60), h::ready);
    operator = Files.readString(tmp.resolve("data/operator.token")).strip();
  }

  void launch() throws Exception {
    server = new ReconcilerServer(new ReconcilerServer.Config(h.url(), "main", "", "127.0.0.1", 0, tmp.resolve("data"),
        Duration.ofHours(1), Duration.ZERO, Duration.ofSeconds(5), Duration.ofMinutes(15),
        ServerHarness.SECRET.getBytes(StandardCharsets.UTF_8), null), line -> System.err.println("[server] " + line))
        .leases(ttl, Map.of("web", 2), 1);
    h.base = "http://127.0.0.1:" + server.start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  static String basic(String user, String token) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
  }

  static String params(String id, String group) {
    return "{\"client_params\": {\"id\": \"" + id + "\", \"group\": \"" + group + "\"}}";
  }

  /** A FleetLock request as Zincati sends it: POST, the protocol header, a JSON body, optional Authorization. */
  HttpResponse<String> lock(String path, String authorization, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base + path)).header("fleet-lock-protocol", "true")
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return h.send(b);
  }

  static void assertFleetLockError(HttpResponse<String> r, int status, String kind) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.body()).doesNotContain("\n", "Exception");
    JsonNode e = json(r);
    assertThat(e.get("kind").asString()).isEqualTo(kind);
    assertThat(e.get("value").asString()).isNotEmpty();
    assertThat(e.propertyNames()).containsExactlyInAnyOrder("kind", "value");
  }

  int leasesHeld(String group) throws Exception {
    String metrics = h.get("/metrics", null).body();
    String prefix = "bootfleet_reboot_leases{group=\"" + group + "\"} ";
    return metrics.lines().filter(l -> l.startsWith(prefix)).mapToInt(l -> (int) Double.parseDouble(l.substring(
        prefix.length()))).findFirst().orElse(-1);
  }

  @Test
  void zincatisRequests_withTheBaseUrlsUserInfo_takeAndGiveBackSlots() throws Exception {
    start();
    String web01 = h.hostToken(operator, "web-01");
    String web02 = h.hostToken(operator, "web-02");
    String web03 = h.hostToken(operator, "web-03");

    // the protocol document's body, verbatim; a 200 is the only success
    HttpResponse<String> first = lock("/v1/pre-reboot", basic("web-01", web01), params("web-01", "web"));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    long token = json(first).get("token").asLong();
    // recursive: the holder asking again keeps its lease and token
    assertThat(json(lock("/v1/pre-reboot", basic("web-01", web01), params("web-01", "web"))).get("token").asLong())
        .isEqualTo(token);
    assertThat(lock("/v1/pre-reboot", basic("web-02", web02), params("web-02", "web")).statusCode()).isEqualTo(200);
    assertFleetLockError(lock("/v1/pre-reboot", basic("web-03", web03), params("web-03", "web")), 409,
        "failed_lock_semaphore_full");
    assertThat(leasesHeld("web")).isEqualTo(2);

    assertThat(lock("/v1/steady-state", basic("web-01", web01), params("web-01", "web")).statusCode()).isEqualTo(200);
    // UnlockIfHeld: again is fine
    assertThat(lock("/v1/steady-state", basic("web-01", web01), params("web-01", "web")).statusCode()).isEqualTo(200);
    HttpResponse<String> third = lock("/v1/pre-reboot", basic("web-03", web03), params("web-03", "web"));
    assertThat(third.statusCode()).isEqualTo(200);
    assertThat(json(third).get("token").asLong()).isGreaterThan(token);
    // a group without its own slots has the default (1); the agent's bearer credential works too
    assertThat(lock("/v1/pre-reboot", "Bearer " + web01, params("web-01", "canary")).statusCode()).isEqualTo(200);
    assertThat(leasesHeld("canary")).isEqualTo(1);
  }

  /** The lease events of a host's timeline (GET /v1/hosts/{name}), oldest first. */
  java.util.List<JsonNode> leaseEvents(String host) throws Exception {
    java.util.List<JsonNode> out = new java.util.ArrayList<>();
    for (JsonNode e : json(h.get("/v1/hosts/" + host, operator)).get("timeline")) {
      if (e.get("type").asString().startsWith("lease-")) {
        out.addFirst(e);
      }
    }
    return out;
  }

  @Test
  void aLeaseTakenAndFreed_showsInTheHostsTimeline_once_atTheServedRevision() throws Exception {
    start();
    String web01 = h.hostToken(operator, "web-01");
    String served = json(h.get("/v1/revisions", operator)).get("served").asString();

    HttpResponse<String> taken = lock("/v1/pre-reboot", basic("web-01", web01), params("web-01", "web"));
    long token = json(taken).get("token").asLong();
    lock("/v1/pre-reboot", basic("web-01", web01), params("web-01", "web")); // asked again: kept, nothing new
    assertThat(lock("/v1/steady-state", basic("web-01", web01), params("web-01", "web")).statusCode()).isEqualTo(200);
    lock("/v1/steady-state", basic("web-01", web01), params("web-01", "web")); // held none: nothing new
    String withToken = "{\"client_params\": {\"id\": \"web-01\", \"group\": \"web\"}, \"token\": " + token + "}";
    assertFleetLockError(lock("/v1/reboot-lease/heartbeat", "Bearer " + web01, withToken), 409, "fenced_lease");

    java.util.List<JsonNode> events = leaseEvents("web-01");
    assertThat(events).extracting(e -> e.get("type").asString())
        .containsExactly("lease-granted", "lease-freed", "lease-fenced");
    assertThat(events).allSatisfy(e -> assertThat(e.get("revision").asString()).isEqualTo(served));
    assertThat(events.get(0).get("message").asString()).startsWith("reboot lease " + token + " of group web until ");
    assertThat(events.get(2).get("message").asString()).contains("lease token " + token);
    assertThat(leaseEvents("web-02")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      no credential                   | -            | 401 | unauthorized
      a wrong token                   | wrong        | 401 | unauthorized
      another host's name             | other-name   | 401 | unauthorized
      the operator's token            | operator     | 401 | unauthorized
      the host's own, another's id    | other-id     | 403 | forbidden_client_id
      """)
  void aCallerWithoutTheHostsCredential_changesNothing(String why, String how, int status, String kind)
      throws Exception {
    start();
    String web01 = h.hostToken(operator, "web-01");
    String web02 = h.hostToken(operator, "web-02");
    assertThat(lock("/v1/pre-reboot", basic("web-02", web02), params("web-02", "db")).statusCode()).isEqualTo(200);
    String auth = switch (how) {
      case "-" -> null;
      case "wrong" -> basic("web-01", "bfh_" + "A".repeat(43));
      case "other-name" -> basic("web-03", web01);
      case "operator" -> basic("web-01", operator);
      default -> basic("web-01", web01);
    };
    String id = how.equals("other-id") ? "web-02" : "web-01";

    assertFleetLockError(lock("/v1/pre-reboot", auth, params(id, "web")), status, kind);
    assertFleetLockError(lock("/v1/steady-state", auth, params("web-02", "db")), how.equals("other-id") ? 403 : 401,
        how.equals("other-id") ? "forbidden_client_id" : "unauthorized");

    assertThat(leasesHeld("web")).as(why).isLessThanOrEqualTo(0);
    assertThat(leasesHeld("db")).as("web-02's slot is still held").isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      no protocol header   | -     | {"client_params": {"id": "web-01", "group": "web"}} | 400 | missing_protocol_header
      not JSON             | true  | client_params=web-01                                 | 400 | invalid_client_params
      an empty id          | true  | {"client_params": {"id": "", "group": "web"}}       | 400 | invalid_client_params
      a bad group          | true  | {"client_params": {"id": "web-01", "group": "a b"}} | 400 | invalid_client_params
      """)
  void malformedRequests_are400_inFleetLocksShape(String why, String header, String body, int status, String kind)
      throws Exception {
    start();
    String web01 = h.hostToken(operator, "web-01");
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base + "/v1/pre-reboot"))
        .header("Authorization", basic("web-01", web01)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (!header.equals("-")) {
      b.header("fleet-lock-protocol", header);
    }
    assertFleetLockError(h.send(b), status, kind);
    assertFleetLockError(lock("/v1/pre-reboot", basic("web-01", web01), "{\"client_params\": {\"id\": \"web-01\","
        + " \"group\": \"" + "x".repeat(5000) + "\"}}"), 413, "body_too_large");
  }

  @Test
  void anExpiredLease_freesItsSlot_andItsOldHolderIsFenced() throws Exception {
    ttl = Duration.ofSeconds(2);
    start();
    String web01 = h.hostToken(operator, "web-01");
    String web02 = h.hostToken(operator, "web-02");
    HttpResponse<String> granted = lock("/v1/pre-reboot", basic("web-01", web01), params("web-01", "db"));
    long token = json(granted).get("token").asLong();
    String withToken = "{\"client_params\": {\"id\": \"web-01\", \"group\": \"db\"}, \"token\": " + token + "}";
    assertThat(lock("/v1/reboot-lease/heartbeat", "Bearer " + web01, withToken).statusCode()).isEqualTo(200);
    assertFleetLockError(lock("/v1/pre-reboot", basic("web-02", web02), params("web-02", "db")), 409,
        "failed_lock_semaphore_full");

    // web-01 falls silent: once its TTL has run out, web-02 gets the slot
    ServerHarness.await("web-02 gets the slot web-01 no longer renews", Duration.ofSeconds(30), () -> {
      try {
        return lock("/v1/pre-reboot", basic("web-02", web02), params("web-02", "db")).statusCode() == 200;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });

    assertFleetLockError(lock("/v1/reboot-lease/heartbeat", "Bearer " + web01, withToken), 409, "fenced_lease");
    assertFleetLockError(lock("/v1/steady-state", "Bearer " + web01, withToken), 409, "fenced_lease");
    assertThat(leasesHeld("db")).isEqualTo(1);
    // the timelines: web-01's lease expired (noticed when web-02 took the slot) and its old token was refused
    assertThat(leaseEvents("web-01")).extracting(e -> e.get("type").asString())
        .containsExactly("lease-granted", "lease-expired", "lease-fenced", "lease-fenced");
    assertThat(leaseEvents("web-02")).extracting(e -> e.get("type").asString()).containsExactly("lease-granted");
  }

  @Test
  void restart_keepsTheLeases() throws Exception {
    start();
    String web01 = h.hostToken(operator, "web-01");
    String web02 = h.hostToken(operator, "web-02");
    long token = json(lock("/v1/pre-reboot", basic("web-01", web01), params("web-01", "db"))).get("token").asLong();

    server.close();
    launch();
    // until it serves a revision again, a restarted server gives no slot at all (LeaseServiceTest)
    ServerHarness.await("the first revision served again", Duration.ofSeconds(60), h::ready);

    assertFleetLockError(lock("/v1/pre-reboot", basic("web-02", web02), params("web-02", "db")), 409,
        "failed_lock_semaphore_full");
    assertThat(json(lock("/v1/pre-reboot", basic("web-01", web01), params("web-01", "db"))).get("token").asLong())
        .isEqualTo(token);
    assertThat(leasesHeld("db")).isEqualTo(1);
  }
}
