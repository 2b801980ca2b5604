package dev.bootfleet.core.manifest;

/**
 * Which tool changes a host's OS: {@code spec.driver} in a manifest. {@link #AUTO} lets the agent
 * detect it: bootc, unless bootc is missing or reports the booted deployment {@code incompatible}
 * (rpm-ostree layering), in which case rpm-ostree; plain {@code ostree} when neither is installed.
 * {@link #OSTREE} deploys ostree commits only ({@code spec.image.ostree}); bootc OCI images only.
 */
public enum HostDriverKind {
  AUTO("auto"),
  BOOTC("bootc"),
  RPM_OSTREE("rpm-ostree"),
  OSTREE("ostree");

  public static final String FORM = "auto, bootc, rpm-ostree or ostree";

  private final String id;

  HostDriverKind(String id) {
    this.id = id;
  }

  /** The name used in manifests, plans and reports. */
  public String id() {
    return id;
  }

  /** The kind named {@code id}; throws with the accepted forms when there is none. */
  public static HostDriverKind of(String id) {
    for (HostDriverKind k : values()) {
      if (k.id.equals(id)) {
        return k;
      }
    }
    throw new IllegalArgumentException("driver " + id + " is unknown (expected " + FORM + ")");
  }
}
