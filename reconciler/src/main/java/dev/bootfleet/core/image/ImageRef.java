package dev.bootfleet.core.image;

import dev.bootfleet.core.text.Quote;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fully qualified container image reference, {@code registry/repo[:tag][@sha256:<64 hex>]}, following
 * the distribution reference grammar. The registry part is required: a short name would be resolved
 * through each host's registries.conf search list, which Git cannot pin.
 *
 * @param registry host[:port], for example {@code quay.io} or {@code localhost:5000}
 * @param path the repository path below the registry, for example {@code fedora/fedora-bootc}
 * @param tag the tag, or null; informational when a digest is present
 * @param digest the digest, or null when the reference is not pinned
 */
public record ImageRef(String registry, String path, String tag, Digest digest) {
  private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final Pattern PATH = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
  private static final Pattern REGISTRY = Pattern.compile(
      "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
          + "|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern SPLIT = Pattern.compile("^([^@]+?)(?::([^:/@]+))?(?:@(.+))?$");
  public static final String EXPECTED = "registry/repo[:tag][@sha256:<64 hex>]";

  public ImageRef {
    if (registry == null || path == null) {
      throw new IllegalArgumentException("registry and path are required");
    }
  }

  /**
   * Parses a reference.
   *
   * @throws IllegalArgumentException with a one-line message saying what is wrong and the form expected
   */
  public static ImageRef parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty image reference (expected " + EXPECTED + ")");
    }
    for (int i = 0; i < text.length(); i++) { // a loop, not a stream: this runs once per reference of a fleet
      if (Character.isWhitespace(text.charAt(i))) {
        throw bad(text, "contains white space");
      }
    }
    if (text.contains("://")) {
      throw bad(text, "has a URL scheme; give the reference without it");
    }
    Matcher m = SPLIT.matcher(text);
    if (!m.matches()) {
      throw bad(text, "is not a reference");
    }
    String name = m.group(1);
    String tag = m.group(2);
    String digestText = m.group(3);
    int slash = name.indexOf('/');
    if (slash < 0) {
      throw bad(text, "has no registry (a short name is resolved by each host's registries.conf)");
    }
    String registry = name.substring(0, slash);
    String path = name.substring(slash + 1);
    boolean looksLikeRegistry = registry.contains(".") || registry.contains(":")
        || registry.equals("localhost") || registry.startsWith("[");
    if (!looksLikeRegistry) {
      throw bad(text, "has no registry host (" + Quote.of(registry) + " is not a host name; "
          + "a short name is resolved by each host's registries.conf)");
    }
    if (!REGISTRY.matcher(registry).matches()) {
      throw bad(text, "has an invalid registry " + Quote.of(registry));
    }
    if (!PATH.matcher(path).matches()) {
      throw bad(text, "has an invalid repository path " + Quote.of(path)
          + " (lower-case letters, digits and . _ - separators)");
    }
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw bad(text, "has an invalid tag " + Quote.of(tag));
    }
    Digest digest = null;
    if (digestText != null) {
      String why = Digest.problem(digestText);
      if (why != null) {
        throw bad(text, "has a bad digest: " + why);
      }
      digest = Digest.parse(digestText);
    }
    return new ImageRef(registry, path, tag, digest);
  }

  private static IllegalArgumentException bad(String text, String why) {
    return new IllegalArgumentException(Quote.of(text) + " " + why + " (expected " + EXPECTED + ")");
  }

  /** {@code registry/path}, without tag or digest. */
  public String repository() {
    return registry + "/" + path;
  }

  public Optional<Digest> digestIfPinned() {
    return Optional.ofNullable(digest);
  }

  /**
   * The canonical form bootfleet hands to {@code bootc switch}: {@code registry/path@sha256:…} when
   * pinned (the pull drops the tag anyway), else {@code registry/path:tag}.
   */
  public String canonical() {
    if (digest != null) {
      return repository() + "@" + digest;
    }
    return repository() + ":" + (tag == null ? "latest" : tag);
  }

  /**
   * Whether {@code other} names the same image content: the same repository and, when both are pinned,
   * the same digest; when neither is pinned, the same tag. The tag of a pinned reference is ignored.
   */
  public boolean sameImage(ImageRef other) {
    if (!repository().equals(other.repository())) {
      return false;
    }
    if (digest != null || other.digest != null) {
      return digest != null && digest.equals(other.digest);
    }
    return canonical().equals(other.canonical());
  }

  // equals and hashCode by hand, with the same meaning as a record's: the generated ones are linked
  // at their first call by an invokedynamic bootstrap that spins classes at run time, which no
  // start-up cache keeps, and pin and plan hash every reference of a fleet once (docs/benchmarks.md).
  @Override
  public boolean equals(Object o) {
    return o instanceof ImageRef r && registry.equals(r.registry) && path.equals(r.path)
        && java.util.Objects.equals(tag, r.tag) && java.util.Objects.equals(digest, r.digest);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(registry, path, tag, digest);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(repository());
    if (tag != null) {
      b.append(':').append(tag);
    }
    if (digest != null) {
      b.append('@').append(digest);
    }
    return b.toString();
  }
}
