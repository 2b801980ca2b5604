package dev.bootfleet.core.observed;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The agent's report of the /etc files bootfleet manages on one host.
 *
 * @param host the reporting host's name
 * @param files one entry per managed file, each path once
 * @param kargs the booted kernel arguments, or {@code null} when the agent did not report them
 * @param flatpak the Flatpak remotes and apps found, or {@code null} when the agent did not report them
 */
public record EtcReport(String host, List<EtcFileState> files, List<String> kargs, FlatpakState flatpak) {
  public EtcReport {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host is blank (expected a host name)");
    }
    files = List.copyOf(files);
    kargs = kargs == null ? null : List.copyOf(kargs);
    Set<String> paths = new HashSet<>();
    for (EtcFileState f : files) {
      if (!paths.add(f.path())) {
        throw new IllegalArgumentException("path " + f.path() + " is listed twice (expected each path once)");
      }
    }
  }

  /** A report without Flatpak state. */
  public EtcReport(String host, List<EtcFileState> files, List<String> kargs) {
    this(host, files, kargs, null);
  }
}
