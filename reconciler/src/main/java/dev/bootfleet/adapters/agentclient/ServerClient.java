package dev.bootfleet.adapters.agentclient;

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
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent's side of the reconciler server's API (schema/openapi.yaml) over the JDK's HTTP client: a
 * Bearer credential read from its file at each request (so a new enrollment needs no restart), an
 * optional CA bundle in PEM, a bounded connect and request time, and a capped answer. Messages name the
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
    String detail() {
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
    this.base = URI.create(base.toString().replaceAll("/+$", ""));
    this.tokenFile = tokenFile;
    this.timeout = timeout;
    this.connectTimeout = connectTimeout;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
    if (caFile != null) {
      b.sslContext(trusting(caFile));
    }
    this.http = b.build();
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
    return send(HttpRequest.newBuilder(uri(path)).GET(), token());
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
        .POST(HttpRequest.BodyPublishers.ofString(json)), credential);
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

  private Response send(HttpRequest.Builder b, String credential) throws IOException {
    return send(b, credential, timeout);
  }

  private Response send(HttpRequest.Builder b, String credential, Duration timeout) throws IOException {
    HttpRequest req = b.timeout(timeout).header("Authorization", "Bearer " + credential)
        .header("Accept", "application/json").build();
    try {
      HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
          throw new IOException(describe() + ": the answer is larger than " + MAX_BODY / (1024 * 1024) + " MiB");
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

  private static SSLContext trusting(Path caFile) throws IOException {
    try (InputStream in = Files.newInputStream(caFile)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IOException(caFile + ": holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)");
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (NoSuchFileException e) {
      throw new IOException(caFile + ": no such file (expected the server's CA certificates in PEM)");
    } catch (GeneralSecurityException e) {
      throw new IOException(caFile + ": not PEM certificates (" + Text.oneLine(e.getMessage(), "?") + ")");
    }
  }
}
