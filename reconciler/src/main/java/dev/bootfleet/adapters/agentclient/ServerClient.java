package dev.bootfleet.adapters.agentclient;

import dev.bootfleet.adapters.tls.TlsContexts;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent's side of the reconciler server's API (schema/openapi.yaml) over the JDK's HTTP client: a
 * Bearer credential read from its file at each request (so a new enrollment needs no restart), an
 * optional CA bundle in PEM, an optional client certificate for mutual TLS, a bounded connect and request time, and a capped answer. Messages name the
 * server's URL and the credential's file, never the credential.
 */
public final class ServerClient {
  /** The largest answer read: a target carries /etc files as base64, so it may be large, but not unbounded. */
  static final int MAX_BODY = 16 * 1024 * 1024;
  private static final JsonMapper JSON = JsonMapper.shared();

  /** An answer: its status, its ETag (or null) and its body. */
  public record Response(int status, String etag, byte[] body) {
    public JsonNode json() throws IOException {
      try {
        return JSON.readTree(body);
      } catch (RuntimeException e) {
        throw new IOException("the answer is not JSON (" + Text.oneLine(e.getMessage(), "?") + ")");
      }
    }

    /** The one-line {@code detail} of a problem answer, or the status alone. */
    public String detail() {
      try {
        JsonNode d = JSON.readTree(body).path("detail");
        if (d.isString()) {
          return Text.oneLine(d.asString(), "");
        }
      } catch (RuntimeException e) {
        // not a problem document
      }
      return "HTTP " + status;
    }
  }

  private final URI base;
  private final Path tokenFile;
  private final HttpClient http;
  private final Duration timeout;
  private final Duration connectTimeout;

  /**
   * @param base the server's base URL (no credentials in it: the agent's configuration refuses them)
   * @param tokenFile the host's credential, or null for a client that sends its own (enrollment)
   * @param caFile PEM certificates to trust, or null for the JDK's default trust
   */
  public ServerClient(URI base, Path tokenFile, Path caFile, Duration connectTimeout, Duration timeout)
      throws IOException {
    this(base, tokenFile, caFile, null, null, connectTimeout, timeout);
  }

  /**
   * A client that also presents a certificate to a server asking for one (mutual TLS, ADR 0019).
   *
   * @param certFile the host's certificate (and its chain) in PEM, or null for none
   * @param keyFile the certificate's PKCS#8 key in PEM (with {@code certFile})
   */
  public ServerClient(URI base, Path tokenFile, Path caFile, Path certFile, Path keyFile, Duration connectTimeout,
      Duration timeout) throws IOException {
    this.base = URI.create(base.toString().replaceAll("/+$", ""));
    this.tokenFile = tokenFile;
    this.timeout = timeout;
    this.connectTimeout = connectTimeout;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
    if (caFile != null || certFile != null) {
      b.sslContext(TlsContexts.client(caFile == null ? List.of() : List.of(caFile), false, certFile, keyFile));
    }
    this.http = b.build();
  }

  /** What can be wrong with a server's base URL. */
  public enum BaseUrlProblem {
    /** Not a URL, or not http(s) with a host. */
    NOT_HTTP,
    /** A user (a credential would end up in messages and logs), a query or a fragment. */
    USER_QUERY_OR_FRAGMENT
  }

  /** What is wrong with {@code url} as a server's base URL (the agent's server.url, the CLI's --server), or null. */
  public static BaseUrlProblem baseUrlProblem(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return BaseUrlProblem.NOT_HTTP;
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
      return BaseUrlProblem.NOT_HTTP;
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return BaseUrlProblem.USER_QUERY_OR_FRAGMENT;
    }
    return null;
  }

  private ServerClient(ServerClient shared, Path tokenFile) {
    this.base = shared.base;
    this.tokenFile = tokenFile;
    this.timeout = shared.timeout;
    this.connectTimeout = shared.connectTimeout;
    this.http = shared.http;
  }

  /**
   * A client of the same server with another host's credential, sharing this one's connections (the fleet
   * simulator's many hosts in one process).
   */
  public ServerClient withCredential(Path tokenFile) {
    return new ServerClient(this, tokenFile);
  }

  /** The server's URL, for logs. */
  public String describe() {
    return "server " + base;
  }

  Path tokenFile() {
    return tokenFile;
  }

  public Response get(String path) throws IOException {
    return send(HttpRequest.newBuilder(uri(path)).GET(), token(), MAX_BODY);
  }

  /** A GET with the given credential (an operator's) and answer cap, instead of the host's and {@link #MAX_BODY}. */
  public Response get(String path, String credential, int maxBody) throws IOException {
    return send(HttpRequest.newBuilder(uri(path)).GET(), credential, maxBody);
  }

  /**
   * A GET with {@code If-None-Match: etag} that the server may hold until what it names changes (a long
   * poll): the request may take {@code wait}, beyond the usual timeout.
   */
  public Response getIfNoneMatch(String path, String etag, Duration wait) throws IOException {
    return send(HttpRequest.newBuilder(uri(path)).GET().header("If-None-Match", etag), token(), wait);
  }

  public Response post(String path, String json) throws IOException {
    return post(path, json, token());
  }

  /** A POST with the given credential (the enrollment token) instead of the host's. */
  public Response post(String path, String json, String credential) throws IOException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)), credential, MAX_BODY);
  }

  /** A FleetLock POST ({@code fleet-lock-protocol: true}) with the host's credential. */
  Response fleetLock(String path, String json) throws IOException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .header("fleet-lock-protocol", "true").POST(HttpRequest.BodyPublishers.ofString(json)), token(), MAX_BODY);
  }

  /** A DELETE with the given credential (an operator's). */
  public Response delete(String path, String credential) throws IOException {
    return send(HttpRequest.newBuilder(uri(path)).DELETE(), credential, MAX_BODY);
  }

  /** One line for a refused credential (401, 403), naming the file and what to do. */
  String refused(Response r) {
    return describe() + " refused the credential in " + tokenFile + ": " + r.status() + " " + r.detail()
        + " (enroll the host again: bootfleet agent enroll)";
  }

  /** One line for any other answer that is not what was asked for. */
  String failed(String what, Response r) {
    return describe() + ": " + what + ": " + r.status() + " " + r.detail();
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private String token() throws IOException {
    try {
      String t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      if (t.isEmpty() || t.chars().anyMatch(c -> c <= ' ' || c > '~')) {
        throw new IOException(tokenFile + ": is not a credential (expected the one line bootfleet agent enroll"
            + " wrote)");
      }
      return t;
    } catch (NoSuchFileException e) {
      throw new IOException(tokenFile + ": no such file (expected the host's credential; run bootfleet agent"
          + " enroll)");
    }
  }

  private Response send(HttpRequest.Builder b, String credential, int maxBody) throws IOException {
    return send(b, credential, timeout, maxBody);
  }

  private Response send(HttpRequest.Builder b, String credential, Duration timeout) throws IOException {
    return send(b, credential, timeout, MAX_BODY);
  }

  private Response send(HttpRequest.Builder b, String credential, Duration timeout, int maxBody) throws IOException {
    HttpRequest req = b.timeout(timeout).header("Authorization", "Bearer " + credential)
        .header("Accept", "application/json").build();
    try {
      HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        byte[] body = in.readNBytes(maxBody + 1);
        if (body.length > maxBody) {
          throw new IOException(describe() + ": the answer is larger than " + maxBody / (1024 * 1024) + " MiB");
        }
        return new Response(r.statusCode(), r.headers().firstValue("ETag").orElse(null), body);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(describe() + ": interrupted");
    } catch (java.net.http.HttpTimeoutException e) {
      if (e instanceof java.net.http.HttpConnectTimeoutException) {
        throw new IOException(describe() + " is unreachable: " + why(e, timeout), e);
      }
      throw new TimedOut(describe() + " is unreachable: " + why(e, timeout), e);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(describe())) {
        throw e;
      }
      throw new IOException(describe() + " is unreachable: " + why(e, timeout), e);
    }
  }

  /** Why a request failed, in words: the JDK leaves some of its exceptions without a message. */
  private String why(IOException e, Duration timeout) {
    if (e instanceof java.net.http.HttpConnectTimeoutException) {
      return "no connection within " + connectTimeout.toSeconds() + " s";
    }
    if (e instanceof java.net.http.HttpTimeoutException) {
      return "no answer within " + timeout.toSeconds() + " s";
    }
    if (e instanceof java.net.ConnectException && e.getMessage() == null) {
      return "connection refused";
    }
    return Text.oneLine(e.getMessage(), e.getClass().getSimpleName());
  }

  /** No answer within the request's time (the connection was made): a long poll the server held longer. */
  public static final class TimedOut extends IOException {
    private static final long serialVersionUID = 1L;

    TimedOut(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
