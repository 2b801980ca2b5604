package dev.bootfleet.core.observed;

import java.util.Objects;

/**
 * What bootc knows about the image of one deployment (or of a cached update).
 *
 * @param image the reference as requested and stored in the deployment's origin
 * @param version the image's version label, or {@code null}; always text, even when a YAML document
 *     wrote it as a bare number such as {@code 20231230.1}
 * @param timestamp the image's creation time as written (RFC 3339), or {@code null}
 * @param imageDigest digest of the per-architecture image manifest ({@code sha256:…}); not the
 *     digest of a manifest list, even when the reference pins one
 * @param architecture OCI architecture of the image, e.g. {@code amd64}
 */
public record ImageStatus(
    ImageReference image, String version, String timestamp, String imageDigest, String architecture) {
  public ImageStatus {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(imageDigest, "imageDigest");
    Objects.requireNonNull(architecture, "architecture");
    if (!Formats.isDigest(imageDigest)) {
      throw new IllegalArgumentException("imageDigest " + imageDigest + " is not a digest (expected "
          + Formats.DIGEST_FORM + ")");
    }
    if (architecture.isEmpty()) {
      throw new IllegalArgumentException("architecture is empty (expected e.g. amd64 or arm64)");
    }
    if (timestamp != null && !Formats.isDateTime(timestamp)) {
      throw new IllegalArgumentException("timestamp " + timestamp + " is not a date-time (expected "
          + Formats.DATE_TIME_FORM + ")");
    }
  }
}
