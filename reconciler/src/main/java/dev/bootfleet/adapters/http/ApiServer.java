package dev.bootfleet.adapters.http;

import dev.bootfleet.core.manifest.ManifestShape;
import dev.bootfleet.core.port.FleetStore;
import dev.bootfleet.core.port.FleetStore.Credential;
import dev.bootfleet.core.render.JsonRenderer;
import dev.bootfleet.core.render.Report;
import dev.bootfleet.core.server.HostTarget;
import dev.bootfleet.core.server.StatusReport;
import dev.bootfleet.core.server.Tokens;
import dev.bootfleet.core.server.WebhookSignature;
import dev.bootfleet.adapters.tls.ServerTls;
import dev.bootfleet.adapters.tls.TlsContexts;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The reconciler server's HTTP API (ADR 0016, {@code schema/openapi.yaml}) on Javalin: the agents' routes
 * (target, status, credential exchange), the operators' routes, the Git webhook, and the unauthenticated
 * health and metrics routes. Every request is checked before anything changes: the host name against the
 * manifest name rule, the credential, the body's size (413 before it is read whole). Every error is one
 * line of {@code application/problem+json}; no stack trace, no secret.
 */
public final class ApiServer implements AutoCloseable {
  public static final long MAX_WEBHOOK = 1024 * 1024;
  public static final long MAX_REPORT = 4L * 1024 * 1024;
  static final long MAX_SMALL = 64 * 1024;
  static final long MAX_TTL_SECONDS = 7L * 24 * 3600;
  /** Hex digits of an operator credential's hash that name it (64 bits). */
  static final int OPERATOR_ID = 16;
  static final String PROBLEM_JSON = "application/problem+json";
  private static final JsonMapper JSON = JsonMapper.shared();

  /** One route the server answers. */
  public record Route(String method, String path) {}

  /**
   * @param webhookSecret the shared secret of {@code POST /hooks/git}; null: every webhook is refused
   * @param longPoll how long a target request with {@code If-None-Match} waits for a change
   * @param tls the certificate to serve HTTPS with (and the client CA of mutual TLS), or null: plain HTTP
   */
  public record Settings(String host, int port, byte[] webhookSecret, Duration longPoll, ServerTls tls) {
    /** Plain HTTP. */
    public Settings(String host, int port, byte[] webhookSecret, Duration longPoll) {
      this(host, port, webhookSecret, longPoll, null);
    }
  }

  private final Backend backend;
  private final FleetStore store;
  private final PrometheusMeterRegistry metrics;
  private final Clock clock;
  private final RandomGenerator random;
  private final Settings settings;
  private final List<Route> routes = new ArrayList<>();
  private final Consumer<String> log;
  private Javalin app;
  private volatile RebootLocks locks;
  private volatile Runnable beforeScrape = () -> { };
  private volatile Consumer<io.javalin.config.JavalinConfig> extra = config -> { };

  public ApiServer(Backend backend, FleetStore store, PrometheusMeterRegistry metrics, Clock clock,
      RandomGenerator random, Settings settings, Consumer<String> log) {
    this.backend = backend;
    this.store = store;
    this.metrics = metrics;
    this.clock = clock;
    this.random = random;
    this.settings = settings;
    this.log = log;
  }

  /** The reboot leases behind the FleetLock routes; without them those routes answer 503. Before {@link #start}. */
  public ApiServer locks(RebootLocks locks) {
    this.locks = locks;
    return this;
  }

  /** Runs before each scrape of {@code /metrics} (gauges read from the store). Before {@link #start}. */
  public ApiServer beforeScrape(Runnable r) {
    this.beforeScrape = r;
    return this;
  }

  /**
   * More routes on the same server (the dashboard, ADR 0024), registered before the API's error handlers;
   * they answer their own errors. Before {@link #start}.
   */
  public ApiServer extra(Consumer<io.javalin.config.JavalinConfig> routes) {
    this.extra = routes;
    return this;
  }

  /**
   * Starts listening; returns the port (useful with port 0).
   *
   * @throws IOException when a TLS file cannot be used (the message names the file, never a key's bytes)
   */
  public int start() throws IOException {
    SslContextFactory.Server ssl = settings.tls() == null ? null : ssl(settings.tls());
    app = Javalin.create(config -> {
      if (ssl != null) {
        config.jetty.addConnector((server, http) -> {
          SecureRequestCustomizer secure = new SecureRequestCustomizer();
          // one certificate: Jetty's check of the Host against it would refuse probes by IP (400 Invalid SNI)
          secure.setSniHostCheck(false);
          http.addCustomizer(secure);
          ServerConnector c = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
              new HttpConnectionFactory(http));
          c.setHost(settings.host());
          c.setPort(settings.port());
          return c;
        });
      }
      config.concurrency.useVirtualThreads = true; // a long poll holds a virtual thread, not a platform one
      config.jetty.host = settings.host();
      config.jetty.port = settings.port();
      config.startup.showJavalinBanner = false;
      // Jetty's refusals before routing (an ambiguous path, say) as problem JSON, not its HTML page
      config.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler()));
      config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new ProblemErrorHandler()));
      route(config, "GET", "/healthz", ctx -> ctx.contentType("text/plain").result("ok\n"));
      route(config, "GET", "/readyz", this::readyz);
      route(config, "GET", "/metrics", ctx -> {
        beforeScrape.run();
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
      });
      route(config, "POST", "/hooks/git", this::webhook);
      route(config, "GET", "/v1/hosts/{name}/target", this::target);
      route(config, "POST", "/v1/hosts/{name}/status", this::status);
      route(config, "POST", "/v1/hosts/{name}/credential", this::exchange);
      route(config, "DELETE", "/v1/hosts/{name}/credential", this::revoke);
      route(config, "POST", "/v1/enrollments", this::enroll);
      route(config, "GET", "/v1/operators", this::operators);
      route(config, "POST", "/v1/operators", this::addOperator);
      route(config, "DELETE", "/v1/operators/{id}", this::revokeOperator);
      route(config, "GET", "/v1/hosts", operatorJson(backend::hosts));
      route(config, "GET", "/v1/hosts/{name}", ctx -> {
        String name = name(ctx);
        operator(ctx);
        json(ctx, 200, found(backend.host(name), "host \"" + name + "\" is not declared in the served revision"));
      });
      route(config, "GET", "/v1/plan", ctx -> report(ctx, false));
      route(config, "GET", "/v1/drift", ctx -> report(ctx, true));
      route(config, "GET", "/v1/observed", operatorJson(backend::observed));
      route(config, "GET", "/v1/revisions", operatorJson(backend::revisions));
      route(config, "POST", "/v1/pre-reboot", ctx -> fleetLock(ctx, RebootLocks::preReboot));
      route(config, "POST", "/v1/steady-state", ctx -> fleetLock(ctx, RebootLocks::steadyState));
      route(config, "POST", "/v1/reboot-lease/heartbeat", ctx -> fleetLock(ctx, RebootLocks::heartbeat));
      route(config, "GET", "/v1/rollouts", operatorJson(backend::rollouts));
      route(config, "GET", "/v1/rollouts/{id}", ctx -> {
        String id = rolloutId(ctx);
        operator(ctx);
        json(ctx, 200, found(backend.rollout(id), "no rollout \"" + id + "\" in the served revision"));
      });
      for (String action : List.of("pause", "resume", "abort", "approve")) {
        route(config, "POST", "/v1/rollouts/{id}/" + action, ctx -> rolloutAction(ctx, action));
      }
      route(config, "DELETE", "/v1/rollouts/{id}/rejected/{digest}", ctx -> rolloutAction(ctx, "clear"));
      extra.accept(config);
      config.routes.exception(Backend.Refused.class, (e, ctx) -> problem(ctx, e.status(),
          io.javalin.http.HttpStatus.forStatus(e.status()).getMessage(), e.getMessage()));
      config.routes.exception(HttpError.class, (e, ctx) -> problem(ctx, e.status, e.title, e.getMessage()));
      // Javalin's own answers (no such route, a method not served, ...) in the same form
      config.routes.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> problem(ctx, e.getStatus(),
          io.javalin.http.HttpStatus.forStatus(e.getStatus()).getMessage(), e.getStatus() == 404
              ? "no such route: " + ctx.method() + " " + ctx.path() : e.getMessage()));
      config.routes.exception(Exception.class, (e, ctx) -> {
        log.accept("error: " + ctx.method() + " " + ctx.endpoint().path + ": " + e.getClass().getSimpleName());
        problem(ctx, 500, "Internal Server Error", "the server failed to answer; see its log");
      });
      config.routes.error(404, ctx -> {
        if (ctx.result() == null) {
          problem(ctx, 404, "Not Found", "no such route: " + ctx.method() + " " + ctx.path());
        }
      });
      config.routes.error(405, ctx -> {
        if (ctx.result() == null) {
          problem(ctx, 405, "Method Not Allowed", ctx.method() + " is not served at " + ctx.path());
        }
      });
    });
    app.start();
    return app.port();
  }

  /** Jetty's TLS for {@code tls}: the PEM identity, TLS 1.2 and newer, and a client certificate with a client CA. */
  private static SslContextFactory.Server ssl(ServerTls tls) throws IOException {
    TlsContexts.Identity id = TlsContexts.identity(tls.certFile(), tls.keyFile());
    SslContextFactory.Server f = new SslContextFactory.Server();
    f.setKeyStore(id.store());
    f.setKeyStorePassword(id.password());
    f.setIncludeProtocols(TlsContexts.PROTOCOLS.toArray(String[]::new));
    if (tls.clientCaFile() != null) {
      f.setTrustStore(TlsContexts.trust(List.of(tls.clientCaFile()), false));
      f.setNeedClientAuth(true);
    }
    return f;
  }

  /** Every route registered, in order (the OpenAPI test compares them with schema/openapi.yaml). */
  public List<Route> routes() {
    return List.copyOf(routes);
  }

  private void route(io.javalin.config.JavalinConfig config, String method, String path, Handler h) {
    routes.add(new Route(method, path));
    switch (method) {
      case "GET" -> config.routes.get(path, h);
      case "POST" -> config.routes.post(path, h);
      case "DELETE" -> config.routes.delete(path, h);
      default -> throw new IllegalArgumentException(method);
    }
  }

  @Override
  public void close() {
    if (app != null) {
      app.stop();
    }
  }

  // --- routes

  private void readyz(Context ctx) {
    boolean ready = backend.ready();
    ctx.status(ready ? 200 : 503).contentType("text/plain").result(ready ? "ready\n" : "not ready\n");
  }

  private void webhook(Context ctx) {
    byte[] body = body(ctx, MAX_WEBHOOK);
    Map<String, String> headers = new HashMap<>();
    ctx.headerMap().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
    if (settings.webhookSecret() == null || !WebhookSignature.verify(headers, body, settings.webhookSecret())) {
      throw new HttpError(401, "Unauthorized", "the webhook is not signed with the server's secret (expected "
          + "X-Hub-Signature-256, X-Gitea-Signature or X-Gitlab-Token)");
    }
    backend.fetchNow();
    ctx.status(202);
  }

  private void target(Context ctx) throws InterruptedException {
    String name = name(ctx);
    Credential c = authenticate(ctx);
    if (!(c.kind() == Tokens.Kind.HOST && name.equals(c.host())) && c.kind() != Tokens.Kind.OPERATOR) {
      throw HttpError.forbidden("this credential does not reach host \"" + name + "\"");
    }
    HostTarget t = backend.target(name);
    if (t == null) {
      throw HttpError.notFound("host \"" + name + "\" is not declared in the served revision");
    }
    String since = ctx.header("If-None-Match");
    if (since != null && since.equals(t.etag())) {
      t = backend.awaitTarget(name, since, settings.longPoll());
      if (t == null) {
        throw HttpError.notFound("host \"" + name + "\" is not declared in the served revision");
      }
      if (since.equals(t.etag())) {
        ctx.header("ETag", t.etag()).status(304);
        return;
      }
    }
    ctx.header("ETag", t.etag());
    json(ctx, 200, t.json());
  }

  private void status(Context ctx) {
    String name = name(ctx);
    Credential c = authenticate(ctx);
    if (c.kind() != Tokens.Kind.HOST || !name.equals(c.host())) {
      throw HttpError.forbidden("only host \"" + name + "\" itself reports its status");
    }
    byte[] body = body(ctx, MAX_REPORT);
    StatusReport r;
    try {
      r = StatusReport.parse(name, body);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
    if (!backend.declared(name)) {
      throw HttpError.notFound("host \"" + name + "\" is not declared in the served revision");
    }
    backend.report(r);
    ctx.status(204);
  }

  private void exchange(Context ctx) {
    String name = name(ctx);
    String token = Tokens.bearer(ctx.header("Authorization"));
    if (Tokens.kindOf(token) != Tokens.Kind.ENROLLMENT) {
      throw HttpError.unauthorized();
    }
    Instant now = clock.instant();
    String own = Tokens.generate(Tokens.Kind.HOST, random);
    if (!store.exchange(Tokens.hash(token), new Credential(Tokens.hash(own), Tokens.Kind.HOST, name, null, now), now)) {
      throw HttpError.unauthorized();
    }
    ObjectNode o = JSON.createObjectNode().put("host", name).put("token", own);
    json(ctx, 201, o);
  }

  private void revoke(Context ctx) {
    String name = name(ctx);
    operator(ctx);
    store.revokeHost(name);
    ctx.status(204);
  }

  /** An operator credential's id: the start of its hash, which names it without revealing the token. */
  public static String operatorId(Credential c) {
    return c.hash().substring(0, OPERATOR_ID);
  }

  private void operators(Context ctx) {
    operator(ctx);
    ObjectNode o = JSON.createObjectNode();
    var a = o.putArray("operators");
    for (Credential c : store.operators()) {
      a.addObject().put("id", operatorId(c)).put("created", c.created().toString());
    }
    json(ctx, 200, o);
  }

  private void addOperator(Context ctx) {
    operator(ctx);
    String token = Tokens.generate(Tokens.Kind.OPERATOR, random);
    Credential c = new Credential(Tokens.hash(token), Tokens.Kind.OPERATOR, null, null, clock.instant());
    store.addCredential(c);
    log.accept("an operator credential was added: " + operatorId(c));
    json(ctx, 201, JSON.createObjectNode().put("id", operatorId(c)).put("token", token));
  }

  private void revokeOperator(Context ctx) {
    String id = ctx.pathParam("id");
    if (!id.matches("[0-9a-f]{" + OPERATOR_ID + "}")) {
      throw HttpError.badRequest("operator id \"" + id.replaceAll("[^\\x20-\\x7e]", "?") + "\" is not one (expected "
          + OPERATOR_ID + " lower-case hex digits, as GET /v1/operators lists them)");
    }
    operator(ctx);
    Credential c = store.operators().stream().filter(x -> operatorId(x).equals(id)).findFirst()
        .orElseThrow(() -> HttpError.notFound("no operator credential " + id));
    if (!store.revokeOperator(c.hash())) {
      throw new HttpError(409, "Conflict", "operator credential " + id + " is the last one (add another first:"
          + " POST /v1/operators)");
    }
    log.accept("an operator credential was revoked: " + id);
    ctx.status(204);
  }

  private void enroll(Context ctx) {
    operator(ctx);
    JsonNode body;
    try {
      body = JSON.readTree(body(ctx, MAX_SMALL));
    } catch (JacksonException e) {
      throw HttpError.badRequest("body: not JSON (expected {\"host\": NAME, \"ttlSeconds\": N})");
    }
    if (body == null || !body.isObject()) {
      throw HttpError.badRequest("body: not a JSON object (expected {\"host\": NAME, \"ttlSeconds\": N})");
    }
    JsonNode host = body.get("host");
    JsonNode ttl = body.get("ttlSeconds");
    List<String> problems = new ArrayList<>();
    if (host == null || !host.isString() || !ManifestShape.isDnsName(host.asString())) {
      problems.add("host: " + (host == null ? "missing" : host.toString()) + " is not a host name (expected a DNS-1123 name)");
    }
    if (ttl == null || !ttl.isIntegralNumber() || ttl.asLong() < 1 || ttl.asLong() > MAX_TTL_SECONDS) {
      problems.add("ttlSeconds: " + (ttl == null ? "missing" : ttl.toString()) + " is not a lifetime (expected 1 to "
          + MAX_TTL_SECONDS + " seconds)");
    }
    if (!problems.isEmpty()) {
      throw HttpError.badRequest(String.join("; ", problems));
    }
    Instant now = clock.instant();
    Instant expires = now.plusSeconds(ttl.asLong());
    String token = Tokens.generate(Tokens.Kind.ENROLLMENT, random);
    store.addCredential(new Credential(Tokens.hash(token), Tokens.Kind.ENROLLMENT, host.asString(), expires, now));
    json(ctx, 201, JSON.createObjectNode().put("host", host.asString()).put("token", token)
        .put("expiresAt", expires.toString()));
  }

  private void report(Context ctx, boolean drift) throws IOException {
    operator(ctx);
    Report r = backend.plan(drift);
    if (r == null) {
      throw new HttpError(503, "Service Unavailable", "no revision is served yet");
    }
    StringBuilder b = new StringBuilder();
    new JsonRenderer().render(r, b);
    ctx.status(200).contentType("application/json").result(b.toString());
  }

  /** One FleetLock call. */
  @FunctionalInterface
  private interface LockCall {
    RebootLocks.Answer call(RebootLocks locks, String caller, String header, String body);
  }

  /**
   * A FleetLock route: the body read up to one byte past the protocol's cap (a longer one is refused by the
   * wire format, unread), the caller authenticated, and the answer in FleetLock's own shape.
   */
  private void fleetLock(Context ctx, LockCall call) throws IOException {
    RebootLocks l = locks;
    if (l == null) {
      fleetLockAnswer(ctx, new RebootLocks.Answer(503, "{\"kind\":\"internal_error\",\"value\":\"this server"
          + " grants no reboot leases\"}"));
      return;
    }
    int cap = dev.bootfleet.core.rollout.FleetLockWire.MAX_BODY;
    byte[] b = ctx.bodyInputStream().readNBytes(cap + 1);
    if (b.length > cap) {
      discard(ctx, LINGER); // answered 413 by the wire's reading below, on a connection that lives (see LINGER)
    }
    String body = b.length == 0 && ctx.header("Content-Length") == null ? null
        : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    fleetLockAnswer(ctx, call.call(l, fleetLockCaller(ctx), ctx.header("fleet-lock-protocol"), body));
  }

  private static void fleetLockAnswer(Context ctx, RebootLocks.Answer a) {
    ctx.status(a.status()).contentType("application/json").result(a.json());
  }

  /**
   * The host a FleetLock request comes from (ADR 0021), or null: HTTP Basic with the host's name and its own
   * token (what Zincati sends from its base URL's user-info), or the host's token as a bearer (bootfleet's
   * agent). The token is looked up by its hash, never compared as text; an expired, revoked or other host's
   * credential names no one.
   */
  private String fleetLockCaller(Context ctx) {
    String auth = ctx.header("Authorization");
    if (auth == null) {
      return null;
    }
    String user = null;
    String token;
    if (auth.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String pair = new String(java.util.Base64.getDecoder().decode(auth.substring(6).strip()),
            java.nio.charset.StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        if (colon < 0) {
          return null;
        }
        user = java.net.URLDecoder.decode(pair.substring(0, colon), java.nio.charset.StandardCharsets.UTF_8);
        token = java.net.URLDecoder.decode(pair.substring(colon + 1), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null; // not base64, or a bad %-escape
      }
    } else {
      token = Tokens.bearer(auth);
    }
    if (Tokens.kindOf(token) != Tokens.Kind.HOST) {
      return null;
    }
    Credential c = store.credential(Tokens.hash(token)).orElse(null);
    if (c == null || c.kind() != Tokens.Kind.HOST || c.host() == null
        || c.expires() != null && !clock.instant().isBefore(c.expires())) {
      return null;
    }
    return user == null || user.equals(c.host()) ? c.host() : null;
  }

  // --- checks

  /** The host name of the path, checked against the manifest rule before any lookup. */
  private static String name(Context ctx) {
    String name = ctx.pathParam("name");
    if (!ManifestShape.isDnsName(name)) {
      throw HttpError.badRequest("host name \"" + name.replaceAll("[^\\x20-\\x7e]", "?")
          + "\" is not a DNS-1123 name (expected lower-case letters, digits, '-' and '.')");
    }
    return name;
  }

  private Credential authenticate(Context ctx) {
    String token = Tokens.bearer(ctx.header("Authorization"));
    if (Tokens.kindOf(token) == null) {
      throw HttpError.unauthorized();
    }
    Credential c = store.credential(Tokens.hash(token)).orElseThrow(HttpError::unauthorized);
    if (c.expires() != null && !clock.instant().isBefore(c.expires())) {
      throw HttpError.unauthorized();
    }
    return c;
  }

  private void operator(Context ctx) {
    if (authenticate(ctx).kind() != Tokens.Kind.OPERATOR) {
      throw HttpError.forbidden("this route needs an operator's credential");
    }
  }

  /** The body, at most {@code max} bytes: 413 from the Content-Length alone, or once {@code max} is passed. */
  private static byte[] body(Context ctx, long max) {
    String length = ctx.header("Content-Length");
    // a client that asked to continue waits for the answer before it sends the body: nothing to read then
    String expect = ctx.header("Expect");
    boolean waits = expect != null && expect.toLowerCase(Locale.ROOT).contains("100-continue");
    if (length != null) {
      long n;
      try {
        n = Long.parseLong(length.strip());
      } catch (NumberFormatException e) {
        throw HttpError.badRequest("Content-Length: \"" + length + "\" is not a number");
      }
      if (n > max) {
        if (!waits && n - max <= LINGER) {
          discard(ctx, n);
        }
        throw HttpError.tooLarge(max);
      }
    }
    try {
      InputStream in = ctx.bodyInputStream();
      byte[] b = in.readNBytes((int) max + 1);
      if (b.length > max) {
        discard(ctx, LINGER);
        throw HttpError.tooLarge(max);
      }
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * How much of a body over its cap is read and dropped before the 413: a client still sending it would otherwise
   * meet a closed socket, and the reset can destroy the answer before it is read (the JDK's client then says
   * "header parser received no bytes"). Larger bodies are answered at once; a careful client sends {@code Expect:
   * 100-continue} and is answered before it sends anything.
   */
  static final long LINGER = 1024 * 1024;

  /** Reads and drops up to {@code upTo} bytes of the request's body (what is left of it). */
  private static void discard(Context ctx, long upTo) {
    try {
      InputStream in = ctx.bodyInputStream();
      byte[] buffer = new byte[16 * 1024];
      long left = upTo;
      int r;
      while (left > 0 && (r = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
        left -= r;
      }
    } catch (IOException e) {
      // the client went away: the 413 is answered all the same, if it can be
    }
  }

  /** A route that answers an operator with {@code body}'s document. */
  private Handler operatorJson(java.util.function.Supplier<ObjectNode> body) {
    return ctx -> {
      operator(ctx);
      json(ctx, 200, body.get());
    };
  }

  /** {@code node}, or a 404 saying {@code missing} when there is none. */
  private static ObjectNode found(ObjectNode node, String missing) {
    if (node == null) {
      throw HttpError.notFound(missing);
    }
    return node;
  }

  private static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
  }

  private static void problem(Context ctx, int status, String title, String detail) {
    ObjectNode o = JSON.createObjectNode().put("type", "about:blank").put("title", title).put("status", status)
        .put("detail", detail);
    ctx.status(status).contentType(PROBLEM_JSON).result(JSON.writeValueAsString(o));
  }

  // --- rollouts (ADR 0021, "Server")

  /** A rollout's name from the path, checked against the manifest name rule before any lookup. */
  private static String rolloutId(Context ctx) {
    String id = ctx.pathParam("id");
    if (!ManifestShape.isDnsName(id)) {
      throw HttpError.badRequest("rollout name \"" + id.replaceAll("[^\\x20-\\x7e]", "?")
          + "\" is not a DNS-1123 name (expected lower-case letters, digits, '-' and '.')");
    }
    return id;
  }

  /**
   * {@code POST /v1/rollouts/{id}/pause|resume|abort|approve} and {@code DELETE /v1/rollouts/{id}/rejected/{digest}}:
   * recorded with who (the operator credential's id) and when. {@code approve} takes an optional body
   * {@code {"wave": NAME}}.
   */
  private void rolloutAction(Context ctx, String action) {
    String id = rolloutId(ctx);
    Credential c = authenticate(ctx);
    if (c.kind() != Tokens.Kind.OPERATOR) {
      throw HttpError.forbidden("this route needs an operator's credential");
    }
    String arg = null;
    if (action.equals("clear")) {
      arg = ctx.pathParam("digest");
    } else {
      byte[] raw = body(ctx, MAX_SMALL);
      if (raw.length > 0) {
        JsonNode body;
        try {
          body = JSON.readTree(raw);
        } catch (JacksonException e) {
          throw HttpError.badRequest("body: not JSON (expected {\"wave\": NAME} or nothing)");
        }
        if (body != null && !body.isNull()) {
          if (!body.isObject()) {
            throw HttpError.badRequest("body: not a JSON object (expected {\"wave\": NAME} or nothing)");
          }
          for (String key : body.propertyNames()) {
            if (!key.equals("wave") || !action.equals("approve")) {
              throw HttpError.badRequest(key + ": unknown field (expected " + (action.equals("approve")
                  ? "wave" : "no body") + ")");
            }
          }
          JsonNode wave = body.get("wave");
          if (wave != null && (!wave.isString() || !ManifestShape.isDnsName(wave.asString()))) {
            throw HttpError.badRequest("wave: " + wave + " is not a wave name (expected a DNS-1123 name)");
          }
          arg = wave == null ? null : wave.asString();
        }
      }
    }
    json(ctx, 200, backend.rolloutAction(id, action, arg, "operator:" + operatorId(c)));
  }
}
