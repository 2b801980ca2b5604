package dev.bootfleet.core.observed;

import java.util.Objects;

/**
 * The ostree source of a deployment that is not a container image: the refspec its origin file follows
 * and the commit it was deployed from.
 *
 * @param refspec {@code REMOTE:REF}, or a bare {@code REF} of a local ref, exactly as the origin writes it
 * @param commit the base commit (rpm-ostree's {@code base-checksum} under layering, else the deployment's
 *     {@code checksum}), 64 lower-case hex digits
 */
public record OstreeOrigin(String refspec, String commit) {
  public OstreeOrigin {
    Objects.requireNonNull(refspec, "refspec");
    Objects.requireNonNull(commit, "commit");
    if (refspec.isEmpty()) {
      throw new IllegalArgumentException("origin refspec is empty (expected REMOTE:REF)");
    }
    if (!Formats.isSha256Hex(commit)) {
      throw new IllegalArgumentException("commit " + commit + " is not an ostree checksum (expected "
          + Formats.SHA256_FORM + ")");
    }
  }

  /** {@code REMOTE:REF@COMMIT}: how plans and reports name the deployment (as {@code OstreeTarget} does). */
  public String target() {
    return refspec + "@" + commit;
  }
}
