package dev.bootfleet.core.observed;

import java.util.Objects;

/**
 * A container image reference as bootc stores it: the reference string, its transport and the
 * signature mode, all kept exactly as read (bootc's {@code switch} compares them by string equality).
 *
 * @param image the reference, e.g. {@code quay.io/org/os@sha256:…}, or a path for {@code oci}
 * @param transport {@code registry}, {@code oci}, {@code containers-storage}, …
 * @param signature {@code null} (bootc omits it for the default, which means the same as {@code
 *     insecure}), {@code "insecure"}, {@code "containerPolicy"} or {@code "ostreeRemote:<remote>"}
 */
public record ImageReference(String image, String transport, String signature) {
  static final String INSECURE = "insecure";
  static final String CONTAINER_POLICY = "containerPolicy";
  static final String OSTREE_REMOTE = "ostreeRemote:";

  public ImageReference {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(transport, "transport");
    if (image.isEmpty()) {
      throw new IllegalArgumentException("image is empty (expected an image reference)");
    }
    if (transport.isEmpty()) {
      throw new IllegalArgumentException("transport is empty (expected e.g. registry or oci)");
    }
    if (signature != null && !validSignature(signature)) {
      throw new IllegalArgumentException("signature " + signature
          + " is unknown (expected insecure, containerPolicy or ostreeRemote:<remote>)");
    }
  }

  /** True when bootc was told to enforce containers-policy.json ({@code --enforce-container-sigpolicy}). */
  public boolean enforcesPolicy() {
    return CONTAINER_POLICY.equals(signature);
  }

  static boolean validSignature(String s) {
    return s.equals(INSECURE) || s.equals(CONTAINER_POLICY)
        || s.startsWith(OSTREE_REMOTE) && s.length() > OSTREE_REMOTE.length();
  }
}
