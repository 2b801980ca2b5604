package dev.bootfleet.core.manifest;

import java.util.Objects;

/** A Flatpak remote a host must have: {@code flatpak remote-add --if-not-exists NAME URL}. */
public record FlatpakRemote(String name, String url, FlatpakInstallation installation) {
  public FlatpakRemote {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(installation, "installation");
  }
}
