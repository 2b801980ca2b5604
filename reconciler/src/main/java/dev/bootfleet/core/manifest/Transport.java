package dev.bootfleet.core.manifest;

/** How bootc fetches an image: the value of {@code bootc switch --transport}. */
public enum Transport {
  REGISTRY("registry"),
  OCI("oci"),
  CONTAINERS_STORAGE("containers-storage");

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
