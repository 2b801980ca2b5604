package dev.bootfleet.core.manifest;

import dev.bootfleet.core.image.Digest;
import dev.bootfleet.core.image.ImageLock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageLockFileTest {
  static final String REPO = "quay.io/example/os";
  static final Digest INDEX = Digest.parse("sha256:" + "1".repeat(64));
  static final Digest AMD64 = Digest.parse("sha256:" + "2".repeat(64));
  static final Digest ARM64 = Digest.parse("sha256:" + "3".repeat(64));

  static ImageLock lock() {
    return new ImageLock(Map.of(ImageLock.key(REPO, INDEX), new ImageLock.Index(ImageLock.OCI_INDEX,
        List.of(new ImageLock.Child(AMD64, "linux/amd64"), new ImageLock.Child(ARM64, "linux/arm64/v8")))));
  }

  @Test
  void render_isCanonicalJson_andParsesBackToTheSameLock() {
    String text = ImageLockFile.render(lock());

    assertThat(text).isEqualTo("""
        {
          "apiVersion": "bootfleet.dev/v1alpha1",
          "kind": "ImageLock",
          "indexes": {
            "quay.io/example/os@sha256:1111111111111111111111111111111111111111111111111111111111111111": {
              "mediaType": "application/vnd.oci.image.index.v1+json",
              "manifests": [
                {
                  "digest": "sha256:2222222222222222222222222222222222222222222222222222222222222222",
                  "platform": "linux/amd64"
                },
                {
                  "digest": "sha256:3333333333333333333333333333333333333333333333333333333333333333",
                  "platform": "linux/arm64/v8"
                }
              ]
            }
          }
        }
        """);
    ImageLockFile.Result back = ImageLockFile.parse(text, ImageLock.FILE);
    assertThat(back.problems()).isEmpty();
    assertThat(back.lock()).isEqualTo(lock());
  }

  @Test
  void render_emptyLock_hasAnEmptyIndexesObject() {
    assertThat(ImageLockFile.render(ImageLock.EMPTY)).contains("\"indexes\": {}");
    assertThat(ImageLockFile.parse(ImageLockFile.render(ImageLock.EMPTY), "x").lock().isEmpty()).isTrue();
  }

  @Test
  void child_matchesDigestAndArchitecture() {
    ImageLock lock = lock();
    assertThat(lock.child(REPO, INDEX, AMD64.toString(), "amd64")).isPresent();
    assertThat(lock.child(REPO, INDEX, ARM64.toString(), "arm64")).isPresent();
    assertThat(lock.child(REPO, INDEX, AMD64.toString(), "arm64")).isEmpty();
    assertThat(lock.child("quay.io/example/other", INDEX, AMD64.toString(), "amd64")).isEmpty();
  }

  @Test
  void parse_syntaxError_namesFileAndLine() {
    ImageLockFile.Result r = ImageLockFile.parse("{\n  \"apiVersion\": \"bootfleet.dev/v1alpha1\",\n  oops\n}", "bootfleet.lock.json");

    assertThat(r.lock().isEmpty()).isTrue();
    assertThat(r.problems()).singleElement().extracting(Problem::format).asString()
        .startsWith("bootfleet.lock.json:3:").contains("JSON syntax error", "bootfleet pin");
  }

  @Test
  void parse_schemaViolations_areEachReported() {
    String text = """
        {"apiVersion": "bootfleet.dev/v1alpha1", "kind": "ImageLock", "indexes": {
          "quay.io/example/os@sha256:%s": {"mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [{"digest": "sha256:XYZ", "platform": "linux/amd64"}, {"digest": "sha256:%s"}]}}}
        """.formatted("1".repeat(64), "2".repeat(64));

    ImageLockFile.Result r = ImageLockFile.parse(text, "bootfleet.lock.json");

    assertThat(r.problems()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(r.problems()).extracting(Problem::field)
        .anyMatch(f -> f.endsWith("manifests[0].digest"))
        .anyMatch(f -> f.endsWith("manifests[1]"));
  }

  @Test
  void parse_keyWithATag_isAnError() {
    String text = """
        {"apiVersion": "bootfleet.dev/v1alpha1", "kind": "ImageLock", "indexes": {
          "quay.io/example/os:42@sha256:%s": {"mediaType": "application/vnd.oci.image.index.v1+json", "manifests": []}}}
        """.formatted("1".repeat(64));

    ImageLockFile.Result r = ImageLockFile.parse(text, "bootfleet.lock.json");

    assertThat(r.problems()).singleElement().extracting(Problem::message).asString().contains("not keyed by digest");
  }
}
