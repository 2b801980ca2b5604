package dev.bootfleet.adapters.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ChallengeTest {
  @Test
  void parse_bearerWithQuotedParams() {
    Challenge c = Challenge.parse("Bearer realm=\"https://auth.example/token\",service=\"reg.example\","
        + "scope=\"repository:team/os:pull\"").orElseThrow();

    assertThat(c.isBearer()).isTrue();
    assertThat(c.params()).isEqualTo(Map.of("realm", "https://auth.example/token", "service", "reg.example",
        "scope", "repository:team/os:pull"));
  }

  @Test
  void parse_basicRealm_andUnquotedValues_andEscapes() {
    assertThat(Challenge.parse("Basic realm=\"a \\\"quoted\\\" realm\"").orElseThrow().params())
        .containsEntry("realm", "a \"quoted\" realm");
    assertThat(Challenge.parse("bearer realm=https://x/t, service=s").orElseThrow().params())
        .containsEntry("realm", "https://x/t").containsEntry("service", "s");
  }

  @Test
  void parse_nothing() {
    assertThat(Challenge.parse(null)).isEmpty();
    assertThat(Challenge.parse("  ")).isEmpty();
  }
}
