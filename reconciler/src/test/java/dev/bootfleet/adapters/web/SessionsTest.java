package dev.bootfleet.adapters.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SessionsTest {

  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  final Sessions sessions = new Sessions(clock, new Random(7));

  @Test
  void open_givesARandomIdFoundAgain_withTheOperatorAndACsrfToken() {
    String a = sessions.open("hash-a", "id-a");
    String b = sessions.open("hash-b", "id-b");
    assertThat(a).isNotEqualTo(b).hasSize(43).matches("[A-Za-z0-9_-]+");
    Sessions.Session s = sessions.find(a).orElseThrow();
    assertThat(s.operatorHash()).isEqualTo("hash-a");
    assertThat(s.operatorId()).isEqualTo("id-a");
    assertThat(s.csrf()).hasSize(43).isNotEqualTo(a);
    assertThat(sessions.find(b).orElseThrow().csrf()).isNotEqualTo(s.csrf());
  }

  @Test
  void find_endsTheSession_afterIdleTime() {
    String id = sessions.open("h", "i");
    clock.now = clock.now.plus(Sessions.IDLE).minusSeconds(1);
    assertThat(sessions.find(id)).isPresent(); // and the idle time starts again
    clock.now = clock.now.plus(Sessions.IDLE).minusSeconds(1);
    assertThat(sessions.find(id)).isPresent();
    clock.now = clock.now.plus(Sessions.IDLE);
    assertThat(sessions.find(id)).isEmpty();
    assertThat(sessions.size()).isZero();
  }

  @Test
  void find_endsTheSession_afterItsLifetimeEvenWhenUsed() {
    String id = sessions.open("h", "i");
    Instant end = clock.now.plus(Sessions.LIFETIME);
    while (clock.now.isBefore(end.minus(Duration.ofMinutes(10)))) {
      clock.now = clock.now.plus(Duration.ofMinutes(10));
      assertThat(sessions.find(id)).as("at %s", clock.now).isPresent();
    }
    clock.now = end;
    assertThat(sessions.find(id)).isEmpty();
  }

  @Test
  void close_endsTheSession() {
    String id = sessions.open("h", "i");
    sessions.close(id);
    assertThat(sessions.find(id)).isEmpty();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"nope", "x"})
  void find_findsNothing_forAnUnknownOrMissingId(String id) {
    sessions.open("h", "i");
    assertThat(sessions.find(id)).isEmpty();
  }

  @Test
  void find_findsNothing_forTheIdsHashOrAnotherSessionsCsrfToken() {
    String id = sessions.open("h", "i");
    Sessions.Session s = sessions.find(id).orElseThrow();
    assertThat(sessions.find(dev.bootfleet.core.server.Tokens.hash(id))).isEmpty(); // the key is not the cookie
    assertThat(sessions.find(s.csrf())).isEmpty();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"wrong", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
  void csrfMatches_refuses_aMissingOrWrongToken(String given) {
    Sessions.Session s = sessions.find(sessions.open("h", "i")).orElseThrow();
    assertThat(s.csrfMatches(given)).isFalse();
    assertThat(s.csrfMatches(s.csrf())).isTrue();
  }

  @Test
  void open_refusesAnother_whenMaxAreLive_andMakesRoomFromExpiredOnes() {
    for (int i = 0; i < Sessions.MAX; i++) {
      assertThat(sessions.open("h", "i")).isNotNull();
    }
    assertThat(sessions.open("h", "i")).isNull();
    clock.now = clock.now.plus(Sessions.IDLE);
    assertThat(sessions.open("h", "i")).isNotNull();
    assertThat(sessions.size()).isEqualTo(1);
  }
}
