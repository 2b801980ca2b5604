package dev.bootfleet.core.manifest;

import java.util.Objects;

/** A Flatpak remote a host must have: {@code flatpak remote-add --if-not-exists NAME URL}. */
public record FlatpakRemote(String name, String url, FlatpakInstallation installation) {
  public FlatpakRemote {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(installation, "installation");
  }

  /**
   * Whether a remote configured with {@code configured} already has the URL Git names as {@code wanted}.
   * URLs compare without one trailing slash (flatpak stores what it was given). A {@code .flatpakrepo}
   * file (how signed remotes such as Flathub are added, with their key) names the repository URL that
   * flatpak then stores, not the file's own: for one, the remote's presence is all that compares.
   */
  public static boolean urlSatisfied(String wanted, String configured) {
    return wanted.endsWith(".flatpakrepo") || stripSlash(wanted).equals(stripSlash(configured));
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
