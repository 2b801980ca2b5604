package dev.bootfleet.adapters.registry;

import dev.bootfleet.core.image.Digest;
import dev.bootfleet.core.image.ImageLock;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.port.ImageRegistry;
import dev.bootfleet.core.port.ImageRegistry.RegistryException.Kind;
import dev.bootfleet.core.text.Quote;
import dev.bootfleet.core.text.Text;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocketFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link ImageRegistry} over the distribution HTTP API (OCI distribution spec), with the JDK's
 * {@link HttpURLConnection}. jib-core has no public call to resolve a tag (its {@code RegistryClient} is
 * internal), so lookups are plain HTTP here and jib-core is used where it has the call: building and
 * pushing ({@link JibBaker}). {@code java.net.http.HttpClient} was measured slower for a one-shot CLI: it
 * took 150-260 ms to start and about twice the time per request in a cold JVM (ADR 0005).
 *
 * <ul>
 *   <li>Authentication: anonymous first; on a {@code 401} the registry's challenge decides: Basic with
 *       the credentials {@link Credentials} finds, or the bearer-token flow (token from the realm, with
 *       those credentials if any, for the scope {@code repository:<path>:pull}), tokens reused until
 *       they expire.
 *   <li>HTTPS with the JDK's CAs plus {@code --registry-ca} and {@code certs.d}; plain HTTP only for
 *       the registries listed in {@link RegistrySettings#plainHttp()}.
 *   <li>At most {@link RegistrySettings#concurrency()} requests in flight; {@code 429}, {@code 5xx} and
 *       connection failures are retried with doubling waits, honouring {@code Retry-After}.
 *   <li>A tag's answer is reused for {@link RegistrySettings#tagTtl()}; concurrent lookups of one tag
 *       share one request.
 * </ul>
 */
public final class HttpImageRegistry implements ImageRegistry, AutoCloseable {
  /** What the client sends in {@code Accept}: every manifest type bootc can pull. */
  public static final List<String> MANIFEST_TYPES = List.of(ImageLock.OCI_INDEX,
      "application/vnd.oci.image.manifest.v1+json", ImageLock.DOCKER_LIST,
      "application/vnd.docker.distribution.manifest.v2+json");
  /** The distribution spec's limit on a manifest's size. */
  static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
  private static final int MAX_TOKEN_BYTES = 1024 * 1024;
  /** Built on first use: a lookup that needs no JSON (a HEAD) does not pay for Jackson's start-up. */
  private static final class Json {
    static final JsonMapper MAPPER = JsonMapper.builder().build();
  }

  /** Waits between retries; tests pass one that records instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final RegistrySettings settings;
  private final Credentials credentials;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Semaphore permits;
  private final String userAgent;
  private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
  private final Map<String, Cached> tags = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Manifest>> inflight = new ConcurrentHashMap<>();
  private final ExecutorService pool;
  /** {@link System#nanoTime()} past which nothing more is sent: {@link RegistrySettings#deadline()} from now. */
  private final long deadline;
  /** Cuts a request off at its deadline when it is stuck in the JDK (connecting, or reading headers). */
  private final ScheduledExecutorService watchdog;

  private record Cached(Manifest manifest, Instant expires) {}

  public HttpImageRegistry(RegistrySettings settings) {
    this(settings, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
  }

  public HttpImageRegistry(RegistrySettings settings, Clock clock, Sleeper sleeper) {
    this.settings = settings;
    this.credentials = new Credentials(settings);
    this.clock = clock;
    this.sleeper = sleeper;
    this.permits = new Semaphore(settings.concurrency());
    this.pool = Executors.newFixedThreadPool(settings.concurrency(), r -> {
      Thread t = new Thread(r, "bootfleet-registry");
      t.setDaemon(true);
      return t;
    });
    this.deadline = System.nanoTime() + settings.deadline().toNanos();
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bootfleet-registry-watchdog");
      t.setDaemon(true);
      return t;
    });
    // The JDK keeps at most http.maxConnections idle connections per server (default 5); as many as
    // may be in flight avoids reconnecting. Read once, at the first connection; a user's value wins.
    if (System.getProperty("http.maxConnections") == null) {
      System.setProperty("http.maxConnections", Integer.toString(Math.max(5, settings.concurrency())));
    }
    String v = HttpImageRegistry.class.getPackage().getImplementationVersion();
    this.userAgent = "bootfleet/" + (v == null ? "dev" : v);
  }

  // --- the port

  @Override
  public Manifest resolveTag(ImageRef ref) throws RegistryException {
    if (ref.tag() == null) {
      throw new IllegalArgumentException(ref + " has no tag");
    }
    String key = ref.repository() + ":" + ref.tag();
    Cached hit = tags.get(key);
    if (hit != null && clock.instant().isBefore(hit.expires())) {
      return as(hit.manifest(), ref);
    }
    CompletableFuture<Manifest> mine = new CompletableFuture<>();
    CompletableFuture<Manifest> running = inflight.putIfAbsent(key, mine);
    if (running != null) {
      return as(await(running), ref);
    }
    try {
      Manifest m = head(ref);
      tags.put(key, new Cached(m, clock.instant().plus(settings.tagTtl())));
      mine.complete(m);
      return m;
    } catch (RegistryException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inflight.remove(key, mine);
    }
  }

  @Override
  public Manifest fetchDigest(ImageRef ref) throws RegistryException {
    if (ref.digest() == null) {
      throw new IllegalArgumentException(ref + " has no digest");
    }
    Manifest m = get(ref, ref.digest().toString());
    if (!m.digest().equals(ref.digest())) {
      throw new RegistryException(Kind.PROTOCOL, ref.registry() + " served a manifest for " + ref.digest()
          + " whose bytes hash to " + m.digest());
    }
    return m;
  }

  @Override
  public boolean exists(ImageRef ref) throws RegistryException {
    if (ref.digest() == null) {
      throw new IllegalArgumentException(ref + " has no digest");
    }
    Endpoint e = endpoint(ref.registry());
    Answer r = send(e, "HEAD", manifestPath(ref, ref.digest().toString()), ref);
    if (r.status() == 200) {
      return true;
    }
    if (r.status() == 404) {
      return false;
    }
    throw failure(e, ref, ref.digest().toString(), r);
  }

  /** Looks up every reference with up to {@link RegistrySettings#concurrency()} requests at once. */
  @Override
  public List<Outcome> lookUpAll(List<ImageRef> refs) {
    if (refs.size() <= 1) {
      return ImageRegistry.super.lookUpAll(refs);
    }
    try {
      List<Future<Outcome>> futures = new ArrayList<>(refs.size());
      for (ImageRef r : refs) {
        futures.add(pool.submit(() -> {
          try {
            return new Outcome(r, r.tag() != null ? resolveTag(r) : fetchDigest(r), null);
          } catch (RegistryException e) {
            return new Outcome(r, null, e);
          }
        }));
      }
      List<Outcome> out = new ArrayList<>(refs.size());
      for (Future<Outcome> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while looking up images", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
    watchdog.shutdownNow();
    endpoints.clear();
  }

  // --- manifests

  private static Manifest as(Manifest m, ImageRef ref) {
    return m.ref().equals(ref) ? m : new Manifest(ref, m.digest(), m.mediaType(), m.children());
  }

  private static Manifest await(CompletableFuture<Manifest> f) throws RegistryException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(Kind.UNREACHABLE, "interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RegistryException r) {
        throw r;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * A tag's manifest from a HEAD request: the digest and type the registry states, as {@code crane
   * digest} does. What bootc later pulls by that digest is checked against it, so a wrong answer can
   * only fail a pull, never change what runs. An index is then read by its digest (for its children);
   * anything unusual (no digest header, an error) falls back to a GET, which says why.
   */
  private Manifest head(ImageRef ref) throws RegistryException {
    Endpoint e = endpoint(ref.registry());
    Answer r = send(e, "HEAD", manifestPath(ref, ref.tag()), ref);
    Optional<String> said = r.header("Docker-Content-Digest").filter(d -> d.startsWith("sha256:"));
    String type = r.header("Content-Type").map(t -> t.split(";")[0].strip()).orElse("");
    if (r.status() != 200 && r.status() != 404) {
      throw failure(e, ref, ref.tag(), r); // retried already; a GET would only ask again
    }
    if (r.status() == 404 || said.isEmpty() || !MANIFEST_TYPES.contains(type)) {
      return get(ref, ref.tag()); // the GET's body says which of tag and repository is unknown
    }
    Digest digest;
    try {
      digest = Digest.parse(said.get());
    } catch (IllegalArgumentException ex) {
      return get(ref, ref.tag());
    }
    if (type.equals(ImageLock.OCI_INDEX) || type.equals(ImageLock.DOCKER_LIST)) {
      Manifest m = get(ref, digest.toString());
      if (!m.digest().equals(digest)) {
        throw new RegistryException(Kind.PROTOCOL, ref.registry() + " named " + digest + " for the tag but served"
            + " an index whose bytes hash to " + m.digest());
      }
      return m;
    }
    return new Manifest(ref, digest, type, List.of());
  }

  private Manifest get(ImageRef ref, String reference) throws RegistryException {
    Endpoint e = endpoint(ref.registry());
    Answer r = send(e, "GET", manifestPath(ref, reference), ref);
    if (r.status() == 404 && !"NAME_UNKNOWN".equals(errorCode(r.body())) && !repositoryExists(e, ref)) {
      throw new RegistryException(Kind.NAME_UNKNOWN, "repository " + ref.repository() + " does not exist");
    }
    if (r.status() != 200) {
      throw failure(e, ref, reference, r);
    }
    if (r.cut()) {
      throw new RegistryException(Kind.PROTOCOL, ref.registry() + " served a manifest larger than 4 MiB");
    }
    byte[] body = r.body();
    Digest digest = Digest.parse(sha256(body));
    Optional<String> said = r.header("Docker-Content-Digest");
    if (said.isPresent() && said.get().startsWith("sha256:") && !said.get().equals(digest.toString())) {
      throw new RegistryException(Kind.PROTOCOL, ref.registry() + " says the manifest is " + oneLine(said.get())
          + " but its bytes hash to " + digest);
    }
    JsonNode doc;
    try {
      doc = Json.MAPPER.readTree(body);
    } catch (JacksonException ex) {
      throw new RegistryException(Kind.PROTOCOL, ref.registry() + " served a manifest that is not JSON");
    }
    String type = r.header("Content-Type").map(t -> t.split(";")[0].strip()).orElse("");
    if (!MANIFEST_TYPES.contains(type)) {
      String inBody = doc.path("mediaType").asString("");
      type = MANIFEST_TYPES.contains(inBody) ? inBody
          : doc.has("manifests") ? ImageLock.OCI_INDEX
          : doc.has("layers") && doc.path("schemaVersion").asInt(0) == 2 ? "application/vnd.oci.image.manifest.v1+json"
          : null;
      if (type == null) {
        throw new RegistryException(Kind.PROTOCOL, ref.registry() + " served a manifest of an unsupported type "
            + (doc.path("schemaVersion").asInt(0) == 1 ? "(Docker schema 1; push the image again with a current tool)"
                : "(" + r.header("Content-Type").map(HttpImageRegistry::oneLine).orElse("no Content-Type") + ")"));
      }
    }
    List<ImageLock.Child> children = new ArrayList<>();
    if (type.equals(ImageLock.OCI_INDEX) || type.equals(ImageLock.DOCKER_LIST)) {
      for (JsonNode m : doc.path("manifests")) {
        String d = m.path("digest").asString("");
        Digest child;
        try {
          child = Digest.parse(d);
        } catch (IllegalArgumentException ex) {
          throw new RegistryException(Kind.PROTOCOL, ref.registry() + " served an index with a child digest "
              + "bootfleet cannot use: " + ex.getMessage());
        }
        children.add(new ImageLock.Child(child, platform(m.path("platform"))));
      }
    }
    return new Manifest(ref, digest, type, children);
  }

  /** {@code os/architecture[/variant]}, lower case; {@code unknown/unknown} when the index gives none. */
  static String platform(JsonNode p) {
    String os = clean(p.path("os").asString(""));
    String arch = clean(p.path("architecture").asString(""));
    String variant = clean(p.path("variant").asString(""));
    String s = (os.isEmpty() ? "unknown" : os) + "/" + (arch.isEmpty() ? "unknown" : arch);
    return variant.isEmpty() ? s : s + "/" + variant;
  }

  private static String clean(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]", "_");
  }

  /**
   * Whether the repository exists, when a manifest was not found: many registries (distribution
   * included) answer MANIFEST_UNKNOWN for a repository they do not have; its tag list tells them apart.
   * True when unsure, so that the message stays about the tag.
   */
  private boolean repositoryExists(Endpoint e, ImageRef ref) {
    try {
      Answer r = send(e, "GET", "/v2/" + apiPath(ref) + "/tags/list?n=1", ref);
      return !(r.status() == 404 && "NAME_UNKNOWN".equals(errorCode(r.body())));
    } catch (RegistryException ex) {
      return true;
    }
  }

  private static String manifestPath(ImageRef ref, String reference) {
    return "/v2/" + apiPath(ref) + "/manifests/" + reference;
  }

  /** Docker Hub keeps official images under {@code library/}. */
  private static String apiPath(ImageRef ref) {
    return ref.registry().equals("docker.io") && !ref.path().contains("/") ? "library/" + ref.path() : ref.path();
  }

  private static String scope(ImageRef ref) {
    return "repository:" + apiPath(ref) + ":pull";
  }

  private RegistryException failure(Endpoint e, ImageRef ref, String reference, Answer r) {
    int status = r.status();
    String code = errorCode(r.body());
    boolean isDigest = reference.startsWith("sha256:");
    String what = isDigest ? "digest " + reference : "tag \"" + reference + "\"";
    String tries = r.tries() > 1 ? " (after " + r.tries() + " tries)" : "";
    return switch (status) {
      case 404 -> "NAME_UNKNOWN".equals(code)
          ? new RegistryException(Kind.NAME_UNKNOWN, "repository " + ref.repository() + " does not exist")
          : new RegistryException(Kind.MANIFEST_UNKNOWN, what + " does not exist in " + ref.repository());
      case 401 -> new RegistryException(Kind.UNAUTHORIZED, unauthorized(e, ref));
      case 403 -> new RegistryException(Kind.DENIED, e.registry + " denied access to " + ref.repository()
          + (e.credential(ref).map(c -> " for " + c.username() + " (" + c.source() + ")").orElse(" (anonymous)"))
          + ": HTTP 403");
      case 429 -> new RegistryException(Kind.UNREACHABLE, e.registry + " kept answering HTTP 429 Too Many Requests"
          + tries);
      case 500, 502, 503, 504 -> new RegistryException(Kind.UNREACHABLE, e.registry + " answered HTTP " + status
          + tries);
      default -> new RegistryException(Kind.PROTOCOL, e.registry + " answered HTTP " + status + " for " + what
          + (code == null ? "" : " (" + Quote.of(code.length() > 100 ? code.substring(0, 100) + "…" : code) + ")"));
    };
  }

  private String unauthorized(Endpoint e, ImageRef ref) {
    Optional<Credentials.Credential> c = e.credential(ref);
    if (c.isPresent()) {
      return e.registry + " refused the credentials of " + c.get().username() + " from " + c.get().source()
          + " for " + ref.repository() + " (HTTP 401)";
    }
    if (e.credentialProblem != null) {
      return e.registry + " needs credentials (HTTP 401), and reading them failed: " + e.credentialProblem;
    }
    return e.registry + " needs credentials (HTTP 401); none found for it in "
        + String.join(", ", credentials.searchPath().stream().map(Object::toString).toList())
        + " (log in with podman login / docker login, or set REGISTRY_AUTH_FILE)";
  }

  /** The first {@code errors[].code} of a distribution error body, or null. */
  private static String errorCode(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      JsonNode n = Json.MAPPER.readTree(body);
      String c = n.path("errors").path(0).path("code").asString("");
      return c.isEmpty() ? null : c;
    } catch (JacksonException e) {
      return null;
    }
  }

  // --- HTTP, authentication and retries

  /** One registry: its base address, its TLS trust, its credentials and tokens. */
  private final class Endpoint {
    final String registry;
    final URI base;
    final SSLSocketFactory tls;
    final Map<String, Token> tokens = new ConcurrentHashMap<>();
    final Map<String, Optional<Credentials.Credential>> credentials = new ConcurrentHashMap<>();
    volatile boolean basic;
    volatile String credentialProblem;

    /** @param tls null for plain HTTP */
    Endpoint(String registry, URI base, SSLSocketFactory tls) {
      this.registry = registry;
      this.base = base;
      this.tls = tls;
    }

    /**
     * The credential for a repository (auth files may hold one per namespace), looked up once; empty
     * (anonymous) when there is none or it cannot be read ({@link #credentialProblem} says why).
     */
    Optional<Credentials.Credential> credential(ImageRef ref) {
      return this.credentials.computeIfAbsent(ref.repository(), repository -> {
        try {
          return HttpImageRegistry.this.credentials.find(registry, repository);
        } catch (IOException ex) {
          credentialProblem = ex.getMessage();
          return Optional.empty();
        }
      });
    }
  }

  private record Token(String value, Instant expires) {}

  private Endpoint endpoint(String registry) throws RegistryException {
    Endpoint e = endpoints.get(registry);
    if (e != null) {
      return e;
    }
    synchronized (endpoints) {
      e = endpoints.get(registry);
      if (e == null) {
        boolean plain = settings.isPlainHttp(registry);
        String host = registry.equals("docker.io") ? "registry-1.docker.io" : registry;
        SSLSocketFactory tls = null;
        if (!plain) {
          try {
            tls = Trust.context(Trust.caFiles(settings, registry)).getSocketFactory();
          } catch (IOException ex) {
            throw new RegistryException(Kind.UNREACHABLE, ex.getMessage());
          }
        }
        e = new Endpoint(registry, URI.create((plain ? "http://" : "https://") + host), tls);
        endpoints.put(registry, e);
      }
      return e;
    }
  }

  /**
   * Sends a request to the registry, authenticating when challenged and retrying what is worth
   * retrying. Returns the last answer (any status); throws only when no answer came.
   */
  private Answer send(Endpoint e, String method, String path, ImageRef ref) throws RegistryException {
    String scope = scope(ref);
    boolean authenticated = false;
    int attempt = 0;
    while (true) {
      attempt++;
      checkDeadline(e);
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Accept", String.join(", ", MANIFEST_TYPES));
      authorization(e, ref, scope).ifPresent(a -> headers.put("Authorization", a));
      Answer r;
      try {
        r = exchange(e, new Req(method, e.base.resolve(path), headers, null), MAX_MANIFEST_BYTES, attempt);
      } catch (IOException ex) {
        checkDeadline(e);
        RegistryException failure = connectionFailure(e, ex, attempt);
        if (failure.kind() == Kind.UNREACHABLE && isRetriable(ex) && attempt < settings.attempts()) {
          pause(e, backoff(attempt));
          continue;
        }
        throw failure;
      }
      int status = r.status();
      if (status == 401 && !authenticated) {
        authenticated = true;
        if (authenticate(e, r, ref, scope)) {
          attempt--; // answering a challenge is not a retry
          continue;
        }
        return r;
      }
      if ((status == 429 || status >= 500 && status <= 599) && attempt < settings.attempts()) {
        Optional<Duration> wait = retryWait(r, attempt);
        if (wait.isEmpty()) {
          return r; // the registry asks for a longer wait than we accept: give up now
        }
        pause(e, wait.get());
        continue;
      }
      return r;
    }
  }

  /** A request: method, address, headers and an optional body. */
  private record Req(String method, URI uri, Map<String, String> headers, byte[] body) {}

  /**
   * An answer: status, headers (by lower-case name; asked for in any case), the body read into memory,
   * whether that body was cut at the limit (the rest never read), and the tries it took.
   */
  private record Answer(int status, Map<String, List<String>> headers, byte[] body, boolean cut, int tries) {
    Optional<String> header(String name) {
      List<String> v = all(name);
      return v.isEmpty() ? Optional.empty() : Optional.ofNullable(v.get(0));
    }

    List<String> all(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }
  }

  /**
   * One request, holding a permit while it is in flight. The body is read up to {@code limit} bytes: a
   * longer one (or one that says it is longer) is cut there and its connection dropped, so that a
   * registry cannot make us read without end.
   *
   * <p>Redirects are followed here, not by the JDK, and each address is held to the rules of the first:
   * https, or http only for a host listed under {@code --plain-http}; its own certs.d trust; the
   * {@code Authorization} header dropped on the way to another host. A request with a body (the token
   * service's POST) is not redirected: its body may hold a secret.
   */
  private Answer exchange(Endpoint e, Req req, int limit, int tries) throws IOException, RegistryException {
    try {
      if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw pastDeadline(e);
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    // The request's own deadline, which its redirects share; never past the one for all requests.
    long until = Math.min(System.nanoTime() + settings.timeout().toNanos(), deadline);
    try {
      Req current = req;
      SSLSocketFactory tls = e.tls;
      for (int redirects = 0; ; redirects++) {
        Answer a;
        try {
          a = hop(current, tls, limit, tries, until);
        } catch (IOException ex) {
          throw current == req ? ex : new Redirected(current.uri(), ex);
        }
        if (!REDIRECTS.contains(a.status()) || current.body() != null) {
          return a;
        }
        if (redirects == MAX_REDIRECTS) {
          throw new RegistryException(Kind.PROTOCOL, e.registry + " redirected more than " + MAX_REDIRECTS + " times");
        }
        Req next = redirect(e, current, a);
        tls = sameHostPort(next.uri(), e.base) ? e.tls : tls(e, next.uri());
        current = next;
      }
    } finally {
      permits.release();
    }
  }

  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
  private static final int MAX_REDIRECTS = 10;

  /** A connection failure at the address a redirect led to (the cause says what failed). */
  private static final class Redirected extends IOException {
    private static final long serialVersionUID = 1L;
    final transient URI at;

    Redirected(URI at, IOException cause) {
      super(cause.getMessage(), cause);
      this.at = at;
    }
  }

  /** The request a redirect asks for, if the rules allow it; see {@link #exchange}. */
  private Req redirect(Endpoint e, Req from, Answer a) throws RegistryException {
    String location = a.header("Location").map(String::strip).orElse("");
    URI to;
    try {
      to = from.uri().resolve(location);
    } catch (IllegalArgumentException ex) {
      to = null;
    }
    if (location.isEmpty() || to == null || to.getHost() == null
        || !"https".equals(to.getScheme()) && !"http".equals(to.getScheme())) {
      String shown = location.length() > 200 ? location.substring(0, 200) + "…" : location;
      throw new RegistryException(Kind.PROTOCOL, e.registry + " answered HTTP " + a.status() + " with a Location that"
          + " is not an http(s) URL: " + Quote.of(shown));
    }
    if (to.getScheme().equals("http") && !settings.isPlainHttp(hostPort(to))) {
      throw new RegistryException(Kind.PROTOCOL, e.registry + " redirected to http://" + hostPort(to) + ", which is"
          + " not on the plain-HTTP list (list it with --plain-http " + hostPort(to) + " to allow it)");
    }
    Map<String, String> headers = new LinkedHashMap<>(from.headers());
    if (!to.getHost().equalsIgnoreCase(from.uri().getHost())) {
      headers.remove("Authorization"); // a credential is for the host it was made for, as curl and docker do
    }
    String method = a.status() == 303 && !from.method().equals("HEAD") ? "GET" : from.method();
    return new Req(method, to, headers, null);
  }

  private static boolean sameHostPort(URI a, URI b) {
    return a.getScheme().equals(b.getScheme()) && hostPort(a).equalsIgnoreCase(hostPort(b));
  }

  /** The TLS trust for an address a redirect led to: that host's own, as for a registry; null for http. */
  private SSLSocketFactory tls(Endpoint e, URI to) throws RegistryException {
    if (!to.getScheme().equals("https")) {
      return null;
    }
    try {
      return Trust.context(Trust.caFiles(settings, hostPort(to))).getSocketFactory();
    } catch (IOException ex) {
      throw new RegistryException(Kind.UNREACHABLE, e.registry + " redirected to https://" + hostPort(to) + ": "
          + oneLine(ex.getMessage()));
    }
  }

  /**
   * One HTTP request and its answer, following no redirect; the body read as {@link #exchange} says. It
   * ends by {@code until} ({@link System#nanoTime()}): each wait of the JDK's is bounded by the time left,
   * the body is read in pieces with the clock checked before each, and {@link #watchdog} drops the
   * connection at {@code until} when the JDK is still waiting for the headers. A registry that trickles
   * its answer a byte at a time therefore cannot hold a request past it.
   */
  private Answer hop(Req req, SSLSocketFactory tls, int limit, int tries, long until) throws IOException {
    long left = until - System.nanoTime();
    if (left <= 0) {
      throw late();
    }
    HttpURLConnection c = (HttpURLConnection) req.uri().toURL().openConnection();
    if (c instanceof HttpsURLConnection https && tls != null) {
      https.setSSLSocketFactory(tls);
    }
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left)));
    c.setConnectTimeout(millis);
    c.setReadTimeout(millis);
    ScheduledFuture<?> alarm = watchdog.schedule(() -> Thread.startVirtualThread(c::disconnect), left,
        TimeUnit.NANOSECONDS);
    try {
      return answer(c, req, limit, tries, until);
    } catch (IOException | RuntimeException ex) {
      c.disconnect();
      boolean connecting = ex instanceof SocketTimeoutException
          && String.valueOf(ex.getMessage()).toLowerCase(Locale.ROOT).contains("connect");
      if (!connecting && (ex instanceof SocketTimeoutException || System.nanoTime() - until >= 0)) {
        throw late(); // a read that ran out of the time left, or whatever the JDK made of being cut off
      }
      throw ex;
    } finally {
      alarm.cancel(false);
    }
  }

  private Late late() {
    return new Late("no complete answer within " + seconds(settings.timeout()) + " (--registry-timeout)");
  }

  /** The request ran out of time. */
  private static final class Late extends IOException {
    private static final long serialVersionUID = 1L;

    Late(String message) {
      super(message);
    }
  }

  private Answer answer(HttpURLConnection c, Req req, int limit, int tries, long until) throws IOException {
    c.setInstanceFollowRedirects(false);
    c.setUseCaches(false);
    c.setRequestMethod(req.method());
    c.setRequestProperty("User-Agent", userAgent);
    req.headers().forEach(c::setRequestProperty);
    if (req.body() != null) {
      c.setDoOutput(true);
      c.setFixedLengthStreamingMode(req.body().length);
      try (var out = c.getOutputStream()) {
        out.write(req.body());
      }
    }
    int status = c.getResponseCode();
    Map<String, List<String>> headers = new HashMap<>();
    c.getHeaderFields().forEach((k, v) -> {
      if (k != null) {
        headers.merge(k.toLowerCase(Locale.ROOT), v, (a, b) -> {
          List<String> both = new ArrayList<>(a);
          both.addAll(b);
          return both;
        });
      }
    });
    byte[] body = new byte[0];
    boolean cut = false;
    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    if (in != null && !req.method().equals("HEAD")) { // a HEAD answer has no body
      cut = c.getContentLengthLong() > limit;
      if (!cut) {
        body = read(in, limit + 1, until);
        cut = body.length > limit;
      }
    }
    if (cut) {
      c.disconnect(); // the rest is never read: the connection goes with it
      body = new byte[0];
    } else if (in != null) {
      in.close(); // read to its end: the connection is reused
    }
    return new Answer(status, headers, body, cut, tries);
  }

  /** Up to {@code max} bytes of {@code in}, the clock checked before each read. */
  private static byte[] read(InputStream in, int max, long until) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[16 * 1024];
    while (out.size() < max) {
      if (System.nanoTime() - until >= 0) {
        throw new SocketTimeoutException("the request's deadline passed");
      }
      int n = in.read(buffer, 0, Math.min(buffer.length, max - out.size()));
      if (n < 0) {
        break;
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  private Optional<String> authorization(Endpoint e, ImageRef ref, String scope) {
    Token t = e.tokens.get(scope);
    if (t != null && clock.instant().isBefore(t.expires())) {
      return Optional.of("Bearer " + t.value());
    }
    if (e.basic) {
      return e.credential(ref).filter(c -> !c.identityToken()).map(HttpImageRegistry::basic);
    }
    return Optional.empty();
  }

  private static String basic(Credentials.Credential c) {
    return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.secret())
        .getBytes(StandardCharsets.UTF_8));
  }

  /** Answers a 401's challenge; false when there is nothing more to try. */
  private boolean authenticate(Endpoint e, Answer r, ImageRef ref, String scope) throws RegistryException {
    Optional<Challenge> challenge = r.all("WWW-Authenticate").stream()
        .map(Challenge::parse).flatMap(Optional::stream)
        .filter(c -> c.isBearer() || c.isBasic())
        .findFirst();
    if (challenge.isEmpty()) {
      return false;
    }
    if (challenge.get().isBasic()) {
      if (e.basic || e.credential(ref).filter(c -> !c.identityToken()).isEmpty()) {
        return false; // sent already, or nothing to send
      }
      e.basic = true;
      return true;
    }
    Challenge c = challenge.get();
    String realm = c.param("realm").orElse(null);
    if (realm == null) {
      throw new RegistryException(Kind.PROTOCOL, e.registry + " asked for a bearer token without a realm");
    }
    String tokenScope = c.param("scope").orElse(scope);
    e.tokens.put(scope, fetchToken(e, ref, realm, c.param("service").orElse(null), tokenScope));
    return true;
  }

  private Token fetchToken(Endpoint e, ImageRef ref, String realm, String service, String scope)
      throws RegistryException {
    URI realmUri;
    try {
      realmUri = URI.create(realm);
    } catch (IllegalArgumentException ex) {
      throw new RegistryException(Kind.PROTOCOL, e.registry + " gave a token realm that is not a URL");
    }
    if (realmUri.getHost() == null || !"https".equals(realmUri.getScheme()) && !"http".equals(realmUri.getScheme())) {
      throw new RegistryException(Kind.PROTOCOL, e.registry + " gave a token realm that is not an https URL");
    }
    Optional<Credentials.Credential> cred = e.credential(ref);
    if (realmUri.getScheme().equals("http")) {
      // Over plain HTTP, credentials go to the registry's own host (listed under --plain-http) and nowhere
      // else: a realm on another host would get them in clear. Without credentials, the realm is held
      // to the rule of every address: plain HTTP only when listed.
      String where = "(http://" + hostPort(realmUri) + ")";
      boolean ownHost = realmUri.getHost().equalsIgnoreCase(e.base.getHost());
      if (ownHost && !settings.isPlainHttp(e.registry)) {
        throw new RegistryException(Kind.PROTOCOL, e.registry + " gave a token realm that is not https " + where
            + "; list the registry under --plain-http to allow it");
      }
      if (!ownHost && cred.isPresent()) {
        throw new RegistryException(Kind.PROTOCOL, e.registry + " gave a token realm on another host over plain HTTP "
            + where + "; bootfleet sends credentials in clear to no host but the registry's own (the realm needs"
            + " https)");
      }
      if (!ownHost && !settings.isPlainHttp(hostPort(realmUri))) {
        throw new RegistryException(Kind.PROTOCOL, e.registry + " gave a token realm that is not https " + where
            + "; list " + hostPort(realmUri) + " under --plain-http to allow it");
      }
    }
    StringBuilder query = new StringBuilder();
    if (service != null) {
      query.append("service=").append(enc(service));
    }
    query.append(query.isEmpty() ? "" : "&").append("scope=").append(enc(scope));
    Req req;
    if (cred.isPresent() && cred.get().identityToken()) {
      String form = "grant_type=refresh_token&client_id=bootfleet&refresh_token=" + enc(cred.get().secret())
          + (service == null ? "" : "&service=" + enc(service)) + "&scope=" + enc(scope);
      req = new Req("POST", realmUri, Map.of("Content-Type", "application/x-www-form-urlencoded"),
          form.getBytes(StandardCharsets.UTF_8));
    } else {
      String sep = realm.contains("?") ? "&" : "?";
      req = new Req("GET", URI.create(realm + sep + query),
          cred.map(c -> Map.of("Authorization", basic(c))).orElse(Map.of()), null);
    }
    Answer r = null;
    for (int attempt = 1; ; attempt++) {
      checkDeadline(e);
      try {
        r = exchange(e, req, MAX_TOKEN_BYTES, attempt);
      } catch (IOException ex) {
        checkDeadline(e);
        if (isRetriable(ex) && attempt < settings.attempts()) {
          pause(e, backoff(attempt));
          continue;
        }
        throw new RegistryException(Kind.UNREACHABLE, "cannot get a token for " + e.registry + " from "
            + realmUri.getScheme() + "://" + realmUri.getAuthority() + ": " + describe(ex));
      }
      if ((r.status() == 429 || r.status() >= 500) && attempt < settings.attempts()) {
        Optional<Duration> wait = retryWait(r, attempt);
        if (wait.isPresent()) {
          pause(e, wait.get());
          continue;
        }
      }
      break;
    }
    if (r.status() == 401 || r.status() == 403) {
      throw new RegistryException(Kind.UNAUTHORIZED, cred.map(c -> e.registry + "'s token service refused the"
          + " credentials of " + c.username() + " from " + c.source())
          .orElse(e.registry + "'s token service refused anonymous access; none found in "
              + String.join(", ", credentials.searchPath().stream().map(Object::toString).toList()))
          + " (HTTP " + r.status() + ")");
    }
    if (r.status() != 200) {
      throw new RegistryException(Kind.UNREACHABLE, e.registry + "'s token service answered HTTP " + r.status());
    }
    if (r.cut()) {
      throw new RegistryException(Kind.PROTOCOL, e.registry + "'s token service answered more than 1 MiB");
    }
    JsonNode t;
    try {
      t = Json.MAPPER.readTree(r.body());
    } catch (JacksonException ex) {
      throw new RegistryException(Kind.PROTOCOL, e.registry + "'s token service did not answer JSON");
    }
    String token = t.path("token").asString("");
    if (token.isEmpty()) {
      token = t.path("access_token").asString("");
    }
    if (token.isEmpty()) {
      throw new RegistryException(Kind.PROTOCOL, e.registry + "'s token service answered without a token");
    }
    long seconds = Math.max(60, t.path("expires_in").asLong(60)); // the spec's minimum lifetime
    return new Token(token, clock.instant().plusSeconds(seconds - 10));
  }

  /** {@code host[:port]} of an address, as {@code --plain-http} lists them (never a user name). */
  private static String hostPort(URI uri) {
    return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static boolean isRetriable(IOException ex) {
    IOException e = ex instanceof Redirected r ? (IOException) r.getCause() : ex;
    return !(e instanceof SSLException) && !(e instanceof UnknownHostException)
        && !(e.getCause() instanceof UnknownHostException) && !(e.getCause() instanceof SSLException);
  }

  private RegistryException connectionFailure(Endpoint e, IOException failure, int attempts) {
    String tries = attempts > 1 ? " (after " + attempts + " tries)" : "";
    IOException ex = failure instanceof Redirected r ? (IOException) r.getCause() : failure;
    String name = failure instanceof Redirected r ? hostPort(r.at) : e.registry;
    String where = failure instanceof Redirected r ? r.at.getScheme() + "://" + name + " (redirected from " + e.base
        + ")" : e.base.toString();
    Throwable cause = ex instanceof SSLException ? ex : ex.getCause() instanceof SSLException s ? s : null;
    if (cause != null) {
      String msg = String.valueOf(cause.getMessage());
      String hint = msg.contains("plaintext") || msg.contains("Unsupported or unrecognized SSL message")
          ? "; it may serve plain HTTP: list it with --plain-http " + name
          : cause instanceof SSLHandshakeException && msg.contains("PKIX")
              ? "; its certificate is not trusted: give its CA with --registry-ca FILE or certs.d/" + name + "/ca.crt"
              : "";
      return new RegistryException(Kind.UNREACHABLE, "TLS with " + where + " failed: " + oneLine(msg) + hint);
    }
    return new RegistryException(Kind.UNREACHABLE, "cannot reach " + where + ": " + describe(ex) + tries);
  }

  private static String describe(IOException ex) {
    if (ex instanceof Late) {
      return ex.getMessage();
    }
    if (ex instanceof Redirected r) {
      return describe((IOException) r.getCause()) + " (at " + r.at.getScheme() + "://" + hostPort(r.at)
          + ", where it was redirected)";
    }
    if (ex instanceof SocketTimeoutException) {
      return String.valueOf(ex.getMessage()).toLowerCase(Locale.ROOT).contains("connect") ? "connection timed out"
          : "no answer within the timeout";
    }
    if (ex instanceof ConnectException || ex.getCause() instanceof ConnectException) {
      return "connection refused (is the registry running?)";
    }
    if (ex instanceof UnknownHostException || ex.getCause() instanceof UnknownHostException) {
      return "unknown host";
    }
    return oneLine(ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage());
  }

  /** A registry's (or its connection's) words for a one-line message: folded, escaped, at most 200 characters. */
  private static String oneLine(String s) {
    String one = Text.oneLine(s, "");
    return Quote.controls(one.length() > 200 ? one.substring(0, 200) + "…" : one);
  }

  /** The wait before try {@code attempt + 1}: the first wait doubled per try, with up to 25% jitter. */
  Duration backoff(int attempt) {
    long base = settings.backoff().toMillis() << Math.min(attempt - 1, 20);
    long capped = Math.min(base, settings.maxWait().toMillis());
    long jitter = capped / 4 == 0 ? 0 : ThreadLocalRandom.current().nextLong(capped / 4 + 1);
    return Duration.ofMillis(Math.min(capped + jitter, settings.maxWait().toMillis()));
  }

  /**
   * The wait before try {@code attempt + 1} after a 429 or 5xx: the backoff, or the registry's {@code
   * Retry-After} when that is longer (a registry cannot make us retry sooner, whatever it sends); empty
   * when it asks for longer than {@link RegistrySettings#maxWait()}, to give up at once.
   */
  private Optional<Duration> retryWait(Answer r, int attempt) {
    Duration backoff = backoff(attempt);
    Optional<Duration> asked = retryAfter(r);
    if (asked.isPresent() && asked.get().compareTo(settings.maxWait()) > 0) {
      return Optional.empty();
    }
    return Optional.of(asked.filter(a -> a.compareTo(backoff) > 0).orElse(backoff));
  }

  /** {@code Retry-After} as seconds or an HTTP date, when present and readable (a negative number is not). */
  private Optional<Duration> retryAfter(Answer r) {
    Optional<String> v = r.header("Retry-After").map(String::strip);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      long seconds = Long.parseLong(v.get());
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant when = ZonedDateTime.parse(v.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(clock.instant(), when);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException unreadable) {
        return Optional.empty();
      }
    }
  }

  private void checkDeadline(Endpoint e) throws RegistryException {
    if (System.nanoTime() - deadline >= 0) {
      throw pastDeadline(e);
    }
  }

  private RegistryException pastDeadline(Endpoint e) {
    return new RegistryException(Kind.UNREACHABLE, "gave up on " + e.registry + ": no time left within the registry"
        + " deadline of " + seconds(settings.deadline()) + " (--registry-deadline)");
  }

  /** {@code 30 s}, {@code 0.3 s}. */
  private static String seconds(Duration d) {
    return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
  }

  /** Waits {@code d} before a retry; gives up at once when the wait would end past the deadline. */
  private void pause(Endpoint e, Duration d) throws RegistryException {
    if (System.nanoTime() + d.toNanos() - deadline > 0) {
      throw pastDeadline(e);
    }
    try {
      sleeper.sleep(d);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new RegistryException(Kind.UNREACHABLE, "interrupted while waiting to retry");
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
