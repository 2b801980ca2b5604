package dev.bootfleet.core.port;

/**
 * The host's boots: which boot this is, and how to start the next one. The agent reads
 * {@code /proc/sys/kernel/random/boot_id} and runs {@code systemctl reboot} ({@code
 * adapters.exec.SystemPower}); the fleet simulator keeps both in memory.
 */
public interface HostPower {
  /** The id of the running boot; it changes at every boot. */
  String bootId() throws java.io.IOException;

  /** Hands the reboot to the system; returns once it is under way. */
  void reboot() throws HostDriver.HostException;

  /** What {@link #reboot()} runs, for reports. */
  String describeReboot();

  /**
   * Hands a soft reboot to the system ({@code systemctl soft-reboot}: userspace only, the kernel kept, into
   * {@code /run/nextroot} where bootc prepared it); returns once it is under way. The boot that follows has the
   * same kernel boot id, so {@link #bootId()} must tell it apart (systemd's {@code SoftRebootsCount}).
   */
  default void softReboot() throws HostDriver.HostException {
    throw new HostDriver.HostException("this host cannot soft-reboot (no soft reboot command)");
  }

  /** What {@link #softReboot()} runs, for reports. */
  default String describeSoftReboot() {
    return "no soft reboot";
  }
}
