package dev.bootfleet.core.observed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MemoTest {
  @Test
  void answersAsTheTestDoesAndAsksOncePerValue() {
    AtomicInteger calls = new AtomicInteger();
    Memo memo = new Memo(s -> {
      calls.incrementAndGet();
      return s.startsWith("a");
    }, 10);

    assertThat(memo.test("abc")).isTrue();
    assertThat(memo.test("xyz")).isFalse();
    assertThat(memo.test("abc")).isTrue();
    assertThat(memo.test("xyz")).isFalse();
    assertThat(calls).hasValue(2);
  }

  @Test
  void keepsAtMostItsCapacityAndStillAnswersBeyondIt() {
    AtomicInteger calls = new AtomicInteger();
    Memo memo = new Memo(s -> {
      calls.incrementAndGet();
      return s.length() % 2 == 0;
    }, 3);

    for (String s : new String[] {"a", "bb", "ccc", "dddd", "eeeee"}) {
      assertThat(memo.test(s)).isEqualTo(s.length() % 2 == 0);
    }
    assertThat(memo.size()).isEqualTo(3);
    assertThat(memo.test("dddd")).isTrue();
    assertThat(calls).hasValue(6);
  }

  @Test
  void passesNullThrough() {
    Memo memo = new Memo(s -> s == null, 3);
    assertThat(memo.test(null)).isTrue();
    assertThatThrownBy(() -> new Memo(String::isEmpty, 3).test(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void dateTimesAreCheckedTheSameWithTheMemo() {
    for (String s : new String[] {"2024-08-07T12:00:00Z", "2024-08-07T12:00Z", "2024-02-30T12:00:00Z",
        "2024-08-07t12:00:00z", "2024-08-07T12:00:00+02:00", "2024-08-07 12:00:00Z", "", "yesterday"}) {
      boolean first = Formats.isDateTime(s);
      assertThat(Formats.isDateTime(s)).as(s).isEqualTo(first);
      boolean parses;
      try {
        java.time.OffsetDateTime.parse(s);
        parses = true;
      } catch (java.time.format.DateTimeParseException e) {
        parses = false;
      }
      assertThat(first).as(s).isEqualTo(parses);
    }
  }
}
