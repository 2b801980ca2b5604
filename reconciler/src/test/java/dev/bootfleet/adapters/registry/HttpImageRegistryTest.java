package dev.bootfleet.adapters.registry;

import static dev.bootfleet.adapters.registry.FaultyProxy.fault;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.core.image.ImageLock;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.port.ImageRegistry;
import dev.bootfleet.core.port.ImageRegistry.RegistryException;
import dev.bootfleet.core.port.ImageRegistry.RegistryException.Kind;
import dev.bootfleet.testing.MutableClock;
import dev.bootfleet.testing.RegistryServer;
import dev.bootfleet.testing.TestImages;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The registry adapter against a real docker-registry on loopback (plain HTTP, no authentication). */
class HttpImageRegistryTest {
  static RegistryServer registry;
  static TestImages images;
  static TestImages.Image single;
  static TestImages.Image docker;
  static TestImages.Index index;

  final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void start() throws Exception {
    registry = RegistryServer.start();
    images = new TestImages(registry);
    single = images.push("fleet/web-os", "42.1");
    docker = images.pushDocker("fleet/docker-os", "1");
    index = images.pushIndex("fleet/multi-os", "2.0");
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  RegistrySettings plain(String... hosts) {
    return RegistrySettings.defaults(Map.of("HOME", "/nonexistent")).withPlainHttp(Set.of(hosts))
        .withCertsDirs(List.of());
  }

  HttpImageRegistry client(RegistrySettings s) {
    return new HttpImageRegistry(s, Clock.systemUTC(), waits::add);
  }

  static ImageRef ref(String text) {
    return ImageRef.parse(text);
  }

  @Test
  void resolveTag_singleImage_givesThePushedDigestAndType() throws Exception {
    try (HttpImageRegistry c = client(plain(registry.host()))) {
      ImageRegistry.Manifest m = c.resolveTag(ref(single.tagged()));

      assertThat(m.digest()).hasToString(single.digest());
      assertThat(m.mediaType()).isEqualTo(TestImages.OCI_MANIFEST);
      assertThat(m.isIndex()).isFalse();
      assertThat(m.children()).isEmpty();
    }
  }

  @Test
  void resolveTag_dockerV22Image_keepsItsMediaType() throws Exception {
    try (HttpImageRegistry c = client(plain(registry.host()))) {
      ImageRegistry.Manifest m = c.resolveTag(ref(docker.tagged()));

      assertThat(m.digest()).hasToString(docker.digest());
      assertThat(m.mediaType()).isEqualTo(TestImages.DOCKER_MANIFEST);
    }
  }

  @Test
  void resolveTag_index_givesTheIndexDigestAndItsChildrenWithPlatforms() throws Exception {
    try (HttpImageRegistry c = client(plain(registry.host()))) {
      ImageRegistry.Manifest m = c.resolveTag(ref(index.tagged()));

      assertThat(m.digest()).hasToString(index.digest());
      assertThat(m.mediaType()).isEqualTo(ImageLock.OCI_INDEX);
      assertThat(m.children()).extracting(ch -> ch.platform() + "=" + ch.digest())
          .containsExactly("linux/amd64=" + index.child("linux/amd64"), "linux/arm64=" + index.child("linux/arm64"));
    }
  }

  @Test
  void fetchDigest_index_readsAndChecksIt() throws Exception {
    try (HttpImageRegistry c = client(plain(registry.host()))) {
      ImageRegistry.Manifest m = c.fetchDigest(ref(index.host() + "/" + index.repository() + "@" + index.digest()));

      assertThat(m.digest()).hasToString(index.digest());
      assertThat(m.children()).hasSize(2);
    }
  }

  @Test
  void exists_trueForAPushedDigest_falseForAnother() throws Exception {
    try (HttpImageRegistry c = client(plain(registry.host()))) {
      assertThat(c.exists(ref(single.byDigest()))).isTrue();
      assertThat(c.exists(ref(index.host() + "/" + index.repository() + "@" + index.child("linux/arm64")))).isTrue();
      assertThat(c.exists(ref(registry.host() + "/fleet/web-os@sha256:" + "0".repeat(64)))).isFalse();
    }
  }

  @Test
  void resolveTag_unknownTag_saysSo() {
    try (HttpImageRegistry c = client(plain(registry.host()))) {
      assertThatThrownBy(() -> c.resolveTag(ref(registry.host() + "/fleet/web-os:nope")))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MANIFEST_UNKNOWN))
          .hasMessage("tag \"nope\" does not exist in " + registry.host() + "/fleet/web-os");
    }
  }

  @Test
  void resolveTag_unknownRepository_saysSo() {
    try (HttpImageRegistry c = client(plain(registry.host()))) {
      assertThatThrownBy(() -> c.resolveTag(ref(registry.host() + "/fleet/no-such-os:1")))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NAME_UNKNOWN))
          .hasMessage("repository " + registry.host() + "/fleet/no-such-os does not exist");
    }
  }

  @Test
  void resolveTag_registryDown_retriesThenSaysConnectionRefused() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String down = "127.0.0.1:" + port;
    try (HttpImageRegistry c = client(plain(down))) {
      assertThatThrownBy(() -> c.resolveTag(ref(down + "/fleet/web-os:1")))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
          .hasMessage("cannot reach http://" + down + ": connection refused (is the registry running?) (after 4 tries)");
    }
    assertThat(waits).hasSize(3);
    assertThat(waits.get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(500)).isLessThan(Duration.ofMillis(700));
  }

  @Test
  void resolveTag_plainHttpRegistryNotListed_failsOnTlsAndSuggestsPlainHttp() {
    try (HttpImageRegistry c = client(plain())) {
      assertThatThrownBy(() -> c.resolveTag(ref(single.tagged())))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
          .hasMessageStartingWith("TLS with https://" + registry.host() + " failed")
          .hasMessageEndingWith("list it with --plain-http " + registry.host());
    }
    assertThat(waits).isEmpty(); // a TLS failure is not retried
  }

  @Test
  void resolveTag_429WithRetryAfter_waitsAsAskedThenSucceeds() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(registry.baseUri(),
        n -> n <= 2 ? fault(429, "Retry-After", "3") : null);
        HttpImageRegistry c = client(plain(proxy.host()))) {
      ImageRegistry.Manifest m = c.resolveTag(ref(proxy.host() + "/fleet/web-os:42.1"));

      assertThat(m.digest()).hasToString(single.digest());
      assertThat(waits).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(3));
      assertThat(proxy.requests()).isEqualTo(3);
    }
  }

  @Test
  void resolveTag_503ThenOk_backsOffAndSucceeds() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(registry.baseUri(), n -> n == 1 ? fault(503) : null);
        HttpImageRegistry c = client(plain(proxy.host()))) {
      assertThat(c.resolveTag(ref(proxy.host() + "/fleet/web-os:42.1")).digest()).hasToString(single.digest());
      assertThat(waits).singleElement().satisfies(d -> assertThat(d).isBetween(Duration.ofMillis(250), Duration.ofMillis(313)));
    }
  }

  @Test
  void resolveTag_always503_givesUpAfterTheTries() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(registry.baseUri(), n -> fault(503));
        HttpImageRegistry c = client(plain(proxy.host()))) {
      assertThatThrownBy(() -> c.resolveTag(ref(proxy.host() + "/fleet/web-os:42.1")))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
          .hasMessage(proxy.host() + " answered HTTP 503 (after 4 tries)");
      assertThat(proxy.requests()).isEqualTo(4);
    }
  }

  @Test
  void resolveTag_retryAfterLongerThanWeWait_givesUpAtOnce() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(registry.baseUri(), n -> fault(429, "Retry-After", "3600"));
        HttpImageRegistry c = client(plain(proxy.host()))) {
      assertThatThrownBy(() -> c.resolveTag(ref(proxy.host() + "/fleet/web-os:42.1")))
          .hasMessage(proxy.host() + " kept answering HTTP 429 Too Many Requests");
      assertThat(proxy.requests()).isEqualTo(1);
      assertThat(waits).isEmpty();
    }
  }

  @Test
  void resolveTag_noAnswer_timesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String host = "127.0.0.1:" + silent.getLocalPort();
      RegistrySettings s = plain(host).withTimeout(Duration.ofMillis(300)).withRetries(2, Duration.ofMillis(1),
          Duration.ofSeconds(1));
      try (HttpImageRegistry c = client(s)) {
        assertThatThrownBy(() -> c.resolveTag(ref(host + "/fleet/web-os:1")))
            .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
            .hasMessage("cannot reach http://" + host + ": no complete answer within 0.3 s (--registry-timeout)"
                + " (after 2 tries)");
      }
    }
  }

  @Test
  void resolveTag_sameTagTwice_withinTheTtl_asksOnce_afterItAsksAgain() throws Exception {
    TestImages.Image first = images.push("fleet/moving", "stable");
    MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    try (FaultyProxy proxy = new FaultyProxy(registry.baseUri(), n -> null);
        HttpImageRegistry c = new HttpImageRegistry(plain(proxy.host()).withTagTtl(Duration.ofSeconds(60)), clock,
            waits::add)) {
      ImageRef moving = ref(proxy.host() + "/fleet/moving:stable");
      assertThat(c.resolveTag(moving).digest()).hasToString(first.digest());
      TestImages.Image second = images.push("fleet/moving", "stable");

      clock.now = clock.now.plusSeconds(30);
      assertThat(c.resolveTag(moving).digest()).hasToString(first.digest());
      assertThat(proxy.requests()).isEqualTo(1);

      clock.now = clock.now.plusSeconds(31);
      assertThat(c.resolveTag(moving).digest()).hasToString(second.digest());
      assertThat(proxy.requests()).isEqualTo(2);
    }
  }

  @Test
  void lookUpAll_manyTags_keepsOrder_andAtMostConcurrencyInFlight() throws Exception {
    List<TestImages.Image> pushed = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      pushed.add(images.push("fleet/many", "t" + i));
    }
    try (FaultyProxy proxy = new FaultyProxy(registry.baseUri(), n -> null);
        HttpImageRegistry c = client(plain(proxy.host()).withConcurrency(3))) {
      List<ImageRef> refs = new ArrayList<>(IntStream.range(0, 12)
          .mapToObj(i -> ref(proxy.host() + "/fleet/many:t" + i)).toList());
      refs.add(ref(proxy.host() + "/fleet/many:missing"));
      refs.add(ref(proxy.host() + "/fleet/multi-os@" + index.digest()));

      List<ImageRegistry.Outcome> out = c.lookUpAll(refs);

      for (int i = 0; i < 12; i++) {
        assertThat(out.get(i).manifest().digest()).hasToString(pushed.get(i).digest());
      }
      assertThat(out.get(12).ok()).isFalse();
      assertThat(out.get(12).error().kind()).isEqualTo(Kind.MANIFEST_UNKNOWN);
      assertThat(out.get(13).manifest().children()).hasSize(2);
      assertThat(proxy.maxInFlight()).isBetween(2, 3);
    }
  }

}
