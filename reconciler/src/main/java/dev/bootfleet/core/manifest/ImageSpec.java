package dev.bootfleet.core.manifest;

import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.image.Digest;

import java.util.Optional;

/**
 * The desired OS image of a host: an OCI image ({@code spec.image.ref}) or an ostree commit ({@code
 * spec.image.ostree}, transport {@link Transport#OSTREE}).
 *
 * @param ref the reference as written in Git; for ostree, {@link OstreeTarget#target()}
 * @param transport how bootc fetches it
 * @param enforceSignaturePolicy whether to pass {@code --enforce-container-sigpolicy}
 * @param parsed the parsed reference for the registry and containers-storage transports; null for oci
 *     (a path) and ostree
 * @param ostree the ostree ref and commit for transport ostree, else null
 */
public record ImageSpec(String ref, Transport transport, boolean enforceSignaturePolicy, ImageRef parsed,
    OstreeTarget ostree) {
  public ImageSpec {
    if (ref == null || transport == null) {
      throw new IllegalArgumentException("ref and transport are required");
    }
    if ((transport == Transport.OSTREE) != (ostree != null)) {
      throw new IllegalArgumentException("an ostree target goes with transport ostree, and only with it");
    }
    if (parsed == null && transport != Transport.OCI && transport != Transport.OSTREE) {
      throw new IllegalArgumentException("a " + transport + " image needs a parsed reference");
    }
    if (ostree != null && (parsed != null || enforceSignaturePolicy || !ref.equals(ostree.target()))) {
      throw new IllegalArgumentException("an ostree target has no image reference or container policy");
    }
  }

  /** An OCI image. */
  public ImageSpec(String ref, Transport transport, boolean enforceSignaturePolicy, ImageRef parsed) {
    this(ref, transport, enforceSignaturePolicy, parsed, null);
  }

  /** An ostree ref and commit. */
  public static ImageSpec of(OstreeTarget ostree) {
    return new ImageSpec(ostree.target(), Transport.OSTREE, false, null, ostree);
  }

  /** Whether this is an ostree commit rather than an OCI image. */
  public boolean isOstree() {
    return ostree != null;
  }

  public Optional<Digest> digest() {
    return parsed == null ? Optional.empty() : parsed.digestIfPinned();
  }

  /**
   * What bootfleet passes to {@code bootc switch}: the canonical reference, or the oci path as written;
   * for ostree {@code REMOTE:REF@COMMIT}, the name plans, holds and reports use.
   */
  public String switchTarget() {
    return parsed == null ? ref : parsed.canonical();
  }

  /** The signature mode bootc reports for this spec: "containerPolicy" when enforced, else null. */
  public String bootcSignature() {
    return enforceSignaturePolicy ? "containerPolicy" : null;
  }
}
