package dev.bootfleet.core.observed;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** The string formats the observed state relies on, with the words errors use to name them. */
final class Formats {
  static final String DIGEST_FORM = "a digest like sha256:<64 lowercase hex digits>";
  static final String SHA256_FORM = "64 lowercase hex digits";
  static final String DATE_TIME_FORM = "an RFC 3339 date-time like 2024-08-07T12:00:00Z";

  /** OCI image-spec digest grammar: {@code algorithm ":" encoded}. */
  private static final Pattern DIGEST =
      Pattern.compile("([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private Formats() {}

  /** A well-formed digest; for {@code sha256}, exactly 64 lowercase hex digits as OCI requires. */
  static boolean isDigest(String s) {
    var m = DIGEST.matcher(s);
    return m.matches() && (!m.group(1).equals("sha256") || isSha256Hex(m.group(2)));
  }

  static boolean isSha256Hex(String s) {
    return SHA256_HEX.matcher(s).matches();
  }

  static boolean isDateTime(String s) {
    try {
      OffsetDateTime.parse(s);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
