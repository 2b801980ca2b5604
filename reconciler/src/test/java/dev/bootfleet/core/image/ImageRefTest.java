package dev.bootfleet.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageRefTest {
  static final String HEX = "a".repeat(64);

  @Test
  void parse_splitsRegistryPathTagAndDigest() {
    ImageRef r = ImageRef.parse("localhost:5000/fleet/web-os:42@sha256:" + HEX);

    assertThat(r.registry()).isEqualTo("localhost:5000");
    assertThat(r.path()).isEqualTo("fleet/web-os");
    assertThat(r.tag()).isEqualTo("42");
    assertThat(r.digest()).isEqualTo(new Digest(HEX));
    assertThat(r).hasToString("localhost:5000/fleet/web-os:42@sha256:" + HEX);
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(delimiter = '|', value = {
      "'quay.io/fedora/os:42 '|contains white space",
      "' quay.io/fedora/os:42'|contains white space",
      "'quay.io/fedora/os:4\t2'|contains white space",
      "'quay.io/fedora/os:4\u20032'|contains white space", // an em space
      "docker://quay.io/fedora/os:42|has a URL scheme",
      "fedora-bootc:42|has no registry"})
  void parse_saysWhatIsWrong(String text, String why) {
    assertThatThrownBy(() -> ImageRef.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why).hasMessageNotContaining("\n");
  }
}
