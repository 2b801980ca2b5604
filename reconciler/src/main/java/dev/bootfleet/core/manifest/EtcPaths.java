package dev.bootfleet.core.manifest;

import dev.bootfleet.core.text.Quote;
import java.util.Optional;

/**
 * The rules for paths bootfleet may manage: absolute, normalised, strictly below {@code /etc/}. Used by
 * validation in Git and again by the agent before it writes.
 */
public final class EtcPaths {
  public static final String EXPECTED = "an absolute, normalised path under /etc/";

  private EtcPaths() {}

  /** Why {@code path} may not be managed, or empty when it may. */
  public static Optional<String> problem(String path) {
    if (path == null || path.isEmpty()) {
      return Optional.of("is empty (expected " + EXPECTED + ")");
    }
    String shown = Quote.of(path);
    if (path.chars().anyMatch(Character::isISOControl)) {
      return Optional.of(shown + " contains a control character (expected " + EXPECTED + ")");
    }
    if (!path.startsWith("/")) {
      return Optional.of(shown + " is not absolute (expected " + EXPECTED + ")");
    }
    if (path.length() > 4096) {
      return Optional.of("is longer than 4096 characters (expected " + EXPECTED + ")");
    }
    if (path.equals("/etc") || path.equals("/etc/")) {
      return Optional.of(shown + " is the /etc folder itself, not a file in it (expected " + EXPECTED + ")");
    }
    String[] parts = path.substring(1).split("/", -1);
    for (String part : parts) {
      if (part.equals("..")) {
        return Optional.of(shown + " contains '..' (expected " + EXPECTED + ")");
      }
      if (part.isEmpty() || part.equals(".")) {
        return Optional.of(shown + " is not normalised (expected " + EXPECTED + ")");
      }
      if (part.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
        return Optional.of(shown + " has a name longer than 255 bytes");
      }
    }
    if (!path.startsWith("/etc/") || parts.length < 2) {
      return Optional.of(shown + " is not under /etc/ (expected " + EXPECTED + ")");
    }
    return Optional.empty();
  }
}
