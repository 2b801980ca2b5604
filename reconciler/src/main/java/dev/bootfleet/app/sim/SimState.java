package dev.bootfleet.app.sim;

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
  public Faults faults = new Faults();

  /** One deployment; {@code signature} null is bootc's default (no enforcement). */
  record Deployment(String image, String transport, String signature, String imageDigest, String architecture,
      String version, String timestamp, String checksum, int deploySerial, boolean downloadOnly) {
    Deployment locked(boolean l) {
      return new Deployment(image, transport, signature, imageDigest, architecture, version, timestamp, checksum,
          deploySerial, l);
    }

    boolean sameSpec(String i, String t, String s) {
      return image.equals(i) && transport.equals(t) && java.util.Objects.equals(signature, s);
    }
  }

  /** Faults to inject; each fires once (switch failures: that many times). */
  static final class Faults extends SimFaults {
    public int switchFailures;
  }
}
