package dev.bootfleet.app.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulated rpm-ostree host, as {@code <state-dir>/sim.json} keeps it between invocations; Jackson
 * reads and writes its public fields.
 */
final class RpmOstreeSimState {
  public String kind = "RpmOstreeSimulatorState";
  public String arch = "amd64";
  public String osname = "fedora";
  public String bootId;
  public int reboots;
  /** Every deployment of the stateroot in bootloader order: index 0 boots next. */
  public List<Deployment> deployments = new ArrayList<>();
  /** Packages the images carry (for {@code override remove} and inactive requests); one list for every image. */
  public List<String> basePackages = new ArrayList<>();
  /** Another registered update driver ({@code deploy '' --register-driver}), or null; gone at the next reboot. */
  public Driver updateDriver;
  /** A daemon transaction in progress (its title), or null. */
  public String transaction;
  public Faults faults = new Faults();

  record Driver(String name, String unit) {}

  /**
   * One deployment.
   *
   * @param origin the container image reference exactly as given (ostree-ext form), or a plain ostree refspec
   * @param container whether {@code origin} is a container image reference
   * @param imageDigest the per-architecture manifest digest (containers), else null
   * @param baseChecksum the base commit (from the image or the ostree ref)
   * @param checksum the deployed commit: the base, or a host-local one when packages are layered or removed
   * @param timestamp the base commit's time, epoch seconds
   * @param kargs the deployment's kernel arguments (BLS options, without ostree=)
   */
  record Deployment(String origin, boolean container, String imageDigest, String architecture,
      String version, long timestamp, String baseChecksum, String checksum, int serial, boolean booted,
      boolean staged, boolean locked, boolean pinned, List<String> requestedPackages,
      List<String> requestedBaseRemovals, List<String> kargs) {
    Deployment {
      requestedPackages = List.copyOf(requestedPackages);
      requestedBaseRemovals = List.copyOf(requestedBaseRemovals);
      kargs = List.copyOf(kargs);
    }

    Deployment booted(boolean b) {
      return new Deployment(origin, container, imageDigest, architecture, version, timestamp, baseChecksum,
          checksum, serial, b, false, false, pinned, requestedPackages, requestedBaseRemovals, kargs);
    }

    Deployment locked(boolean l) {
      return new Deployment(origin, container, imageDigest, architecture, version, timestamp, baseChecksum,
          checksum, serial, booted, staged, l, pinned, requestedPackages, requestedBaseRemovals, kargs);
    }

    boolean layered() {
      return !requestedPackages.isEmpty() || !requestedBaseRemovals.isEmpty();
    }
  }

  /** Faults to inject; each fires once (command failures and lost staged entries: that many times). */
  static final class Faults extends SimFaults {
    public int commandFailures;
  }

  int bootedIndex() {
    for (int i = 0; i < deployments.size(); i++) {
      if (deployments.get(i).booted()) {
        return i;
      }
    }
    return -1;
  }

  Deployment staged() {
    return !deployments.isEmpty() && deployments.get(0).staged() ? deployments.get(0) : null;
  }
}
