package dev.bootfleet.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A FleetLock server for tests, on loopback, answering as coreos/airlock does (airlock itself needs etcd
 * and is not packaged for Debian): a counting semaphore per group with owned, recursive slots; POST
 * only; header {@code fleet-lock-protocol: true} and a non-empty id and group, else 400
 * {@code invalid_client_identity}; a full semaphore is 500 {@code failed_lock}. It records every request.
 */
public final class FleetLockServer implements AutoCloseable {
  private final HttpServer server;
  private final int slots;
  private final Map<String, TreeSet<String>> holders = new TreeMap<>();
  private final List<String> requests = new ArrayList<>();

  private FleetLockServer(int slots) throws IOException {
    this.slots = slots;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/pre-reboot", x -> handle(x, true));
    server.createContext("/v1/steady-state", x -> handle(x, false));
    server.start();
  }

  public static FleetLockServer start(int slots) throws IOException {
    return new FleetLockServer(slots);
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** Who holds a slot in {@code group}. */
  public synchronized List<String> holders(String group) {
    return List.copyOf(holders.getOrDefault(group, new TreeSet<>()));
  }

  /** {@code pre-reboot id} or {@code steady-state id}, in order. */
  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  /** Another client takes a slot (to fill the semaphore). */
  public synchronized void hold(String group, String id) {
    holders.computeIfAbsent(group, g -> new TreeSet<>()).add(id);
  }

  /** That client gives its slot back. */
  public synchronized void release(String group, String id) {
    holders.getOrDefault(group, new TreeSet<>()).remove(id);
  }

  private synchronized void handle(HttpExchange x, boolean lock) throws IOException {
    try (x) {
      if (!x.getRequestMethod().equals("POST")) {
        reply(x, 405, "method_not_allowed", "POST only");
        return;
      }
      if (!"true".equals(x.getRequestHeaders().getFirst("fleet-lock-protocol"))) {
        reply(x, 400, "invalid_client_identity", "missing fleet-lock-protocol header");
        return;
      }
      JsonNode body = JsonMapper.shared().readTree(x.getRequestBody().readAllBytes());
      String id = body.path("client_params").path("id").asString("");
      String group = body.path("client_params").path("group").asString("");
      if (id.isEmpty() || !group.matches("^[a-zA-Z0-9.-]+$")) {
        reply(x, 400, "invalid_client_identity", "bad id or group");
        return;
      }
      requests.add((lock ? "pre-reboot " : "steady-state ") + id);
      TreeSet<String> h = holders.computeIfAbsent(group, g -> new TreeSet<>());
      if (lock && !h.contains(id) && h.size() >= slots) {
        reply(x, 500, "failed_lock", "semaphore full");
        return;
      }
      if (lock) {
        h.add(id);
      } else {
        h.remove(id);
      }
      x.sendResponseHeaders(200, -1);
    }
  }

  private static void reply(HttpExchange x, int status, String kind, String value) throws IOException {
    byte[] b = ("{\"kind\":\"" + kind + "\",\"value\":\"" + value + "\"}").getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length);
    x.getResponseBody().write(b);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
