package dev.bootfleet.app.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The demo's in-memory catalog: stable, distinct digests; a tag and its pinned digest name the same image. */
class DemoImagesTest {
  final DemoImages images = new DemoImages();

  @ParameterizedTest
  @ValueSource(strings = {"1.0", "1.1", "1.2-broken"})
  void resolve_tagAndPinnedDigest_giveTheSameImage(String tag) throws Exception {
    ImageLookup.Image byTag = images.resolve(DemoImages.REPOSITORY + ":" + tag, "registry", "arm64");
    ImageLookup.Image byDigest = images.resolve(DemoImages.pinned(tag), "registry", "amd64");
    assertThat(byTag.imageDigest()).isEqualTo(DemoImages.digest(tag)).isEqualTo(byDigest.imageDigest())
        .matches("sha256:[0-9a-f]{64}");
    assertThat(byTag.version()).isEqualTo(tag);
    assertThat(byTag.architecture()).isEqualTo("arm64");
    assertThat(byDigest.architecture()).isEqualTo("amd64");
  }

  @Test
  void digest_isStableAndDistinctPerTag() {
    // a fixed value: the demo's digests must not change between runs or releases
    assertThat(DemoImages.digest("1.0")).isEqualTo(DemoImages.digest("1.0"));
    assertThat(DemoImages.TAGS.stream().map(DemoImages::digest).distinct()).hasSize(3);
  }

  @Test
  void resolve_unknownTagOrDigest_failsLikeAPull() {
    assertThatThrownBy(() -> images.resolve(DemoImages.REPOSITORY + ":9.9", "registry", "amd64"))
        .isInstanceOf(ImageLookup.PullFailed.class).hasMessageContaining("reading manifest 9.9")
        .hasMessageContaining("manifest unknown");
    assertThatThrownBy(() -> images.resolve(DemoImages.REPOSITORY + "@sha256:" + "0".repeat(64), "registry",
        "amd64")).isInstanceOf(ImageLookup.PullFailed.class).hasMessageContaining("manifest unknown");
  }

  @Test
  void resolve_anotherRepositoryOrTransport_fails() {
    assertThatThrownBy(() -> images.resolve("quay.io/fedora/fedora-bootc:42", "registry", "amd64"))
        .isInstanceOf(ImageLookup.PullFailed.class).hasMessageContaining("the demo's images are");
    assertThatThrownBy(() -> images.resolve(DemoImages.REPOSITORY + ":1.0", "oci", "amd64"))
        .isInstanceOf(ImageLookup.PullFailed.class).hasMessageContaining("transport oci");
  }

  @Test
  void resolve_notAReference_failsParsing() {
    assertThatThrownBy(() -> images.resolve("Not A Ref", "registry", "amd64"))
        .isInstanceOf(ImageLookup.PullFailed.class).hasMessageStartingWith("Parsing image reference");
  }
}
