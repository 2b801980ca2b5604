package dev.bootfleet.core.manifest;

import dev.bootfleet.core.text.Quote;
import java.util.ArrayDeque;
import java.util.Deque;

/** Repository-relative paths: '/'-separated, normalised, never leaving the repository root. */
public final class RepoPaths {
  private RepoPaths() {}

  /** The folder of a repository file: {@code hosts/web} for {@code hosts/web/a.yaml}, "" at the top. */
  public static String dirOf(String file) {
    int i = file.lastIndexOf('/');
    return i < 0 ? "" : file.substring(0, i);
  }

  /**
   * Resolves {@code relative} against the folder {@code dir}, normalising {@code .} and {@code ..}.
   *
   * @throws IllegalArgumentException when the path is absolute or climbs above the repository root
   */
  public static String resolve(String dir, String relative) {
    if (relative.startsWith("/")) {
      throw new IllegalArgumentException(Quote.of(relative)
          + " is absolute (expected a path relative to the manifest's folder)");
    }
    if (relative.indexOf('\0') >= 0 || relative.indexOf('\\') >= 0) {
      throw new IllegalArgumentException(Quote.of(relative) + " contains a NUL or a backslash");
    }
    Deque<String> parts = new ArrayDeque<>();
    String joined = dir.isEmpty() ? relative : dir + "/" + relative;
    for (String p : joined.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        if (parts.isEmpty()) {
          throw new IllegalArgumentException(Quote.of(relative) + " leaves the repository");
        }
        parts.removeLast();
      } else {
        parts.addLast(p);
      }
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException(Quote.of(relative) + " names the repository itself, not a file");
    }
    return String.join("/", parts);
  }
}
