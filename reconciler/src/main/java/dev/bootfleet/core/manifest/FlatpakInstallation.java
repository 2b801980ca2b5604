package dev.bootfleet.core.manifest;

/** Where a Flatpak remote or app lives: the system installation or the agent user's own. */
public enum FlatpakInstallation {
  SYSTEM("system"),
  USER("user");

  public static final String FORM = "system or user";

  private final String id;

  FlatpakInstallation(String id) {
    this.id = id;
  }

  /** The name in manifests and reports, also flatpak's own option without the dashes. */
  public String id() {
    return id;
  }

  public static FlatpakInstallation of(String id) {
    for (FlatpakInstallation i : values()) {
      if (i.id.equals(id)) {
        return i;
      }
    }
    throw new IllegalArgumentException("installation " + id + " is unknown (expected " + FORM + ")");
  }
}
