package dev.bootfleet.core.image;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the registries said about the multi-architecture images a fleet pins: for each pinned image
 * index (an OCI image index or a Docker manifest list), the manifests it lists and their platforms.
 * Kept in {@value #FILE} at the fleet's root, written by {@code bootfleet pin}, read with the manifests
 * so that planning stays offline.
 *
 * <p>bootc reports the digest of the per-architecture manifest it pulled ({@code imageDigest}), while
 * Git may pin the index: with this lock, a host booted on the pinned index's manifest for its own
 * architecture runs the desired image. Every entry is keyed by a digest, and what a digest names never
 * changes, so an entry can become unused but never wrong.
 *
 * @param indexes by {@code registry/repository@sha256:<hex>}, sorted
 */
public record ImageLock(Map<String, Index> indexes) {
  /** The lock file's name, at the root of the fleet repository (beside the manifests it serves). */
  public static final String FILE = "bootfleet.lock.json";
  public static final String KIND = "ImageLock";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final ImageLock EMPTY = new ImageLock(Map.of());

  public ImageLock {
    indexes = java.util.Collections.unmodifiableMap(new TreeMap<>(indexes));
  }

  /**
   * One manifest an index lists.
   *
   * @param platform {@code os/architecture[/variant]}, e.g. {@code linux/arm64/v8}
   */
  public record Child(Digest digest, String platform) {
    public static final Comparator<Child> ORDER = Comparator.comparing(Child::platform)
        .thenComparing(c -> c.digest().hex());

    public Child {
      if (digest == null || platform == null || platform.isEmpty()) {
        throw new IllegalArgumentException("a child needs a digest and a platform");
      }
    }

    /** The architecture part of the platform ({@code amd64} in {@code linux/amd64}). */
    public String architecture() {
      String[] parts = platform.split("/", -1);
      return parts.length > 1 ? parts[1] : "";
    }
  }

  /** An image index: its media type and its children in the index's own order. */
  public record Index(String mediaType, List<Child> manifests) {
    public Index {
      manifests = List.copyOf(manifests);
    }
  }

  /** {@code registry/repository@sha256:<hex>}: how an index is keyed. */
  public static String key(ImageRef ref) {
    if (ref.digest() == null) {
      throw new IllegalArgumentException(ref + " is not pinned");
    }
    return ref.repository() + "@" + ref.digest();
  }

  public static String key(String repository, Digest digest) {
    return repository + "@" + digest;
  }

  public Optional<Index> index(String repository, Digest digest) {
    return Optional.ofNullable(indexes.get(key(repository, digest)));
  }

  /**
   * The child of the index {@code repository@index} with digest {@code manifest} whose architecture is
   * {@code architecture} (or any architecture when {@code architecture} is null), if the lock knows it.
   */
  public Optional<Child> child(String repository, Digest index, String manifest, String architecture) {
    Index i = indexes.get(key(repository, index));
    if (i == null || manifest == null) {
      return Optional.empty();
    }
    return i.manifests().stream()
        .filter(c -> c.digest().toString().equals(manifest))
        .filter(c -> architecture == null || c.architecture().equals(architecture))
        .findFirst();
  }

  public boolean isEmpty() {
    return indexes.isEmpty();
  }
}
