package dev.bootfleet.core.observed;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** The string formats the observed state relies on, with the words errors use to name them. */
final class Formats {
  static final String DIGEST_FORM = "a digest like sha256:<64 lowercase hex digits>";
  static final String SHA256_FORM = "64 lowercase hex digits";
  static final String DATE_TIME_FORM = "an RFC 3339 date-time like 2024-08-07T12:00:00Z";

  private Formats() {}

  /**
   * A well-formed digest; for {@code sha256}, exactly 64 lowercase hex digits as OCI requires. The OCI
   * image-spec grammar, {@code algorithm ":" encoded}, is the regular expression
   * {@code ([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)}, matched here by hand: these checks run
   * for every deployment of every host, and the regex was a tenth of {@code bootfleet plan}'s time.
   */
  static boolean isDigest(String s) {
    int colon = s.indexOf(':');
    if (colon < 0 || !isAlgorithm(s, colon) || colon == s.length() - 1) {
      return false;
    }
    for (int i = colon + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(isLowerAlnum(c) || c >= 'A' && c <= 'Z' || c == '=' || c == '_' || c == '-')) {
        return false;
      }
    }
    return colon != "sha256".length() || !s.startsWith("sha256") || isSha256Hex(s, colon + 1);
  }

  /** {@code [a-z0-9]+(?:[+._-][a-z0-9]+)*} over {@code s[0, end)}. */
  private static boolean isAlgorithm(String s, int end) {
    boolean afterSeparator = true; // also at the start: a component must come first
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      if (isLowerAlnum(c)) {
        afterSeparator = false;
      } else if ((c == '+' || c == '.' || c == '_' || c == '-') && !afterSeparator) {
        afterSeparator = true;
      } else {
        return false;
      }
    }
    return !afterSeparator;
  }

  private static boolean isLowerAlnum(char c) {
    return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
  }

  /** Exactly 64 lowercase hex digits, {@code [0-9a-f]{64}}. */
  static boolean isSha256Hex(String s) {
    return isSha256Hex(s, 0);
  }

  private static boolean isSha256Hex(String s, int from) {
    if (s.length() - from != 64) {
      return false;
    }
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /** Parsing a date-time is slow, and a fleet's documents repeat the same few image timestamps. */
  private static final Memo DATE_TIMES = new Memo(Formats::parsesAsDateTime, 4096);

  static boolean isDateTime(String s) {
    return DATE_TIMES.test(s);
  }

  private static boolean parsesAsDateTime(String s) {
    try {
      OffsetDateTime.parse(s);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
