package dev.bootfleet.core.observed;

import dev.bootfleet.core.manifest.FlatpakApp;
import java.util.List;
import java.util.Objects;

/**
 * The Flatpak remotes and apps the agent found on a host, in the installations Git names.
 *
 * @param remotes configured remotes
 * @param apps installed apps, each with its full deployed commit
 */
public record FlatpakState(List<Remote> remotes, List<App> apps) {
  public FlatpakState {
    remotes = List.copyOf(remotes);
    apps = List.copyOf(apps);
  }

  /** A remote: {@code flatpak remotes --columns=name,url}. */
  public record Remote(String installation, String name, String url) {
    public Remote {
      Objects.requireNonNull(installation, "installation");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(url, "url");
    }
  }

  /**
   * An installed app: {@code flatpak list --app} plus {@code flatpak info --show-commit}; {@code masked}
   * when {@code flatpak mask} lists its ref (how a pinned commit is held against updates).
   */
  public record App(String installation, String id, String arch, String branch, String origin, String commit,
      boolean masked) {
    public App {
      Objects.requireNonNull(installation, "installation");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(arch, "arch");
      Objects.requireNonNull(branch, "branch");
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(commit, "commit");
    }

    /** An app that {@code flatpak mask} does not list. */
    public App(String installation, String id, String arch, String branch, String origin, String commit) {
      this(installation, id, arch, branch, origin, commit, false);
    }

    /** {@code app/ID/ARCH/BRANCH}. */
    public String ref() {
      return FlatpakApp.ref(id, arch, branch);
    }
  }
}
