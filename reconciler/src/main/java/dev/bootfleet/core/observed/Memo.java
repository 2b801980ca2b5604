package dev.bootfleet.core.observed;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Remembers the answers of a pure test on strings. Across a fleet the same values come back in
 * every document (an image's timestamp, a managed file's path, mode and sha256), and some checks
 * (date-time parsing, JSON Schema patterns) cost far more than a hash lookup. At most {@code
 * capacity} answers are kept; after that new values are tested every time. Thread-safe.
 */
final class Memo implements Predicate<String> {
  private final Predicate<String> test;
  private final int capacity;
  private final ConcurrentHashMap<String, Boolean> answers = new ConcurrentHashMap<>();

  Memo(Predicate<String> test, int capacity) {
    this.test = Objects.requireNonNull(test, "test");
    this.capacity = capacity;
  }

  @Override
  public boolean test(String value) {
    if (value == null) {
      return test.test(null);
    }
    Boolean known = answers.get(value);
    if (known != null) {
      return known;
    }
    boolean answer = test.test(value);
    if (answers.size() < capacity) {
      answers.put(value, answer);
    }
    return answer;
  }

  int size() {
    return answers.size();
  }
}
