package dev.bootfleet.adapters.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A plain-HTTP proxy in front of a real registry that can answer some requests itself — a 429 with
 * {@code Retry-After}, a 503 — the way a busy registry or a load balancer does, and counts the
 * requests in flight. A real registry cannot be made to rate-limit on cue; everything else passes
 * through to it unchanged.
 */
final class FaultyProxy implements AutoCloseable {
  /** What the proxy answers itself, or null to forward. */
  record Fault(int status, Map<String, String> headers) {}

  private static final Set<String> HOP = Set.of("connection", "content-length", "transfer-encoding", "host",
      "keep-alive", "upgrade", "date");

  private final HttpServer server;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI target;
  private final IntFunction<Fault> faults;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  /** @param faults given the 1-based number of a request, the fault to answer with, or null */
  FaultyProxy(URI target, IntFunction<Fault> faults) throws IOException {
    this.target = target;
    this.faults = faults;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  int requests() {
    return requests.get();
  }

  int maxInFlight() {
    return maxInFlight.get();
  }

  /**
   * Counts a request as in flight from its arrival until just before its answer starts: once the
   * client has an answer, the count no longer includes it (counting until the handler returns would
   * overlap the client's next request).
   */
  private void handle(HttpExchange ex) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    boolean counted = true;
    try (ex) {
      Fault f = faults.apply(requests.incrementAndGet());
      if (f != null) {
        f.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        inFlight.decrementAndGet();
        counted = false;
        ex.sendResponseHeaders(f.status(), -1);
        return;
      }
      Thread.sleep(5); // long enough for concurrent requests to overlap, and be counted
      HttpRequest.Builder b = HttpRequest.newBuilder(target.resolve(ex.getRequestURI().toString()))
          .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
      ex.getRequestHeaders().forEach((k, vs) -> {
        if (!HOP.contains(k.toLowerCase(java.util.Locale.ROOT))) {
          vs.forEach(v -> b.header(k, v));
        }
      });
      HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      r.headers().map().forEach((k, vs) -> {
        if (!HOP.contains(k.toLowerCase(java.util.Locale.ROOT))) {
          vs.forEach(v -> ex.getResponseHeaders().add(k, v));
        }
      });
      byte[] body;
      try (InputStream in = r.body()) {
        body = in.readAllBytes();
      }
      boolean head = ex.getRequestMethod().equals("HEAD");
      inFlight.decrementAndGet();
      counted = false;
      ex.sendResponseHeaders(r.statusCode(), head || body.length == 0 ? -1 : body.length);
      if (!head && body.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (counted) {
        inFlight.decrementAndGet();
      }
    }
  }

  static Fault fault(int status, String... headerPairs) {
    java.util.LinkedHashMap<String, String> h = new java.util.LinkedHashMap<>();
    for (int i = 0; i + 1 < headerPairs.length; i += 2) {
      h.put(headerPairs[i], headerPairs[i + 1]);
    }
    return new Fault(status, h);
  }

  @Override
  public void close() {
    server.stop(0);
    client.close();
  }

  static final List<String> NONE = List.of();
}
