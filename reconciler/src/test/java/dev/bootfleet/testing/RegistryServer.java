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
 * <p>{@link #start()} serves plain HTTP without authentication. {@link #builder()} adds TLS with a
 * certificate from a {@link TestCa}, and authentication: htpasswd (HTTP Basic, bcrypt entries made by
 * the test) or bearer tokens from a {@link TokenServer}.
 */
public final class RegistryServer implements AutoCloseable {
  /** Where Debian installs the registry; {@code BOOTFLEET_DOCKER_REGISTRY} may name another binary. */
  public static final String DEFAULT_BINARY = "/usr/bin/docker-registry";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final int START_ATTEMPTS = 3;

  private final Path dir;
  private final Process process;
  private final int port;
  private final Builder options;

  private RegistryServer(Path dir, Process process, int port, Builder options) {
    this.dir = dir;
    this.process = process;
    this.port = port;
    this.options = options;
  }

  /** Starts a registry serving plain HTTP without authentication, and waits until {@code /v2/} answers. */
  public static RegistryServer start() throws IOException {
    return builder().start();
  }

  /** A registry with TLS and/or authentication. */
  public static Builder builder() {
    return new Builder();
  }

  /** Options for {@link #builder()}. */
  public static final class Builder {
    private TestCa ca;
    private String user;
    private String password;
    private TokenServer tokens;

    private Builder() {}

    /** Serve HTTPS with a certificate for 127.0.0.1 signed by {@code ca}. */
    public Builder tls(TestCa ca) {
      this.ca = ca;
      return this;
    }

    /** Require HTTP Basic authentication (htpasswd with a bcrypt entry) for one user. */
    public Builder htpasswd(String user, String password) {
      this.user = user;
      this.password = password;
      return this;
    }

    /** Require bearer tokens issued by {@code tokens} (the distribution token flow). */
    public Builder tokenAuth(TokenServer tokens) {
      this.tokens = tokens;
      return this;
    }

    public RegistryServer start() throws IOException {
      if (user != null && tokens != null) {
        throw new IllegalArgumentException("htpasswd and token auth do not go together");
      }
      return RegistryServer.launch(this);
    }
  }

  private static RegistryServer launch(Builder options) throws IOException {
    Path binary = binary();
    Path dir = Files.createTempDirectory("bootfleet-registry-");
    try {
      Files.createDirectories(dir.resolve("storage"));
      if (options.user != null) {
        Files.writeString(dir.resolve("htpasswd"), Htpasswd.line(options.user, options.password) + "\n");
      }
      TestCa.Issued cert = options.ca == null ? null : options.ca.issueServer("registry");
      IOException last = null;
      // A free port can be taken between our probe and the registry's bind: try a few ports.
      for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
        int port = freePort();
        Path config = dir.resolve("config.yml");
        Files.writeString(config, config(dir, port, options, cert));
        Path log = dir.resolve("registry.log");
        Process p = new ProcessBuilder(binary.toString(), "serve", config.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        RegistryServer server = new RegistryServer(dir, p, port, options);
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

  /** {@code http://127.0.0.1:PORT} (or https): where the registry's API ({@code /v2/}) is served. */
  public URI baseUri() {
    return URI.create((isTls() ? "https://" : "http://") + host());
  }

  public boolean isTls() {
    return options.ca != null;
  }

  /** The CA whose certificate the registry serves, or null for plain HTTP. */
  public TestCa ca() {
    return options.ca;
  }

  /** The user the registry accepts (htpasswd or token server), or null without authentication. */
  public String username() {
    return options.tokens != null ? options.tokens.username() : options.user;
  }

  public String password() {
    return options.tokens != null ? options.tokens.password() : options.password;
  }

  /**
   * The {@code Authorization} header value that lets the test itself push and pull in
   * {@code repository} (Basic, or a bearer token from the token server), or null without
   * authentication.
   */
  public String authorization(String repository) {
    if (options.tokens != null) {
      return "Bearer " + options.tokens.issue(options.tokens.username(), repository, java.util.List.of("pull", "push"));
    }
    if (options.user != null) {
      return "Basic " + java.util.Base64.getEncoder().encodeToString(
          (options.user + ":" + options.password).getBytes(StandardCharsets.UTF_8));
    }
    return null;
  }

  /** An HTTP client for the test's own requests: trusts the registry's CA when it has one. */
  public HttpClient httpClient() {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (isTls()) {
      b.sslContext(options.ca.clientContext());
    }
    return b.build();
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
    HttpClient client = httpClient();
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

  private static String config(Path dir, int port, Builder options, TestCa.Issued cert) {
    StringBuilder extra = new StringBuilder();
    if (cert != null) {
      extra.append("  tls:\n")
          .append("    certificate: ").append(cert.certFile()).append('\n')
          .append("    key: ").append(cert.keyFile()).append('\n');
    }
    if (options.user != null) {
      extra.append("auth:\n  htpasswd:\n    realm: bootfleet-test\n    path: ").append(dir.resolve("htpasswd"))
          .append('\n');
    }
    if (options.tokens != null) {
      extra.append("auth:\n  token:\n")
          .append("    realm: ").append(options.tokens.realm()).append('\n')
          .append("    service: ").append(TokenServer.SERVICE).append('\n')
          .append("    issuer: ").append(TokenServer.ISSUER).append('\n')
          .append("    rootcertbundle: ").append(options.tokens.rootCertBundle()).append('\n');
    }
    return plainConfig(dir.resolve("storage"), port) + extra;
  }

  private static String plainConfig(Path storage, int port) {
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

  /** A free port on loopback (the harnesses of this package start their servers on one). */
  static int freePort() throws IOException {
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
