package dev.bootfleet.core.manifest;

import dev.bootfleet.core.yaml.YamlLimits;

/**
 * What one revision may expand to, so that a pull request cannot exhaust the memory of a CI runner or
 * the server: a small manifest can name a large value a thousand times (a YAML alias, or the same
 * {@code source:} file in a thousand /etc entries). The text of one file is bounded by {@link
 * YamlLimits#maxExpandedChars()}; these bound the rest.
 *
 * @param revisionText the scalar text of all manifests together, aliases counted at full size
 * @param fileEtc the /etc content one manifest file declares (inline and from source files, each use
 *     counted)
 * @param revisionEtc the /etc content all manifest files declare together
 */
record ExpansionLimits(long revisionText, long fileEtc, long revisionEtc) {
  private static final long MIB = 1024 * 1024;

  /** 256 MiB of text and 256 MiB of /etc content per revision, 16 MiB of /etc content per file. */
  public static final ExpansionLimits DEFAULT = new ExpansionLimits(256 * MIB, 16 * MIB, 256 * MIB);

  public ExpansionLimits {
    if (revisionText <= 0 || fileEtc <= 0 || revisionEtc <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }
}
