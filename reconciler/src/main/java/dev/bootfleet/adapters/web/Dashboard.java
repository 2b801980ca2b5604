package dev.bootfleet.adapters.web;

import dev.bootfleet.adapters.http.ApiServer;
import dev.bootfleet.adapters.http.Backend;
import dev.bootfleet.core.manifest.ManifestShape;
import dev.bootfleet.core.port.FleetStore;
import dev.bootfleet.core.port.FleetStore.Credential;
import dev.bootfleet.core.server.Tokens;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.sse.SseHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The web dashboard (ADR 0024) on the API's server: a login form taking an operator token, sessions in a cookie,
 * server-side pages rendered from the {@link Backend}'s own documents (it computes no status and no plan), POST
 * forms for the rollouts' actions guarded by a per-session CSRF token, and server-sent events that tell open pages
 * to fetch their live region again. Every HTML answer carries {@link #CSP} and the other headers of {@link #secure}.
 */
public final class Dashboard implements AutoCloseable {
  static final String COOKIE = "bootfleet_session";
  /** Scripts, styles and everything else from this server only; no inline script or style; never in a frame. */
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
      + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
  /** A form's body at most (a token, a CSRF token, a wave name). */
  static final long MAX_FORM = 8 * 1024;
  static final Set<String> ACTIONS = Set.of("pause", "resume", "abort", "approve");
  private static final Map<String, String> STATIC = Map.of("app.css", "text/css; charset=utf-8",
      "live.js", "text/javascript; charset=utf-8");

  private final Backend backend;
  private final FleetStore store;
  private final Clock clock;
  private final boolean tls;
  private final Consumer<String> log;
  private final Sessions sessions;
  private final Live live = new Live();
  private final Views views;
  private final Map<String, byte[]> assets = new java.util.HashMap<>();

  /**
   * @param tls whether the server speaks HTTPS: then the cookie is {@code Secure}
   */
  public Dashboard(Backend backend, FleetStore store, Clock clock, RandomGenerator random, boolean tls,
      Consumer<String> log) {
    this.backend = backend;
    this.store = store;
    this.clock = clock;
    this.tls = tls;
    this.log = log;
    this.sessions = new Sessions(clock, random);
    this.views = new Views(backend, new Templates());
    STATIC.keySet().forEach(name -> assets.put(name, resource("/web/static/" + name)));
    backend.onChange(live::signal);
  }

  /** Registers the dashboard's routes (give this to {@link ApiServer#extra}). */
  public void routes(JavalinConfig config) {
    config.routes.get("/login", ctx -> page(ctx, 200, views.login(null)));
    config.routes.post("/login", this::login);
    config.routes.post("/logout", guarded((ctx, s) -> {
      sessions.close(ctx.cookie(COOKIE));
      ctx.header("Set-Cookie", cookie("", 0));
      ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
    }));
    config.routes.get("/static/{file}", this::asset);
    config.routes.get("/", page(views::fleet));
    config.routes.get("/hosts/{name}", page((ctx, s) -> {
      String name = ctx.pathParam("name");
      if (!ManifestShape.isDnsName(name)) {
        throw new Views.BadInput(400, "host name \"" + Views.printable(name) + "\" is not a DNS-1123 name "
            + "(expected lower-case letters, digits, '-' and '.')");
      }
      return views.host(name, s);
    }));
    config.routes.get("/rollouts", page(views::rollouts));
    config.routes.get("/rollouts/{id}", page((ctx, s) -> views.rollout(rolloutId(ctx), s, null)));
    config.routes.post("/rollouts/{id}/{action}", guarded(this::rolloutAction));
    config.routes.get("/revisions", page(views::revisions));
    SseHandler events = new SseHandler(client -> {
      if (!live.add(client)) {
        client.close();
      }
    });
    config.routes.get("/events", ctx -> {
      headers(ctx);
      if (session(ctx).isEmpty()) {
        ctx.status(401).contentType("text/plain; charset=utf-8").result("no session: log in at /login\n");
        return;
      }
      events.handle(ctx);
    });
  }

  // --- pages

  /** A page that needs a session: without one, a redirect to the login form. */
  @FunctionalInterface
  interface PageHandler {
    String render(Context ctx, Sessions.Session session);
  }

  private Handler page(PageHandler h) {
    return ctx -> {
      Optional<Sessions.Session> s = session(ctx);
      if (s.isEmpty()) {
        headers(ctx);
        ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
        return;
      }
      try {
        page(ctx, 200, h.render(ctx, s.get()));
      } catch (Views.BadInput e) {
        page(ctx, e.status, views.error(e.status, e.getMessage(), s.get()));
      }
    };
  }

  private static void page(Context ctx, int status, String html) {
    headers(ctx);
    ctx.status(status).contentType("text/html; charset=utf-8").result(html);
  }

  /** The headers of every dashboard answer. */
  static void headers(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Cache-Control", "no-store");
  }

  private void asset(Context ctx) {
    String name = ctx.pathParam("file");
    byte[] body = assets.get(name);
    headers(ctx);
    if (body == null) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("no such file\n");
      return;
    }
    ctx.header("Cache-Control", "no-cache");
    ctx.status(200).contentType(STATIC.get(name)).result(body);
  }

  // --- sessions

  private void login(Context ctx) {
    if (crossSite(ctx)) {
      page(ctx, 403, views.login("this form was sent from another site"));
      return;
    }
    if (tooLarge(ctx)) {
      page(ctx, 413, views.login("the form is larger than " + MAX_FORM + " bytes"));
      return;
    }
    String token = ctx.formParam("token");
    token = token == null ? "" : token.strip();
    Credential c = Tokens.kindOf(token) != Tokens.Kind.OPERATOR ? null
        : store.credential(Tokens.hash(token)).orElse(null); // looked up by its hash, never compared as text
    if (c == null || c.kind() != Tokens.Kind.OPERATOR || c.expires() != null && !clock.instant().isBefore(c.expires())) {
      log.accept("dashboard: a login was refused (not an operator credential)");
      page(ctx, 401, views.login("token: not an operator credential of this server (expected the text of "
          + "operator.token or of POST /v1/operators)"));
      return;
    }
    String id = sessions.open(c.hash(), ApiServer.operatorId(c));
    if (id == null) {
      page(ctx, 503, views.login("too many open sessions (" + Sessions.MAX + "); try again later"));
      return;
    }
    log.accept("dashboard: operator " + ApiServer.operatorId(c) + " logged in");
    headers(ctx);
    ctx.header("Set-Cookie", cookie(id, Sessions.LIFETIME.toSeconds()));
    ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  String cookie(String value, long maxAge) {
    return cookie(value, maxAge, tls);
  }

  /** The session cookie: never readable by a script, never sent by another site, only over TLS when there is TLS. */
  static String cookie(String value, long maxAge, boolean tls) {
    return COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAge + "; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : "");
  }

  /**
   * Whether the browser says another site sent this form ({@code Sec-Fetch-Site: cross-site}, or an {@code Origin}
   * that is not this server's): refused before the session is even looked at.
   */
  static boolean crossSite(String fetchSite, String origin, String host) {
    if ("cross-site".equalsIgnoreCase(fetchSite) || "same-site".equalsIgnoreCase(fetchSite)) {
      return true;
    }
    if (origin == null || host == null || origin.equals("null")) {
      return false; // no Origin, or an opaque one (a no-referrer policy): Sec-Fetch-Site and SameSite decide
    }
    int scheme = origin.indexOf("://");
    return scheme < 0 || !origin.substring(scheme + 3).equalsIgnoreCase(host);
  }

  private static boolean crossSite(Context ctx) {
    return crossSite(ctx.header("Sec-Fetch-Site"), ctx.header("Origin"), ctx.header("Host"));
  }

  /** The request's session, its credential still an operator's (a revoked one ends it). */
  private Optional<Sessions.Session> session(Context ctx) {
    String id = ctx.cookie(COOKIE);
    Optional<Sessions.Session> s = sessions.find(id);
    if (s.isPresent()) {
      Credential c = store.credential(s.get().operatorHash()).orElse(null);
      if (c == null || c.kind() != Tokens.Kind.OPERATOR) {
        sessions.close(id);
        return Optional.empty();
      }
    }
    return s;
  }

  /** A form that changes something: a session and its CSRF token, or 403 with nothing changed. */
  @FunctionalInterface
  interface FormHandler {
    void handle(Context ctx, Sessions.Session session) throws Exception;
  }

  private Handler guarded(FormHandler h) {
    return ctx -> {
      headers(ctx);
      if (tooLarge(ctx)) {
        refuse(ctx, 413, "the form is larger than " + MAX_FORM + " bytes");
        return;
      }
      if (crossSite(ctx)) {
        refuse(ctx, 403, "this form was sent from another site");
        return;
      }
      Optional<Sessions.Session> s = session(ctx);
      if (s.isEmpty()) {
        refuse(ctx, 403, "no session: log in at /login first");
        return;
      }
      if (!s.get().csrfMatches(ctx.formParam("csrf"))) {
        refuse(ctx, 403, "csrf: missing or not this session's token (reload the page and try again)");
        return;
      }
      h.handle(ctx, s.get());
    };
  }

  private static boolean tooLarge(Context ctx) {
    String length = ctx.header("Content-Length");
    try {
      return length != null && Long.parseLong(length.strip()) > MAX_FORM;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private void refuse(Context ctx, int status, String message) {
    ctx.status(status).contentType("text/html; charset=utf-8").result(views.refusal(status, message));
  }

  // --- rollouts

  private static String rolloutId(Context ctx) {
    String id = ctx.pathParam("id");
    if (!ManifestShape.isDnsName(id)) {
      throw new Views.BadInput(400, "rollout name \"" + Views.printable(id) + "\" is not a DNS-1123 name "
          + "(expected lower-case letters, digits, '-' and '.')");
    }
    return id;
  }

  private void rolloutAction(Context ctx, Sessions.Session s) {
    String action = ctx.pathParam("action");
    String id = ctx.pathParam("id");
    String wave = ctx.formParam("wave");
    wave = wave == null || wave.isBlank() ? null : wave.strip();
    java.util.List<String> problems = new java.util.ArrayList<>();
    if (!ManifestShape.isDnsName(id)) {
      problems.add("rollout name \"" + Views.printable(id) + "\" is not a DNS-1123 name");
    }
    if (!ACTIONS.contains(action)) {
      problems.add("action \"" + Views.printable(action) + "\" is not one (expected pause, resume, abort or approve)");
    }
    if (wave != null && (!action.equals("approve") || !ManifestShape.isDnsName(wave))) {
      problems.add("wave: \"" + Views.printable(wave) + "\" is not a wave name of an approval (expected a DNS-1123 name)");
    }
    if (!problems.isEmpty()) {
      refuse(ctx, 400, String.join("; ", problems));
      return;
    }
    try {
      backend.rolloutAction(id, action, wave, "operator:" + s.operatorId());
    } catch (Backend.Refused e) {
      try {
        page(ctx, e.status(), views.rollout(id, s, e.getMessage()));
      } catch (Views.BadInput missing) {
        page(ctx, e.status(), views.error(e.status(), e.getMessage(), s));
      }
      return;
    }
    ctx.redirect("/rollouts/" + id, io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private static byte[] resource(String path) {
    try (InputStream in = Dashboard.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Open live streams (tests). */
  int liveStreams() {
    return live.open();
  }

  @Override
  public void close() {
    live.close();
  }
}
