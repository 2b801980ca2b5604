package dev.bootfleet.core.port;

import java.util.List;

/**
 * The image-based OS tooling of one host, as the agent drives it. The bootc implementation runs the
 * {@code bootc} command line ({@code adapters.bootc.BootcCli}); rpm-ostree can come later. No method
 * reboots: reboots go through the agent's reboot policy and systemd.
 */
public interface HostDriver {

  /** The status document, as {@code bootc status --format=json --format-version=1} prints it. */
  String status() throws HostException;

  /** Stages {@code ref} for the next boot ({@code bootc switch}); replaces any staged entry. */
  void switchTo(String ref, String transport, boolean enforceSignaturePolicy) throws HostException;

  /** Locks the staged entry so that a reboot discards rather than applies it. */
  void lockStaged() throws HostException;

  /** Unlocks a download-only staged entry so that the next reboot applies it. */
  void unlockStaged() throws HostException;

  /** Reverts a queued rollback ({@code bootc rollback} is a toggle: call it only when one is queued). */
  void revertQueuedRollback() throws HostException;

  /** Whether this driver can change kernel arguments. */
  boolean supportsKargs();

  /** Adds and removes kernel arguments for the next boot. */
  void setKargs(List<String> append, List<String> delete) throws HostException;

  /** A command that failed, timed out or could not start: one line, no secrets. */
  final class HostException extends Exception {
    private static final long serialVersionUID = 1L;

    public HostException(String message) {
      super(message);
    }
  }
}
