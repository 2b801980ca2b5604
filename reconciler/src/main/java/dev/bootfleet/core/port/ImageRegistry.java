package dev.bootfleet.core.port;

import dev.bootfleet.core.image.Digest;
import dev.bootfleet.core.image.ImageLock;
import dev.bootfleet.core.image.ImageRef;
import java.util.ArrayList;
import java.util.List;

/**
 * What bootfleet asks of a container registry: which manifest a tag names today, what a pinned digest
 * is (a single image or an index, and then its children), and whether a digest exists. Implemented in
 * {@code dev.bootfleet.adapters.registry}; core code only sees these records.
 */
public interface ImageRegistry {

  /**
   * A manifest as the registry serves it.
   *
   * @param ref the reference asked for
   * @param digest the manifest's digest (sha256 of the bytes served, checked against what the registry
   *     says)
   * @param mediaType the manifest's media type, e.g. {@code application/vnd.oci.image.index.v1+json}
   * @param children for an index (OCI image index or Docker manifest list), its manifests; else empty
   */
  record Manifest(ImageRef ref, Digest digest, String mediaType, List<ImageLock.Child> children) {
    public Manifest {
      children = List.copyOf(children);
    }

    public boolean isIndex() {
      return ImageLock.OCI_INDEX.equals(mediaType) || ImageLock.DOCKER_LIST.equals(mediaType);
    }

    /** The lock entry for an index. */
    public ImageLock.Index lockEntry() {
      return new ImageLock.Index(mediaType, children);
    }
  }

  /**
   * The manifest {@code ref}'s tag names now (any digest in {@code ref} is ignored).
   *
   * @throws IllegalArgumentException when {@code ref} has no tag
   */
  Manifest resolveTag(ImageRef ref) throws RegistryException;

  /**
   * The manifest {@code ref}'s digest names (its tag is ignored), read and checked against the digest.
   *
   * @throws IllegalArgumentException when {@code ref} has no digest
   */
  Manifest fetchDigest(ImageRef ref) throws RegistryException;

  /** Whether the registry has the manifest {@code ref}'s digest names. */
  boolean exists(ImageRef ref) throws RegistryException;

  /** The answer for one reference of a batch: a manifest, or why there is none. */
  record Outcome(ImageRef ref, Manifest manifest, RegistryException error) {
    public boolean ok() {
      return error == null;
    }
  }

  /**
   * Looks up many references: {@link #resolveTag} for those with a tag, else {@link #fetchDigest}. The
   * outcomes are in the order of {@code refs}. Implementations may work in parallel (bounded).
   */
  default List<Outcome> lookUpAll(List<ImageRef> refs) {
    List<Outcome> out = new ArrayList<>(refs.size());
    for (ImageRef r : refs) {
      try {
        out.add(new Outcome(r, r.tag() != null ? resolveTag(r) : fetchDigest(r), null));
      } catch (RegistryException e) {
        out.add(new Outcome(r, null, e));
      }
    }
    return out;
  }

  /** Why a registry could not answer, in one line that does not repeat the reference asked for. */
  final class RegistryException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, for callers that act on it (exit codes, retries). */
    public enum Kind {
      /** The tag or digest does not exist in the repository. */
      MANIFEST_UNKNOWN,
      /** The repository does not exist (or is hidden from these credentials). */
      NAME_UNKNOWN,
      /** No credentials, or the registry refused them (401). */
      UNAUTHORIZED,
      /** Authenticated, but not allowed (403). */
      DENIED,
      /** Connection refused, name not resolved, TLS failure, timeout: after the retries. */
      UNREACHABLE,
      /** An answer that breaks the distribution API (bad digest, unknown media type, HTTP 5xx...). */
      PROTOCOL
    }

    private final Kind kind;

    public RegistryException(Kind kind, String message) {
      super(message, null, false, false);
      this.kind = kind;
    }

    public RegistryException(Kind kind, String message, Throwable cause) {
      super(message, cause, false, false);
      this.kind = kind;
    }

    public Kind kind() {
      return kind;
    }
  }
}
