package dev.bootfleet.app.agent;

import dev.bootfleet.core.manifest.HostDriverKind;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.observed.ObservedStateException;
import dev.bootfleet.core.observed.StatusDocuments;
import dev.bootfleet.core.port.HostDriver;
import dev.bootfleet.core.port.HostDriver.HostException;
import java.nio.charset.StandardCharsets;

/**
 * The three drivers an agent may use and how it picks one per cycle (README, "rpm-ostree hosts"): the
 * driver Git names for the host wins; with {@code auto} (the default) it runs {@code bootc status}
 * and uses rpm-ostree when bootc is not installed, or reports the booted or staged deployment {@code
 * incompatible} (rpm-ostree layering), or fails where {@code rpm-ostree status} works; plain ostree when
 * neither bootc nor rpm-ostree is installed; else bootc.
 */
final class HostDrivers {
  private final HostDriver.Bootc bootc;
  private final HostDriver.RpmOstree rpmOstree;
  private final HostDriver.Ostree ostree;

  HostDrivers(HostDriver.Bootc bootc, HostDriver.RpmOstree rpmOstree, HostDriver.Ostree ostree) {
    this.bootc = bootc;
    this.rpmOstree = rpmOstree;
    this.ostree = ostree;
  }

  /** The ostree tool of this host: an rpm-ostree host's remotes are ostree's too. */
  HostDriver.Ostree ostree() {
    return ostree;
  }

  /**
   * The driver chosen and what it reported.
   *
   * @param how why this driver, for the report (e.g. "detected: bootc is not installed")
   */
  record Seen(HostDriver driver, String text, ObservedHost host, String how) {}

  /** Reads the host's status with the driver {@code wanted} names, or the one detection finds. */
  Seen observe(HostDriverKind wanted) throws HostException, ObservedStateException {
    return switch (wanted) {
      case BOOTC -> read(bootc, "named by Git");
      case RPM_OSTREE -> read(rpmOstree, "named by Git");
      case OSTREE -> read(ostree, "named by Git");
      case AUTO -> detect();
    };
  }

  private Seen detect() throws HostException, ObservedStateException {
    String text;
    try {
      text = bootc.status();
    } catch (HostException e) {
      if (e.cannotStart()) {
        try {
          return read(rpmOstree, "detected: bootc is not installed");
        } catch (HostException again) {
          if (!again.cannotStart()) {
            throw again;
          }
          return read(ostree, "detected: neither bootc nor rpm-ostree is installed");
        }
      }
      try {
        return read(rpmOstree, "detected: bootc status failed, rpm-ostree status works");
      } catch (HostException | ObservedStateException again) {
        throw e; // neither works: bootc's error is the one to show
      }
    }
    ObservedHost host = parse(text, bootc);
    if (host.booted() != null && host.booted().incompatible()) {
      return read(rpmOstree, "detected: bootc reports the booted deployment incompatible (rpm-ostree layering)");
    }
    if (host.staged() != null && host.staged().incompatible()) {
      return read(rpmOstree, "detected: bootc reports the staged deployment incompatible (rpm-ostree layering)");
    }
    return new Seen(bootc, text, host, "detected: bootc");
  }

  private static Seen read(HostDriver d, String how) throws HostException, ObservedStateException {
    String text = d.status();
    return new Seen(d, text, parse(text, d), how);
  }

  static ObservedHost parse(String text, HostDriver d) throws ObservedStateException {
    return StatusDocuments.parse(text.getBytes(StandardCharsets.UTF_8), name(d) + " status");
  }

  static String name(HostDriver d) {
    return d.kind().id();
  }
}
