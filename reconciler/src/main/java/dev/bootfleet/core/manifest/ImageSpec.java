package dev.bootfleet.core.manifest;

import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.image.Digest;

import java.util.Optional;

/**
 * The desired OS image of a host.
 *
 * @param ref the reference as written in Git
 * @param transport how bootc fetches it
 * @param enforceSignaturePolicy whether to pass {@code --enforce-container-sigpolicy}
 * @param parsed the parsed reference for the registry and containers-storage transports; null for oci
 *     (a path)
 */
public record ImageSpec(String ref, Transport transport, boolean enforceSignaturePolicy, ImageRef parsed) {
  public ImageSpec {
    if (ref == null || transport == null) {
      throw new IllegalArgumentException("ref and transport are required");
    }
    if (parsed == null && transport != Transport.OCI) {
      throw new IllegalArgumentException("a " + transport + " image needs a parsed reference");
    }
  }

  public Optional<Digest> digest() {
    return parsed == null ? Optional.empty() : parsed.digestIfPinned();
  }

  /** What bootfleet passes to {@code bootc switch}: the canonical reference, or the oci path as written. */
  public String switchTarget() {
    return parsed == null ? ref : parsed.canonical();
  }

  /** The signature mode bootc reports for this spec: "containerPolicy" when enforced, else null. */
  public String bootcSignature() {
    return enforceSignaturePolicy ? "containerPolicy" : null;
  }
}
