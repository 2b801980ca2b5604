package dev.bootfleet.app.sim;

import java.util.List;

/**
 * The simulated host, as {@code <state-dir>/sim.json} keeps it between invocations; Jackson reads and
 * writes its public fields.
 */
final class SimState {
  public String kind = "BootcSimulatorState";
  public String arch = "amd64";
  public String bootId;
  public int reboots;
  public Deployment staged;
  public Deployment booted;
  public Deployment rollback;
  public boolean rollbackQueued;
  /** The staged deployment's checksum once a soft reboot into it was prepared ({@code /run/nextroot}), or null. */
  public String softRebootTarget;
  /** Soft reboots in this kernel boot (systemd's {@code SoftRebootsCount}); a full reboot starts it at 0. */
  public int softReboots;
  public Faults faults = new Faults();

  /**
   * One deployment; {@code signature} null is bootc's default (no enforcement); {@code kargs} the kernel arguments
   * its image sets ({@code /usr/lib/bootc/kargs.d}): a deployment whose differ from the booted one's cannot be
   * soft-rebooted into.
   */
  record Deployment(String image, String transport, String signature, String imageDigest, String architecture,
      String version, String timestamp, String checksum, int deploySerial, boolean downloadOnly, List<String> kargs) {
    Deployment {
      kargs = kargs == null ? List.of() : List.copyOf(kargs);
    }

    Deployment locked(boolean l) {
      return new Deployment(image, transport, signature, imageDigest, architecture, version, timestamp, checksum,
          deploySerial, l, kargs);
    }

    boolean sameSpec(String i, String t, String s) {
      return image.equals(i) && transport.equals(t) && java.util.Objects.equals(signature, s);
    }
  }

  /** Faults to inject; each fires once (switch failures: that many times). */
  static final class Faults extends SimFaults {
    public int switchFailures;
    /** The next image pulled changes the kernel arguments (a kargs.d change): not soft-reboot capable. */
    public boolean kargsChange;
  }
}
