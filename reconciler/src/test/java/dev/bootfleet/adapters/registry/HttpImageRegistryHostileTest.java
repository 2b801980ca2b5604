package dev.bootfleet.adapters.registry;

import static dev.bootfleet.testing.HostileRegistry.claimedLength;
import static dev.bootfleet.testing.HostileRegistry.endlessBody;
import static dev.bootfleet.testing.HostileRegistry.json;
import static dev.bootfleet.testing.HostileRegistry.status;
import static dev.bootfleet.testing.HostileRegistry.trickle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.port.ImageRegistry.RegistryException;
import dev.bootfleet.core.port.ImageRegistry.RegistryException.Kind;
import dev.bootfleet.testing.HostileRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The adapter against a registry that misbehaves on purpose ({@link HostileRegistry}): what a hostile or
 * broken registry sends must neither hang a command, nor take a credential, nor reach the terminal raw.
 */
class HttpImageRegistryHostileTest {
  static final String DIGEST = "sha256:" + "a".repeat(64);
  /** Far more than the client may take in before it drops the connection: the cap plus socket buffers. */
  static final long DROPPED_WELL_BEFORE = 32L << 20;
  static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir
  Path tmp;
  HostileRegistry hostile;
  final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws Exception {
    hostile = HostileRegistry.start();
  }

  @AfterEach
  void stop() {
    hostile.close();
  }

  RegistrySettings plain(String... hosts) {
    return RegistrySettings.defaults(Map.of("HOME", "/nonexistent")).withPlainHttp(Set.of(hosts))
        .withCertsDirs(List.of()).withRetries(1, Duration.ofMillis(250), Duration.ofSeconds(60));
  }

  RegistrySettings withCredentials(RegistrySettings s) throws Exception {
    Path auth = tmp.resolve("auth.json");
    Files.writeString(auth, "{\"auths\":{\"" + hostile.host() + "\":{\"auth\":\""
        + Base64.getEncoder().encodeToString("fleet:s3cret-pa55".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
    return s.withAuthFile(auth);
  }

  HttpImageRegistry client(RegistrySettings s) {
    return new HttpImageRegistry(s, Clock.systemUTC(), waits::add);
  }

  ImageRef byDigest() {
    return ImageRef.parse(hostile.host() + "/fleet/os@" + DIGEST);
  }

  @Test
  void fetchDigest_endlessBody_isCutAtTheCap_andTheRestIsNeverRead() throws Exception {
    hostile.on("/v2/fleet/os/manifests/", endlessBody());
    try (HttpImageRegistry c = client(plain(hostile.host()))) {
      assertThatThrownBy(() -> c.fetchDigest(byDigest()))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
          .hasMessage(hostile.host() + " served a manifest larger than 4 MiB");
    }
    assertThat(hostile.bodyEnd(BOUND)).isLessThan(DROPPED_WELL_BEFORE);
  }

  @Test
  void fetchDigest_hugeContentLength_isRefusedWithoutReadingTheBody() throws Exception {
    hostile.on("/v2/fleet/os/manifests/", claimedLength(2L << 30));
    try (HttpImageRegistry c = client(plain(hostile.host()))) {
      assertThatThrownBy(() -> c.fetchDigest(byDigest()))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
          .hasMessage(hostile.host() + " served a manifest larger than 4 MiB");
    }
    assertThat(hostile.bodyEnd(BOUND)).isLessThan(DROPPED_WELL_BEFORE);
  }

  @Test
  void fetchDigest_endlessTokenBody_isCutAtTheCap() throws Exception {
    hostile.on("/v2/", status(401, "WWW-Authenticate", "Bearer realm=\"http://" + hostile.host()
        + "/token\",service=\"hostile\""));
    hostile.on("/token", endlessBody());
    try (HttpImageRegistry c = client(plain(hostile.host()))) {
      assertThatThrownBy(() -> c.fetchDigest(byDigest()))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
          .hasMessage(hostile.host() + "'s token service answered more than 1 MiB");
    }
    assertThat(hostile.bodyEnd(BOUND)).isLessThan(DROPPED_WELL_BEFORE);
  }

  @Test
  void fetchDigest_trickledBody_failsAtTheRequestTimeout_notAtEachRead() throws Exception {
    // 40 bytes, one every 100 ms: every read gets a byte well within the timeout; the whole takes 4 s.
    hostile.on("/v2/fleet/os/manifests/", trickle("{\"schemaVersion\":2,\"layers\":[],\"x\":\"...\"}",
        Duration.ofMillis(100)));
    try (HttpImageRegistry c = client(plain(hostile.host()).withTimeout(Duration.ofSeconds(1)))) {
      assertThatThrownBy(() -> c.fetchDigest(byDigest()))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
          .hasMessage("cannot reach http://" + hostile.host() + ": no complete answer within 1 s"
              + " (--registry-timeout)");
    }
  }

  @Test
  void fetchDigest_trickledHeaders_failAtTheRequestTimeout() throws Exception {
    // HttpServer cannot trickle its status line and headers: a bare socket does, one byte every 100 ms.
    byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\n"
        + "Content-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII);
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread.startVirtualThread(() -> {
        try (Socket s = server.accept()) {
          for (byte b : head) {
            s.getOutputStream().write(b);
            s.getOutputStream().flush();
            Thread.sleep(100); // the imitation's pace
          }
        } catch (IOException | InterruptedException dropped) {
          // the client hung up: what the test is after
        }
      });
      String host = "127.0.0.1:" + server.getLocalPort();
      try (HttpImageRegistry c = client(plain(host).withTimeout(Duration.ofSeconds(1)))) {
        assertThatThrownBy(() -> c.fetchDigest(ImageRef.parse(host + "/fleet/os@" + DIGEST)))
            .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
            .hasMessage("cannot reach http://" + host + ": no complete answer within 1 s (--registry-timeout)");
      }
    }
  }

  @Test
  void fetchDigest_slowAnswersRetried_stopAtTheDeadlineForAllRequests() throws Exception {
    // Each answer is a 503 that takes 300 ms, within the 5 s timeout; 20 tries would take 6 s.
    hostile.on("/v2/fleet/os/manifests/", (x, self) -> {
      x.sendResponseHeaders(503, 3);
      for (byte b : "{}\n".getBytes(StandardCharsets.UTF_8)) {
        x.getResponseBody().write(b);
        x.getResponseBody().flush();
        try {
          Thread.sleep(100); // the imitation's pace
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    });
    RegistrySettings s = plain(hostile.host()).withTimeout(Duration.ofSeconds(5)).withDeadline(Duration.ofSeconds(1))
        .withRetries(20, Duration.ofMillis(1), Duration.ofSeconds(1));
    try (HttpImageRegistry c = client(s)) {
      assertThatThrownBy(() -> c.fetchDigest(byDigest()))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
          .hasMessage("gave up on " + hostile.host() + ": no time left within the registry deadline of 1 s"
              + " (--registry-deadline)");
    }
    assertThat(hostile.seen().size()).isLessThan(20);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void fetchDigest_plainHttpRealmOnAnotherHost_neverGetsTheCredentials(boolean realmListed) throws Exception {
    hostile.on("/v2/", status(401, "WWW-Authenticate", "Bearer realm=\"http://" + hostile.otherHost()
        + "/token\",service=\"hostile\""));
    hostile.on("/token", json(200, "{\"token\":\"t0ken\"}"));
    RegistrySettings s = withCredentials(realmListed ? plain(hostile.host(), hostile.otherHost())
        : plain(hostile.host()));
    try (HttpImageRegistry c = client(s)) {
      assertThatThrownBy(() -> c.fetchDigest(byDigest()))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
          .hasMessageStartingWith(hostile.host() + " gave a token realm on another host over plain HTTP (http://"
              + hostile.otherHost() + ")");
    }
    assertThat(hostile.seen()).noneMatch(r -> r.path().equals("/token"));
  }

  @Test
  void fetchDigest_anonymousPlainHttpRealmOnAnotherHost_isUsedOnlyWhenListed() throws Exception {
    hostile.on("/v2/", status(401, "WWW-Authenticate", "Bearer realm=\"http://" + hostile.otherHost()
        + "/token\""));
    hostile.on("/token", json(200, "{\"token\":\"t0ken\"}"));
    try (HttpImageRegistry c = client(plain(hostile.host()))) {
      assertThatThrownBy(() -> c.fetchDigest(byDigest()))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
          .hasMessage(hostile.host() + " gave a token realm that is not https (http://" + hostile.otherHost()
              + "); list " + hostile.otherHost() + " under --plain-http to allow it");
    }
    assertThat(hostile.seen()).noneMatch(r -> r.path().equals("/token"));

    try (HttpImageRegistry c = client(plain(hostile.host(), hostile.otherHost()))) {
      assertThatThrownBy(() -> c.fetchDigest(byDigest())) // the token is taken, and the registry still says 401
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED));
    }
    assertThat(hostile.seen()).filteredOn(r -> r.path().equals("/token")).isNotEmpty()
        .allSatisfy(r -> assertThat(r.authorization()).isNull());
  }

  @Test
  void fetchDigest_plainHttpRealmOnTheRegistrysOwnHost_getsTheCredentials() throws Exception {
    hostile.on("/v2/", (x, self) -> {
      if (x.getRequestHeaders().getFirst("Authorization") == null) {
        status(401, "WWW-Authenticate", "Bearer realm=\"http://" + self.host() + "/token\"").answer(x, self);
      } else {
        json(404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}").answer(x, self);
      }
    });
    hostile.on("/v2/fleet/os/tags/list", json(200, "{\"tags\":[]}"));
    hostile.on("/token", json(200, "{\"token\":\"t0ken\"}"));
    try (HttpImageRegistry c = client(withCredentials(plain(hostile.host())))) {
      assertThatThrownBy(() -> c.fetchDigest(byDigest()))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MANIFEST_UNKNOWN));
    }
    assertThat(hostile.seen()).filteredOn(r -> r.path().equals("/token")).first()
        .satisfies(r -> assertThat(r.authorization()).startsWith("Basic "));
  }

  @Test
  void fetchDigest_redirectToAHostNotOnThePlainHttpList_isNotFollowed() throws Exception {
    hostile.on("/v2/fleet/os/manifests/", (x, self) -> {
      if (x.getRequestHeaders().getFirst("Host").startsWith("localhost")) {
        json(200, "{\"schemaVersion\":2,\"layers\":[]}").answer(x, self);
      } else {
        status(307, "Location", "http://" + self.otherHost() + x.getRequestURI()).answer(x, self);
      }
    });
    try (HttpImageRegistry c = client(plain(hostile.host()))) {
      assertThatThrownBy(() -> c.fetchDigest(byDigest()))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
          .hasMessage(hostile.host() + " redirected to http://" + hostile.otherHost() + ", which is not on the"
              + " plain-HTTP list (list it with --plain-http " + hostile.otherHost() + " to allow it)");
    }
    assertThat(hostile.seen()).noneMatch(r -> r.host().startsWith("localhost"));
  }

  @Test
  void fetchDigest_redirectToAnotherHost_dropsTheCredentials() throws Exception {
    hostile.on("/v2/fleet/os/manifests/", (x, self) -> {
      if (x.getRequestHeaders().getFirst("Host").startsWith("localhost")) {
        json(404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}").answer(x, self);
      } else if (x.getRequestHeaders().getFirst("Authorization") == null) {
        status(401, "WWW-Authenticate", "Basic realm=\"hostile\"").answer(x, self);
      } else {
        status(307, "Location", "http://" + self.otherHost() + x.getRequestURI()).answer(x, self);
      }
    });
    hostile.on("/v2/fleet/os/tags/list", json(200, "{\"tags\":[]}"));
    try (HttpImageRegistry c = client(withCredentials(plain(hostile.host(), hostile.otherHost())))) {
      assertThatThrownBy(() -> c.fetchDigest(byDigest()))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MANIFEST_UNKNOWN));
    }
    assertThat(hostile.seen()).filteredOn(r -> r.host().startsWith("localhost")).isNotEmpty()
        .allSatisfy(r -> assertThat(r.authorization()).isNull());
  }

  @Test
  void fetchDigest_redirectToAClosedPort_namesTheAddressItCouldNotReach() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String down = "127.0.0.1:" + closed;
    hostile.on("/v2/fleet/os/manifests/", status(307, "Location", "http://" + down + "/v2/fleet/os/manifests/x"));
    try (HttpImageRegistry c = client(plain(hostile.host(), down))) {
      assertThatThrownBy(() -> c.fetchDigest(byDigest()))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
          .hasMessage("cannot reach http://" + down + " (redirected from http://" + hostile.host()
              + "): connection refused (is the registry running?)");
    }
  }

  @Test
  void fetchDigest_errorCodeWithLineBreaksAndEscapes_isQuotedEscaped() throws Exception {
    hostile.on("/v2/fleet/os/manifests/", json(400,
        "{\"errors\":[{\"code\":\"DENIED\\r\\nFAKE: pin: 0 errors\\u001b[2J\"}]}"));
    try (HttpImageRegistry c = client(plain(hostile.host()))) {
      assertThatThrownBy(() -> c.fetchDigest(byDigest()))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
          .hasMessage(hostile.host() + " answered HTTP 400 for digest " + DIGEST
              + " (\"DENIED\\r\\nFAKE: pin: 0 errors\\u001B[2J\")");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"-5", "-999999999999", "0"})
  void fetchDigest_retryAfterBelowTheBackoff_waitsTheBackoff(String retryAfter) throws Exception {
    hostile.on("/v2/fleet/os/manifests/", status(503, "Retry-After", retryAfter));
    RegistrySettings s = plain(hostile.host()).withRetries(3, Duration.ofMillis(250), Duration.ofSeconds(60));
    try (HttpImageRegistry c = client(s)) {
      assertThatThrownBy(() -> c.fetchDigest(byDigest())).hasMessage(hostile.host() + " answered HTTP 503 (after"
          + " 3 tries)");
    }
    assertThat(waits).hasSize(2).allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofMillis(250)));
  }
}
