package dev.bootfleet.core.manifest;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What Git says one host must be, after its groups are merged and its templates rendered.
 *
 * @param etc desired /etc files, sorted by path
 * @param driver which tool changes the OS ({@code auto}: detected on the host)
 * @param packages layered and removed RPM packages (rpm-ostree hosts only)
 * @param flatpak Flatpak remotes and apps
 * @param groups the groups that matched, lowest priority first
 * @param file the repository file that declares the host
 */
public record DesiredHost(String name, Map<String, String> labels, ImageSpec image, List<EtcFile> etc,
    Kargs kargs, HostDriverKind driver, Packages packages, Flatpaks flatpak, List<String> groups, String file) {
  public DesiredHost {
    labels = Map.copyOf(labels);
    etc = List.copyOf(etc);
    groups = List.copyOf(groups);
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(packages, "packages");
    Objects.requireNonNull(flatpak, "flatpak");
  }

  /** A host with no driver, packages or Flatpaks named: the bootc-only form. */
  public DesiredHost(String name, Map<String, String> labels, ImageSpec image, List<EtcFile> etc, Kargs kargs,
      List<String> groups, String file) {
    this(name, labels, image, etc, kargs, HostDriverKind.AUTO, Packages.NONE, Flatpaks.NONE, groups, file);
  }
}
