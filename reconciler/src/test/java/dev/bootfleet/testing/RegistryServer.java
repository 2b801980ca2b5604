package dev.bootfleet.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real container registry for tests: Debian's {@code docker-registry} (CNCF distribution 2.8) run as a
 * plain process on a free loopback port, with its own config file and storage folder in a temporary
 * folder. {@link #close()} stops the process and deletes the folder.
 *
 * <pre>{@code
 * try (RegistryServer registry = RegistryServer.start()) {
 *   String ref = registry.host() + "/fleet/web-os:42";   // 127.0.0.1:PORT/fleet/web-os:42
 * }
 * }</pre>
 *
 * <p>This first form serves plain HTTP without authentication.
 */
public final class RegistryServer implements AutoCloseable {
  /** Where Debian installs the registry; {@code BOOTFLEET_DOCKER_REGISTRY} may name another binary. */
  public static final String DEFAULT_BINARY = "/usr/bin/docker-registry";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final int START_ATTEMPTS = 3;

  private final Path dir;
  private final Process process;
  private final int port;

  private RegistryServer(Path dir, Process process, int port) {
    this.dir = dir;
    this.process = process;
    this.port = port;
  }

  /** Starts a registry serving plain HTTP without authentication, and waits until {@code /v2/} answers. */
  public static RegistryServer start() throws IOException {
    Path binary = binary();
    Path dir = Files.createTempDirectory("bootfleet-registry-");
    try {
      Files.createDirectories(dir.resolve("storage"));
      IOException last = null;
      // A free port can be taken between our probe and the registry's bind: try a few ports.
      for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
        int port = freePort();
        Path config = dir.resolve("config.yml");
        Files.writeString(config, config(dir.resolve("storage"), port));
        Path log = dir.resolve("registry.log");
        Process p = new ProcessBuilder(binary.toString(), "serve", config.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        RegistryServer server = new RegistryServer(dir, p, port);
        try {
          server.awaitReady(log);
          return server;
        } catch (IOException e) {
          server.stopProcess();
          last = e;
        }
      }
      throw last;
    } catch (IOException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /** {@code 127.0.0.1:PORT}: the registry part of an image reference. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:PORT}: where the registry's API ({@code /v2/}) is served. */
  public URI baseUri() {
    return URI.create("http://" + host());
  }

  /** The temporary folder holding config, storage and log; deleted by {@link #close()}. */
  public Path workDir() {
    return dir;
  }

  /** The registry's own log so far (for a failing test's message). */
  public String log() {
    try {
      return Files.readString(dir.resolve("registry.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  @Override
  public void close() {
    stopProcess();
    deleteTree(dir);
  }

  private void stopProcess() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady(Path log) throws IOException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ping = HttpRequest.newBuilder(baseUri().resolve("/v2/"))
        .timeout(Duration.ofSeconds(2))
        .GET()
        .build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("docker-registry exited with code " + process.exitValue()
            + " before serving " + host() + ": " + tail(log));
      }
      try {
        HttpResponse<Void> r = client.send(ping, HttpResponse.BodyHandlers.discarding());
        // 200 without auth, 401 with: either way the API answers.
        if (r.statusCode() == 200 || r.statusCode() == 401) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for docker-registry", e);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for docker-registry", e);
      }
    }
    throw new IOException("docker-registry did not answer on " + baseUri() + "/v2/ within "
        + START_TIMEOUT.toSeconds() + " s: " + tail(log));
  }

  private static String config(Path storage, int port) {
    return String.join("\n",
        "version: 0.1",
        "log:",
        "  level: error",
        "  accesslog:",
        "    disabled: true",
        "storage:",
        "  filesystem:",
        "    rootdirectory: " + storage,
        "  delete:",
        "    enabled: true",
        "http:",
        "  addr: 127.0.0.1:" + port,
        "");
  }

  /** The registry binary, or an error naming the Debian package that provides it. */
  static Path binary() {
    String override = System.getenv("BOOTFLEET_DOCKER_REGISTRY");
    Path p = Path.of(override != null && !override.isBlank() ? override : DEFAULT_BINARY);
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException("the tests need a container registry, but " + p
          + " is missing: install the Debian package docker-registry (apt-get install docker-registry)");
    }
    return p;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
      List<String> last = new ArrayList<>(lines.subList(Math.max(0, lines.size() - 10), lines.size()));
      return last.isEmpty() ? "(empty log)" : String.join(" | ", last);
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
