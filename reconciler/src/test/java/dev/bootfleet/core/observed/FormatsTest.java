package dev.bootfleet.core.observed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written format checks accept exactly what the regular expressions they replaced accept: on
 * chosen edge cases and on random strings over the characters that matter.
 */
class FormatsTest {
  private static final Pattern DIGEST = Pattern.compile("([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern MODE = Pattern.compile("[0-7]{4}");
  private static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  private static boolean regexDigest(String s) {
    var m = DIGEST.matcher(s);
    return m.matches() && (!m.group(1).equals("sha256") || SHA256_HEX.matcher(m.group(2)).matches());
  }

  @Test
  void digestsAsTheGrammarSays() {
    List<String> cases = List.of("sha256:" + HEX, "sha256:" + HEX.toUpperCase(), "sha256:" + HEX + "0",
        "sha256:" + HEX.substring(1), "sha512:abc", "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564",
        "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8", "a:b", ":b", "a:", ":", "", "sha256",
        "a.b:c", "a..b:c", ".a:c", "a.:c", "a-b_c+d.e:xyz", "A:b", "a:b:c", "a:b=", "a:b c", "sha256 :" + HEX,
        "sha256:" + HEX + "\n", "\u0661:b", "a:\u00e9");
    for (String s : cases) {
      assertThat(Formats.isDigest(s)).as(s).isEqualTo(regexDigest(s));
    }
    assertThat(Formats.isDigest("sha256:" + HEX)).isTrue();
    assertThat(Formats.isDigest("sha256:" + HEX.toUpperCase())).isFalse();
  }

  @Test
  void sha256HexAndModesAsTheRegexSays() {
    List<String> cases = new ArrayList<>(List.of(HEX, HEX.toUpperCase(), HEX + "0", HEX.substring(1), "",
        HEX.substring(1) + "g", HEX.substring(1) + "\n", "0644", "0800", "644", "06444", "07 7", "0o64", "\u0660644"));
    for (String s : cases) {
      assertThat(Formats.isSha256Hex(s)).as(s).isEqualTo(SHA256_HEX.matcher(s).matches());
      assertThat(EtcFileState.isMode(s)).as(s).isEqualTo(MODE.matcher(s).matches());
    }
  }

  @Test
  void randomStringsAgreeWithTheRegexes() {
    Random random = new Random(20261122);
    String alphabet = "sha256:+._-=aAzZ09fgF7 \n/";
    for (int i = 0; i < 200_000; i++) {
      StringBuilder b = new StringBuilder();
      int length = random.nextInt(12);
      if (random.nextBoolean()) {
        b.append(random.nextBoolean() ? "sha256:" : "").append(HEX, 0, 56 + random.nextInt(9));
      }
      for (int j = 0; j < length; j++) {
        b.insert(random.nextInt(b.length() + 1), alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String s = b.toString();
      assertThat(Formats.isDigest(s)).as(s).isEqualTo(regexDigest(s));
      assertThat(Formats.isSha256Hex(s)).as(s).isEqualTo(SHA256_HEX.matcher(s).matches());
    }
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int j = 3 + random.nextInt(3); j > 0; j--) {
        b.append("012345678a /".charAt(random.nextInt(random.nextInt(4) == 0 ? 12 : 8)));
      }
      String mode = b.toString();
      assertThat(EtcFileState.isMode(mode)).as(mode).isEqualTo(MODE.matcher(mode).matches());
    }
  }
}
