package dev.bootfleet.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token server for distribution's bearer-token flow, as Docker Hub, Quay and Harbor run one: it
 * checks a user's password (HTTP Basic) and answers with a JWT (ES256, its signing certificate in
 * {@code x5c}, chained to the test's CA, which the registry trusts through {@code rootcertbundle}).
 * Anonymous requests and wrong passwords get 401. Served over HTTPS on a free loopback port.
 */
public final class TokenServer implements AutoCloseable {
  public static final String SERVICE = "bootfleet-test-registry";
  public static final String ISSUER = "bootfleet-test-tokens";

  private final TestCa ca;
  private final TestCa.Issued signer;
  private final String user;
  private final String password;
  private final HttpsServer server;
  private final AtomicInteger issued = new AtomicInteger();

  private TokenServer(TestCa ca, String user, String password) throws IOException {
    this.ca = ca;
    this.user = user;
    this.password = password;
    this.signer = ca.issueSigner("token-signer");
    TestCa.Issued tls = ca.issueServer("token-server");
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
    server.createContext("/token", this::token);
    server.start();
  }

  /** Starts a token server that grants {@code user} everything it asks for. */
  public static TokenServer start(TestCa ca, String user, String password) throws IOException {
    return new TokenServer(ca, user, password);
  }

  /** {@code https://127.0.0.1:PORT/token}. */
  public URI realm() {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/token");
  }

  /** The CA certificate the registry checks tokens against. */
  public Path rootCertBundle() {
    return ca.caFile();
  }

  public String username() {
    return user;
  }

  public String password() {
    return password;
  }

  /** How many tokens were issued so far (to see that a client reuses its token). */
  public int issuedCount() {
    return issued.get();
  }

  private void token(HttpExchange ex) throws IOException {
    try (ex) {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
          .getBytes(StandardCharsets.UTF_8));
      if (auth == null || !java.security.MessageDigest.isEqual(auth.getBytes(StandardCharsets.UTF_8),
          expected.getBytes(StandardCharsets.UTF_8))) {
        byte[] body = "{\"details\":\"authentication required\"}".getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"bootfleet-test-tokens\"");
        ex.sendResponseHeaders(401, body.length);
        ex.getResponseBody().write(body);
        return;
      }
      List<String> access = new ArrayList<>();
      String query = ex.getRequestURI().getRawQuery();
      for (String part : query == null ? new String[0] : query.split("&")) {
        if (part.startsWith("scope=")) {
          String scope = URLDecoder.decode(part.substring(6), StandardCharsets.UTF_8);
          String[] f = scope.split(":");
          if (f.length == 3 && f[0].equals("repository")) {
            access.add(accessEntry(f[1], List.of(f[2].split(","))));
          }
        }
      }
      String jwt = jwt(user, access);
      byte[] body = ("{\"token\":\"" + jwt + "\",\"access_token\":\"" + jwt
          + "\",\"expires_in\":300,\"issued_at\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** A token for {@code subject} with {@code actions} on {@code repository}, as the test's own key. */
  public String issue(String subject, String repository, List<String> actions) {
    return jwt(subject, List.of(accessEntry(repository, actions)));
  }

  private static String accessEntry(String repository, List<String> actions) {
    return "{\"type\":\"repository\",\"name\":\"" + repository + "\",\"actions\":["
        + String.join(",", actions.stream().map(a -> "\"" + a + "\"").toList()) + "]}";
  }

  private String jwt(String subject, List<String> access) {
    try {
      String x5c = Base64.getEncoder().encodeToString(signer.cert().getEncoded());
      String header = "{\"typ\":\"JWT\",\"alg\":\"ES256\",\"x5c\":[\"" + x5c + "\"]}";
      long now = Instant.now().getEpochSecond();
      String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + subject + "\",\"aud\":\"" + SERVICE
          + "\",\"exp\":" + (now + 300) + ",\"nbf\":" + (now - 60) + ",\"iat\":" + now + ",\"jti\":\""
          + UUID.randomUUID() + "\",\"access\":[" + String.join(",", access) + "]}";
      Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
      String signingInput = url.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
          + url.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
      Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
      s.initSign(signer.keys().getPrivate());
      s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      issued.incrementAndGet();
      return signingInput + "." + url.encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
