package dev.bootfleet.adapters.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How bootfleet talks to registries.
 *
 * @param plainHttp registries ({@code host[:port]}) spoken to over plain HTTP; every other one over
 *     HTTPS. Nothing falls back from HTTPS to HTTP on its own.
 * @param caFiles PEM files of extra certificate authorities trusted for every registry, on top of the
 *     JDK's; {@code /etc/containers/certs.d/<host[:port]>/*.crt} and {@code /etc/docker/certs.d/...}
 *     are added per registry when present (see {@link #certsDirs})
 * @param certsDirs the certs.d folders searched per registry, in order
 * @param authFile an explicit auth file ({@code --auth-file}, else {@code REGISTRY_AUTH_FILE}), or null
 * @param env the environment (HOME, XDG_RUNTIME_DIR, XDG_CONFIG_HOME, DOCKER_CONFIG, REGISTRY_AUTH_FILE)
 * @param timeout per request: to connect, and to receive the whole answer (a redirect starts no new clock)
 * @param deadline for every request of one {@link HttpImageRegistry} together, retries and their waits
 *     included: past it, nothing more is sent and every lookup still running fails
 * @param concurrency at most this many requests in flight at once, over all registries
 * @param attempts tries per request for 429, 5xx and connection failures (1 = no retry)
 * @param backoff the first wait between tries; doubles each time, unless the registry's Retry-After
 *     asks for another
 * @param maxWait the longest wait between tries (a longer Retry-After gives up instead)
 * @param tagTtl how long a tag's answer is reused by later lookups of the same tag
 */
public record RegistrySettings(Set<String> plainHttp, List<Path> caFiles, List<Path> certsDirs, Path authFile,
    Map<String, String> env, Duration timeout, Duration deadline, int concurrency, int attempts, Duration backoff,
    Duration maxWait, Duration tagTtl) {
  public static final List<Path> DEFAULT_CERTS_DIRS =
      List.of(Path.of("/etc/containers/certs.d"), Path.of("/etc/docker/certs.d"));

  public RegistrySettings {
    plainHttp = Set.copyOf(plainHttp);
    caFiles = List.copyOf(caFiles);
    certsDirs = List.copyOf(certsDirs);
    env = Map.copyOf(env);
    if (concurrency < 1 || attempts < 1) {
      throw new IllegalArgumentException("concurrency and attempts must be at least 1");
    }
    if (!timeout.isPositive() || !deadline.isPositive()) {
      throw new IllegalArgumentException("timeout and deadline must be positive");
    }
  }

  /**
   * The defaults: HTTPS everywhere, 30 s per request, 300 s for all of them, 16 requests at once, 4 tries,
   * tags reused for 60 s.
   */
  public static RegistrySettings defaults(Map<String, String> env) {
    return new RegistrySettings(Set.of(), List.of(), DEFAULT_CERTS_DIRS, null, env, Duration.ofSeconds(30),
        Duration.ofSeconds(300), 16, 4, Duration.ofMillis(250), Duration.ofSeconds(60), Duration.ofSeconds(60));
  }

  public RegistrySettings withPlainHttp(Set<String> registries) {
    return new RegistrySettings(registries, caFiles, certsDirs, authFile, env, timeout, deadline, concurrency,
        attempts, backoff, maxWait, tagTtl);
  }

  public RegistrySettings withCaFiles(List<Path> files) {
    return new RegistrySettings(plainHttp, files, certsDirs, authFile, env, timeout, deadline, concurrency, attempts,
        backoff, maxWait, tagTtl);
  }

  public RegistrySettings withCertsDirs(List<Path> dirs) {
    return new RegistrySettings(plainHttp, caFiles, dirs, authFile, env, timeout, deadline, concurrency, attempts,
        backoff, maxWait, tagTtl);
  }

  public RegistrySettings withAuthFile(Path file) {
    return new RegistrySettings(plainHttp, caFiles, certsDirs, file, env, timeout, deadline, concurrency, attempts,
        backoff, maxWait, tagTtl);
  }

  public RegistrySettings withTimeout(Duration t) {
    return new RegistrySettings(plainHttp, caFiles, certsDirs, authFile, env, t, deadline, concurrency, attempts,
        backoff, maxWait, tagTtl);
  }

  public RegistrySettings withDeadline(Duration d) {
    return new RegistrySettings(plainHttp, caFiles, certsDirs, authFile, env, timeout, d, concurrency, attempts,
        backoff, maxWait, tagTtl);
  }

  public RegistrySettings withConcurrency(int n) {
    return new RegistrySettings(plainHttp, caFiles, certsDirs, authFile, env, timeout, deadline, n, attempts, backoff,
        maxWait, tagTtl);
  }

  public RegistrySettings withRetries(int tries, Duration firstWait, Duration longestWait) {
    return new RegistrySettings(plainHttp, caFiles, certsDirs, authFile, env, timeout, deadline, concurrency, tries,
        firstWait, longestWait, tagTtl);
  }

  public RegistrySettings withTagTtl(Duration ttl) {
    return new RegistrySettings(plainHttp, caFiles, certsDirs, authFile, env, timeout, deadline, concurrency,
        attempts, backoff, maxWait, ttl);
  }

  /** Whether {@code registry} is spoken to over plain HTTP. */
  public boolean isPlainHttp(String registry) {
    return plainHttp.contains(registry);
  }
}
