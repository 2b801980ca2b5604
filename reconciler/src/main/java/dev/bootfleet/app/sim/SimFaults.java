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
}
