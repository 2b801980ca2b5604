package dev.bootfleet.core.manifest;

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
   * @throws IllegalArgumentException with a message naming the expected form
   */
  public static Digest parse(String text) {
    if (text == null || !text.startsWith("sha256:")) {
      throw new IllegalArgumentException(Quote.of(text) + " is not a digest (expected sha256:<64 hex>)");
    }
    String hex = text.substring("sha256:".length());
    if (!HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(Quote.of(text) + " is not a digest (expected sha256:<64 hex>)");
    }
    return new Digest(hex);
  }

  /** The first 12 hex digits, for people. */
  public String shortForm() {
    return hex.substring(0, 12);
  }

  @Override
  public String toString() {
    return "sha256:" + hex;
  }
}
