package dev.bootfleet.app.sim;

/**
 * The faults both simulators inject, each firing once (lost staged entries: that many times); each
 * simulator's {@code Faults} adds its own.
 */
class SimFaults {
  public int loseStaged;
  public boolean bootloaderFallback;
  public boolean explicitRollback;
  public int slowDownloadSeconds;

  /** Arms {@code fault} when both simulators know it ({@code times} or {@code seconds} where it takes them). */
  final boolean arm(String fault, int times, int seconds) {
    switch (fault) {
      case "lose-staged" -> loseStaged = times;
      case "bootloader-fallback" -> bootloaderFallback = true;
      case "explicit-rollback" -> explicitRollback = true;
      case "slow-download" -> slowDownloadSeconds = seconds;
      default -> {
        return false;
      }
    }
    return true;
  }
}
