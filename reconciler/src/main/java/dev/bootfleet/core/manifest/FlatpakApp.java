package dev.bootfleet.core.manifest;

import java.util.Objects;

/**
 * A Flatpak app a host must have (or, {@code absent}, must not have).
 *
 * @param id the application ID, e.g. {@code org.mozilla.firefox}
 * @param arch the architecture, or {@code null} for the host's own
 * @param branch the branch, e.g. {@code stable}
 * @param remote the remote it comes from (declared in the same fleet)
 * @param commit a pinned commit (64 hex digits), or {@code null} to follow the branch
 * @param absent the app must be uninstalled
 */
public record FlatpakApp(String id, String arch, String branch, String remote, FlatpakInstallation installation,
    String commit, boolean absent) {
  public FlatpakApp {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(installation, "installation");
    if (!absent) {
      Objects.requireNonNull(remote, "remote");
    }
  }

  /** The full ref flatpak takes: {@code app/ID/ARCH/BRANCH}, with an empty ARCH for the host's own. */
  public String ref() {
    return ref(id, arch == null ? "" : arch, branch);
  }

  /** {@code app/ID/ARCH/BRANCH}, the form flatpak names an app by. */
  public static String ref(String id, String arch, String branch) {
    return "app/" + id + "/" + arch + "/" + branch;
  }

  /** What identifies the app on a host: installation, ID and branch (one arch per host). */
  public String key() {
    return installation.id() + ":" + id + "//" + branch;
  }
}
