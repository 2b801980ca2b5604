package dev.bootfleet.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The test harness itself: a real docker-registry process, and images pushed to it with jib-core. */
class RegistryHarnessTest {
  private static RegistryServer registry;
  private static TestImages images;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws IOException {
    registry = RegistryServer.start();
    images = new TestImages(registry);
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  /** HEAD a manifest with every manifest media type accepted; the answer's digest and type. */
  private static HttpResponse<Void> head(String repository, String reference) throws Exception {
    HttpRequest head = HttpRequest.newBuilder(registry.baseUri().resolve("/v2/" + repository + "/manifests/" + reference))
        .timeout(Duration.ofSeconds(10))
        .header("Accept", String.join(", ", TestImages.ALL_MANIFEST_TYPES))
        .method("HEAD", HttpRequest.BodyPublishers.noBody())
        .build();
    return HTTP.send(head, HttpResponse.BodyHandlers.discarding());
  }

  @Test
  void start_servesTheV2Api_onLoopback() throws Exception {
    assertThat(registry.host()).matches("127\\.0\\.0\\.1:\\d+");
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(registry.baseUri().resolve("/v2/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Docker-Distribution-Api-Version")).hasValue("registry/2.0");
  }

  @Test
  void push_returnsTheDigestTheRegistryServesForTheTag() throws Exception {
    TestImages.Image image = images.push("harness/single", "v1");

    HttpResponse<Void> r = head("harness/single", "v1");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Docker-Content-Digest")).hasValue(image.digest());
    assertThat(r.headers().firstValue("Content-Type")).hasValue(TestImages.OCI_MANIFEST);
    assertThat(image.digest()).matches("sha256:[0-9a-f]{64}");
    assertThat(image.pinned()).isEqualTo(registry.host() + "/harness/single:v1@" + image.digest());
  }

  @Test
  void push_twiceToOneTag_givesDifferentDigests_andTheTagFollowsTheLast() throws Exception {
    TestImages.Image first = images.push("harness/moving", "latest");
    TestImages.Image second = images.push("harness/moving", "latest");

    assertThat(second.digest()).isNotEqualTo(first.digest());
    assertThat(head("harness/moving", "latest").headers().firstValue("Docker-Content-Digest"))
        .hasValue(second.digest());
    assertThat(head("harness/moving", first.digest()).statusCode()).isEqualTo(200);
  }

  @Test
  void pushDocker_storesADockerV22Manifest() throws Exception {
    TestImages.Image image = images.pushDocker("harness/docker", "v1");

    HttpResponse<Void> r = head("harness/docker", "v1");

    assertThat(r.headers().firstValue("Docker-Content-Digest")).hasValue(image.digest());
    assertThat(r.headers().firstValue("Content-Type")).hasValue(TestImages.DOCKER_MANIFEST);
  }

  @Test
  void pushIndex_storesAnOciIndexWithAmd64AndArm64Children() throws Exception {
    TestImages.Index index = images.pushIndex("harness/multi", "1.0");

    HttpResponse<Void> r = head("harness/multi", "1.0");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Docker-Content-Digest")).hasValue(index.digest());
    assertThat(r.headers().firstValue("Content-Type")).hasValue(TestImages.OCI_INDEX);

    assertThat(index.children()).containsOnlyKeys("linux/amd64", "linux/arm64");
    assertThat(index.child("linux/amd64")).isNotEqualTo(index.child("linux/arm64")).isNotEqualTo(index.digest());
    for (String child : index.children().values()) {
      HttpResponse<Void> c = head("harness/multi", child);
      assertThat(c.statusCode()).isEqualTo(200);
      assertThat(c.headers().firstValue("Content-Type")).hasValue(TestImages.OCI_MANIFEST);
    }
    HttpResponse<String> body = HTTP.send(
        HttpRequest.newBuilder(registry.baseUri().resolve("/v2/harness/multi/manifests/" + index.digest()))
            .header("Accept", TestImages.OCI_INDEX).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(body.body()).contains(index.child("linux/amd64"), index.child("linux/arm64"), "\"arm64\"");
  }

  @Test
  void head_unknownTag_is404() throws Exception {
    images.push("harness/known", "v1");

    assertThat(head("harness/known", "nope").statusCode()).isEqualTo(404);
  }
}
