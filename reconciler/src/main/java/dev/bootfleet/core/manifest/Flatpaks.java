package dev.bootfleet.core.manifest;

import java.util.List;

/** The Flatpak remotes and apps a host must carry, each remote and app once (by installation). */
public record Flatpaks(List<FlatpakRemote> remotes, List<FlatpakApp> apps) {
  public static final Flatpaks NONE = new Flatpaks(List.of(), List.of());

  public Flatpaks {
    remotes = List.copyOf(remotes);
    apps = List.copyOf(apps);
  }

  public boolean isEmpty() {
    return remotes.isEmpty() && apps.isEmpty();
  }
}
