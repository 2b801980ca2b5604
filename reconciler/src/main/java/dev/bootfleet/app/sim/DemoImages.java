package dev.bootfleet.app.sim;

import dev.bootfleet.core.image.ImageRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The demo's images: a fixed catalog kept in memory ({@code sim fleet --images demo}, {@code bootfleet demo}), so the
 * demo needs no registry. Its repository is under {@code .invalid} (RFC 2606), so no real pull could ever reach it.
 * Each image is one single-architecture manifest whose digest is the SHA-256 of a text naming it: stable across
 * runs and machines, and the same for every architecture a simulated host asks for (the digest Git pins is the
 * digest the host boots). {@code 1.2-broken} is the image whose greenboot check the demo makes fail; the catalog
 * itself says nothing of health.
 */
final class DemoImages implements ImageLookup {
  static final String REPOSITORY = "demo.bootfleet.invalid/shop-os";
  static final List<String> TAGS = List.of("1.0", "1.1", "1.2-broken");
  /** When every demo image was "built": fixed, as a digest's content is. */
  static final String CREATED = "2026-01-01T00:00:00Z";

  /** The digest of {@code REPOSITORY:tag} ({@code sha256:…}). */
  static String digest(String tag) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(("bootfleet demo image " + REPOSITORY + ":" + tag)
          .getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** {@code REPOSITORY@digest} of a tag, as Git pins it. */
  static String pinned(String tag) {
    return REPOSITORY + "@" + digest(tag);
  }

  @Override
  public Image resolve(String ref, String transport, String arch) throws PullFailed {
    ImageRef parsed = ImageLookup.registryRef(ref, transport);
    if (!parsed.repository().equals(REPOSITORY)) {
      throw new PullFailed("Creating importer: pinging container registry " + parsed.registry() + ": the demo's"
          + " images are " + REPOSITORY + ":" + String.join(", :", TAGS) + " only");
    }
    for (String tag : TAGS) {
      String digest = digest(tag);
      boolean named = parsed.digestIfPinned().isPresent() ? parsed.digestIfPinned().get().toString().equals(digest)
          : tag.equals(parsed.tag() == null ? "latest" : parsed.tag());
      if (named) {
        return new Image(digest, arch, tag, CREATED);
      }
    }
    throw new PullFailed("Creating importer: failed to invoke method OpenImage: reading manifest "
        + parsed.digestIfPinned().map(Object::toString).orElse(parsed.tag() == null ? "latest" : parsed.tag())
        + " in " + REPOSITORY + ": manifest unknown");
  }
}
