package dev.bootfleet.adapters.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.image.ImageLock;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitDesiredStateTest {
  private static final String INDEX = "sha256:" + "1".repeat(64);
  private static final String AMD64 = "sha256:" + "2".repeat(64);

  @TempDir
  Path dir;

  @Test
  void fetch_givesOnlyTheHostAsked_andTheRevisionsImageLock() throws Exception {
    TestRepo repo = TestRepo.init(dir.resolve("fleet"))
        .write("hosts/web-01.yaml", TestRepo.host("web-01", "41"))
        .write("hosts/web-02.yaml", TestRepo.host("web-02", "41"))
        .write(ImageLock.FILE, """
            {"apiVersion": "bootfleet.dev/v1alpha1", "kind": "ImageLock", "indexes": {
              "quay.io/example/os@%s": {"mediaType": "application/vnd.oci.image.index.v1+json",
                "manifests": [{"digest": "%s", "platform": "linux/amd64"}]}}}
            """.formatted(INDEX, AMD64));
    repo.commit("fleet");
    var source = new GitDesiredState(dir.resolve("fleet").toUri().toString(), "main", "", dir.resolve("cache"));

    var desired = source.fetch("web-01");

    assertThat(desired.problems()).isEmpty();
    assertThat(desired.host().name()).isEqualTo("web-01");
    assertThat(desired.revision()).startsWith("main@sha1:");
    assertThat(desired.images().indexes()).containsOnlyKeys("quay.io/example/os@" + INDEX);
    assertThat(desired.images().indexes().values().iterator().next().manifests())
        .extracting(c -> c.digest().toString()).containsExactly(AMD64);
  }

  @Test
  void fetch_movesADamagedCacheAside_andFetchesAfresh() throws Exception {
    Path cache = dir.resolve("cache");
    var source = fetchedOnce(cache);
    String revision = source.fetch("web-01").revision();

    lose(cache.resolve("objects"));
    var desired = source.fetch("web-01");

    assertThat(desired.revision()).isEqualTo(revision);
    assertThat(desired.host().name()).isEqualTo("web-01");
    assertThat(desired.problems()).extracting(p -> p.message())
        .anyMatch(m -> m.contains("was damaged") && m.contains("moved aside to " + dir.resolve("cache.damaged")));
    assertThat(dir.resolve("cache.damaged")).isDirectory();
    assertThat(source.fetch("web-01").problems()).as("repaired for good").isEmpty();
  }

  @Test
  void fetch_keepsTheLastGoodState_whenTheCacheIsDamagedAndTheRemoteIsGone() throws Exception {
    Path cache = dir.resolve("cache");
    var source = fetchedOnce(cache);
    String revision = source.fetch("web-01").revision();

    lose(cache.resolve("objects"));
    lose(dir.resolve("fleet"));
    var desired = source.fetch("web-01");

    assertThat(desired.revision()).isEqualTo(revision);
    assertThat(desired.host()).isNotNull();
    assertThat(desired.hasErrors()).isFalse();
    assertThat(desired.problems()).extracting(p -> p.message())
        .anyMatch(m -> m.contains("keeping the last good desired state"));
  }

  /** A source over a one-host fleet whose cache has been filled by a first fetch. */
  private GitDesiredState fetchedOnce(Path cache) throws Exception {
    TestRepo repo = TestRepo.init(dir.resolve("fleet")).write("hosts/web-01.yaml", TestRepo.host("web-01", "41"));
    repo.commit("fleet");
    var source = new GitDesiredState(dir.resolve("fleet").toUri().toString(), "main", "", cache);
    source.fetch("web-01");
    return source;
  }

  /** Deletes every file below {@code dir}, keeping the folders: what a lost object store looks like. */
  private static void lose(Path dir) throws java.io.IOException {
    try (var walk = java.nio.file.Files.walk(dir)) {
      for (Path p : walk.filter(java.nio.file.Files::isRegularFile).toList()) {
        java.nio.file.Files.delete(p);
      }
    }
  }
}
