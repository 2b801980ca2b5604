package dev.bootfleet.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class TokensTest {
  @ParameterizedTest
  @EnumSource(Tokens.Kind.class)
  void generate_givesAWellFormedTokenOfItsKind_forEachKind(Tokens.Kind kind) {
    String t = Tokens.generate(kind, new Random(1));
    assertThat(t).startsWith(kind.prefix()).hasSize(kind.prefix().length() + 43);
    assertThat(Tokens.kindOf(t)).isEqualTo(kind);
    assertThat(Tokens.hash(t)).hasSize(64).doesNotContain(t.substring(4));
  }

  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {
      "null", "''", "bfo_", "bfx_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "bfo_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "bfo_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "bfo_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/", "bfo_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="})
  void kindOf_isNull_forAnythingButAToken(String token) {
    assertThat(Tokens.kindOf(token)).isNull();
  }

  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {
      "Bearer abc, abc", "bearer abc, abc", "'Bearer  abc ', abc", "Basic abc, null", "Bearer , null", "null, null"})
  void bearer_readsTheToken_onlyFromABearerHeader(String header, String token) {
    assertThat(Tokens.bearer(header)).isEqualTo(token);
  }
}
