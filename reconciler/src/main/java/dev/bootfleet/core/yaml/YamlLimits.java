package dev.bootfleet.core.yaml;

/**
 * Bounds that keep hostile or broken input from exhausting memory or the stack.
 *
 * @param maxChars the longest input read, in characters
 * @param maxDepth the deepest nesting of mappings and sequences
 * @param maxNodes the most nodes one document may expand to, aliases counted at their full size
 *     (this is what stops a "billion laughs" alias bomb)
 * @param maxExpandedChars the most scalar text one stream (a file) may expand to, aliases counted at
 *     their full size: a large scalar behind an anchor, aliased a thousand times, is few nodes but a
 *     gigabyte for whatever reads each copy
 */
public record YamlLimits(int maxChars, int maxDepth, long maxNodes, long maxExpandedChars) {
  /**
   * 10 MiB of text, 64 levels, one million nodes per document, 16 MiB of scalar text per file (more
   * than a 10 MiB file without aliases can hold).
   */
  public static final YamlLimits DEFAULT = new YamlLimits(10 * 1024 * 1024, 64, 1_000_000, 16L * 1024 * 1024);

  public YamlLimits {
    if (maxChars <= 0 || maxDepth <= 0 || maxNodes <= 0 || maxExpandedChars <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** These bounds with the default bound on expanded scalar text. */
  public YamlLimits(int maxChars, int maxDepth, long maxNodes) {
    this(maxChars, maxDepth, maxNodes, DEFAULT_EXPANDED_CHARS);
  }

  private static final long DEFAULT_EXPANDED_CHARS = 16L * 1024 * 1024;
}
