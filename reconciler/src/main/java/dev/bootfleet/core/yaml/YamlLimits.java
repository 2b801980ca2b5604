package dev.bootfleet.core.yaml;

/**
 * Bounds that keep hostile or broken input from exhausting memory or the stack.
 *
 * @param maxChars the longest input read, in characters
 * @param maxDepth the deepest nesting of mappings and sequences
 * @param maxNodes the most nodes one document may expand to, aliases counted at their full size
 *     (this is what stops a "billion laughs" alias bomb)
 */
public record YamlLimits(int maxChars, int maxDepth, long maxNodes) {
  /** 10 MiB of text, 64 levels, one million nodes per document. */
  public static final YamlLimits DEFAULT = new YamlLimits(10 * 1024 * 1024, 64, 1_000_000);

  public YamlLimits {
    if (maxChars <= 0 || maxDepth <= 0 || maxNodes <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }
}
