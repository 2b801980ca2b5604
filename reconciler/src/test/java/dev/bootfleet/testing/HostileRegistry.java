package dev.bootfleet.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A registry imitation on loopback that misbehaves on cue, as a hostile or broken registry would: an
 * endless body, a {@code Content-Length} it never sends, a body trickled byte by byte, a challenge whose
 * realm is elsewhere, a redirect, an error body of the test's choosing, any status with any headers.
 * The real registry ({@link RegistryServer}) cannot be made to do any of this.
 *
 * <p>It answers on {@code 127.0.0.1} and on {@code localhost} alike; the two names are two hosts to the
 * client, which is how a test points a realm or a redirect at "another host" without a second server.
 * Every request is recorded ({@link #seen()}), and a body the client stops reading is counted: {@link
 * #bodyEnd(Duration)} gives the bytes written when the writing ended, by the client dropping the
 * connection or by the imitation reaching its own bound ({@link #MAX_BODY}).
 */
public final class HostileRegistry implements AutoCloseable {
  /** An "endless" body stops here, so that a client that reads to the end still ends. */
  public static final long MAX_BODY = 128L << 20;

  /** What the imitation answers to one request. */
  @FunctionalInterface
  public interface Answer {
    void answer(HttpExchange x, HostileRegistry self) throws IOException;
  }

  /** A request as it arrived. */
  public record Seen(String method, String host, String path, String authorization) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Long> bodyEnd = new CompletableFuture<>();

  private HostileRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  public static HostileRegistry start() throws IOException {
    return new HostileRegistry();
  }

  /** {@code 127.0.0.1:PORT}. */
  public String host() {
    return "127.0.0.1:" + port();
  }

  /** {@code localhost:PORT}: the same server under another host name. */
  public String otherHost() {
    return "localhost:" + port();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Answers requests whose path starts with {@code pathPrefix} (the longest prefix wins); else 404. */
  public HostileRegistry on(String pathPrefix, Answer answer) {
    answers.put(pathPrefix, answer);
    return this;
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** The bytes of body written when the writing ended, waiting for that at most {@code bound}. */
  public long bodyEnd(Duration bound) throws Exception {
    return bodyEnd.get(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    threads.shutdownNow(); // first: a trickle still sleeping would hold stop() until it ends
    server.stop(0);
  }

  private void handle(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getRawPath();
    seen.add(new Seen(x.getRequestMethod(), x.getRequestHeaders().getFirst("Host"), path,
        x.getRequestHeaders().getFirst("Authorization")));
    try (x) {
      x.getRequestBody().readAllBytes();
      Answer a = answers.entrySet().stream().filter(e -> path.startsWith(e.getKey()))
          .max(Map.Entry.comparingByKey((p, q) -> Integer.compare(p.length(), q.length())))
          .map(Map.Entry::getValue).orElse(null);
      if (a == null) {
        status(404).answer(x, this);
      } else {
        a.answer(x, this);
      }
    }
  }

  // --- answers

  /** {@code status} with these headers (name, value, name, value...) and an empty body. */
  public static Answer status(int status, String... headers) {
    return (x, self) -> {
      for (int i = 0; i + 1 < headers.length; i += 2) {
        x.getResponseHeaders().add(headers[i], headers[i + 1]);
      }
      x.sendResponseHeaders(status, -1);
    };
  }

  /** {@code status} with a JSON body. */
  public static Answer json(int status, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return (x, self) -> {
      x.getResponseHeaders().add("Content-Type", "application/json");
      x.sendResponseHeaders(status, bytes.length);
      x.getResponseBody().write(bytes);
    };
  }

  /** A 200 OCI manifest whose body never ends (chunked, up to {@link #MAX_BODY}). */
  public static Answer endlessBody() {
    return (x, self) -> {
      x.getResponseHeaders().add("Content-Type", "application/vnd.oci.image.manifest.v1+json");
      x.sendResponseHeaders(200, 0);
      self.pour(x.getResponseBody());
    };
  }

  /** A 200 OCI manifest that claims {@code length} bytes and sends until the client drops it. */
  public static Answer claimedLength(long length) {
    return (x, self) -> {
      x.getResponseHeaders().add("Content-Type", "application/vnd.oci.image.manifest.v1+json");
      x.sendResponseHeaders(200, length);
      self.pour(x.getResponseBody());
    };
  }

  /** A 200 answer whose body comes one byte every {@code every}. */
  public static Answer trickle(String body, Duration every) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return (x, self) -> {
      x.getResponseHeaders().add("Content-Type", "application/vnd.oci.image.manifest.v1+json");
      x.sendResponseHeaders(200, bytes.length);
      OutputStream out = x.getResponseBody();
      for (byte b : bytes) {
        out.write(b);
        out.flush();
        try {
          Thread.sleep(every.toMillis()); // the imitation's pace, not a wait for the client
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    };
  }

  private void pour(OutputStream out) {
    byte[] block = new byte[64 * 1024];
    Arrays.fill(block, (byte) ' ');
    long written = 0;
    try {
      while (written < MAX_BODY) {
        out.write(block);
        written += block.length;
      }
      out.flush();
    } catch (IOException dropped) {
      // the client closed the connection: what it was sent until then is the count
    } finally {
      bodyEnd.complete(written);
    }
  }
}
