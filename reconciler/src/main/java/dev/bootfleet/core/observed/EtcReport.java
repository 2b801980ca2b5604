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
public record EtcReport(String host, List<EtcFileState> files, List<String> kargs, FlatpakState flatpak,
    List<NotAFile> notFiles) {
  /**
   * A path bootfleet manages that the agent found on the host but not as a regular file (a folder, a
   * link): it exists, so a {@code state: absent} entry differs, and it cannot be hashed.
   *
   * @param what one line saying what was found
   */
  public record NotAFile(String path, String what) {
    public NotAFile {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(what, "what");
      if (!EtcFileState.isEtcPath(path)) {
        throw new IllegalArgumentException("path " + path + " is not allowed (expected " + EtcFileState.PATH_FORM + ")");
      }
    }
  }

  public EtcReport {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host is blank (expected a host name)");
    }
    files = List.copyOf(files);
    kargs = kargs == null ? null : List.copyOf(kargs);
    notFiles = notFiles == null ? List.of() : List.copyOf(notFiles);
    Set<String> paths = new HashSet<>();
    for (EtcFileState f : files) {
      if (!paths.add(f.path())) {
        throw new IllegalArgumentException("path " + f.path() + " is listed twice (expected each path once)");
      }
    }
  }

  /** A report in which every managed path found is a regular file. */
  public EtcReport(String host, List<EtcFileState> files, List<String> kargs, FlatpakState flatpak) {
    this(host, files, kargs, flatpak, List.of());
  }

  /** The {@link NotAFile} entry for {@code path}, or null. */
  public NotAFile notAFile(String path) {
    return notFiles.stream().filter(n -> n.path().equals(path)).findFirst().orElse(null);
  }

  /** A report without Flatpak state. */
  public EtcReport(String host, List<EtcFileState> files, List<String> kargs) {
    this(host, files, kargs, null);
  }
}
