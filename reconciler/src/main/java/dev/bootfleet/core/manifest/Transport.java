package dev.bootfleet.core.manifest;

/**
 * How bootc fetches an image: the value of {@code bootc switch --transport}; {@link #OSTREE} is an ostree
 * commit pulled from an ostree remote ({@code spec.image.ostree}), never written as a transport in Git.
 */
public enum Transport {
  REGISTRY("registry"),
  OCI("oci"),
  CONTAINERS_STORAGE("containers-storage"),
  OSTREE("ostree");

  private final String id;

  Transport(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** Reads a transport as bootc reports it; {@code docker://} is bootc's old spelling of registry. */
  public static Transport of(String id) {
    if (id == null || id.isEmpty() || id.equals("docker") || id.equals("docker://")) {
      return REGISTRY;
    }
    for (Transport t : values()) {
      if (t.id.equals(id)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown transport \"" + id
        + "\" (expected registry, oci or containers-storage)");
  }

  @Override
  public String toString() {
    return id;
  }
}
