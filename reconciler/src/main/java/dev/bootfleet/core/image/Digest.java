package dev.bootfleet.core.image;

import dev.bootfleet.core.text.Quote;
import java.util.regex.Pattern;

/** A content digest, {@code sha256:<64 lower-case hex>}: the only algorithm OCI registries and bootc use. */
public record Digest(String hex) {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  public Digest {
    if (hex == null || !HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException("'" + hex + "' is not 64 lower-case hex digits");
    }
  }

  /**
   * Parses {@code sha256:<64 hex>}.
   *
   * @throws IllegalArgumentException with a message saying what is wrong and the form expected
   */
  public static Digest parse(String text) {
    String why = problem(text);
    if (why != null) {
      throw new IllegalArgumentException(Quote.of(text) + " is not a digest: " + why
          + " (expected sha256:<64 hex>)");
    }
    return new Digest(text.substring("sha256:".length()));
  }

  /** What is wrong with a digest's text, in a few words, or null when it is a digest. */
  static String problem(String text) {
    if (text == null || text.isEmpty()) {
      return "it is empty";
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      return "it has no algorithm";
    }
    String algorithm = text.substring(0, colon);
    if (!algorithm.equals("sha256")) {
      return Quote.of(algorithm) + " is not supported, only sha256";
    }
    String hex = text.substring(colon + 1);
    if (HEX.matcher(hex).matches()) {
      return null;
    }
    if (!hex.matches("[0-9a-fA-F]*")) {
      return "it holds characters that are not hex digits";
    }
    if (hex.length() != 64) {
      return "it has " + hex.length() + " hex digits, not 64";
    }
    return "it has upper-case hex digits; a digest is written in lower case";
  }

  /** The first 12 hex digits, for people. */
  public String shortForm() {
    return hex.substring(0, 12);
  }

  @Override
  public String toString() {
    return "sha256:" + hex;
  }

  // By hand, as in ImageRef: a record's generated equals and hashCode spin classes at their first call.
  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d && hex.equals(d.hex);
  }

  @Override
  public int hashCode() {
    return hex.hashCode();
  }
}
