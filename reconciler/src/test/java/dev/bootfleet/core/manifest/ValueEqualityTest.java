package dev.bootfleet.core.manifest;

import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.image.Digest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.yaml.Pos;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The value types whose equals, hashCode and order are written by hand (to spare every start-up the
 * classes a record's generated methods spin): they must mean what the record's would.
 */
class ValueEqualityTest {
  static final String A = "sha256:" + "a".repeat(64);
  static final String B = "sha256:" + "b".repeat(64);

  @Test
  void imageRef_equalWhenEveryPartIs_andHashesAlike() {
    ImageRef one = ImageRef.parse("quay.io/fedora/fedora-bootc:42@" + A);
    ImageRef same = ImageRef.parse("quay.io/fedora/fedora-bootc:42@" + A);

    assertThat(one).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(one).isNotEqualTo(null).isNotEqualTo(one.toString());
    for (String other : List.of("registry.example/fedora/fedora-bootc:42@" + A, "quay.io/fedora/other:42@" + A,
        "quay.io/fedora/fedora-bootc:43@" + A, "quay.io/fedora/fedora-bootc@" + A,
        "quay.io/fedora/fedora-bootc:42@" + B, "quay.io/fedora/fedora-bootc:42")) {
      assertThat(one).as(other).isNotEqualTo(ImageRef.parse(other));
      assertThat(ImageRef.parse(other)).as(other).isNotEqualTo(one);
    }
  }

  @Test
  void imageRef_findsItsEntryInAMap() {
    Map<ImageRef, String> answers = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      answers.put(ImageRef.parse("reg.example:5000/os:t" + i), "t" + i);
    }

    assertThat(answers).hasSize(100);
    assertThat(answers.get(ImageRef.parse("reg.example:5000/os:t42"))).isEqualTo("t42");
    assertThat(answers.get(ImageRef.parse("reg.example:5000/os:t100"))).isNull();
  }

  @Test
  void digest_equalByItsHex() {
    assertThat(Digest.parse(A)).isEqualTo(Digest.parse(A)).hasSameHashCodeAs(Digest.parse(A))
        .isNotEqualTo(Digest.parse(B)).isNotEqualTo(A);
  }

  @Test
  void problemOrder_byFileThenLineThenColumnThenMessage() {
    Problem b1 = Problem.error("b.yaml", new Pos(1, 1), "", "z");
    Problem a9 = Problem.error("a.yaml", new Pos(9, 1), "", "z");
    Problem a2col5 = Problem.error("a.yaml", new Pos(2, 5), "", "a");
    Problem a2col3m = Problem.warning("a.yaml", new Pos(2, 3), "", "m");
    Problem a2col3b = Problem.error("a.yaml", new Pos(2, 3), "", "b");
    Problem none = Problem.error("", null, "", "whole repository");
    List<Problem> problems = new ArrayList<>(List.of(b1, a9, a2col5, a2col3m, a2col3b, none));

    problems.sort(Problem.ORDER);

    assertThat(problems).containsExactly(none, a2col3b, a2col3m, a2col5, a9, b1);
  }
}
