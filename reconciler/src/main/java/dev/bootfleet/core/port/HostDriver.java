package dev.bootfleet.core.port;

import dev.bootfleet.core.manifest.HostDriverKind;
import java.util.List;

/**
 * The image-based OS tooling of one host, as the agent drives it: bootc ({@link Bootc}, {@code
 * adapters.bootc.BootcCli}) or rpm-ostree ({@link RpmOstree}, {@code adapters.rpmostree.RpmOstreeCli}).
 * What both tools do is here; what only one does is in its own interface, so that no driver has
 * methods it cannot honour. Only {@link RpmOstree#finalizeStaged()} reboots (rpm-ostree's documented
 * way to apply a finalization-locked deployment); bootc reboots go through the agent's reboot policy
 * and systemd.
 */
public sealed interface HostDriver permits HostDriver.Bootc, HostDriver.RpmOstree {

  /** {@link HostDriverKind#BOOTC} or {@link HostDriverKind#RPM_OSTREE}. */
  HostDriverKind kind();

  /**
   * The status document as the tool prints it: {@code bootc status --format=json --format-version=1} or
   * {@code rpm-ostree status --json}; parse it with {@code core.observed.StatusDocuments}.
   */
  String status() throws HostException;

  /**
   * The kernel arguments of the next boot as the tool reports them, or null when this driver does not
   * report them (bootc).
   */
  List<String> kargs() throws HostException;

  /** Whether {@link #setKargs} can change kernel arguments. */
  boolean supportsKargs();

  /**
   * Adds and removes kernel arguments for the next boot (stacked onto whatever is staged).
   *
   * @return false when nothing had to change
   */
  boolean setKargs(List<String> append, List<String> delete) throws HostException;

  /**
   * Reverts a queued rollback. Both tools' {@code rollback} is a toggle: implementations check that a
   * rollback is queued (and, for rpm-ostree, that nothing is staged) and do nothing otherwise.
   *
   * @return whether a rollback was reverted
   */
  boolean revertQueuedRollback() throws HostException;

  /** bootc: {@code switch} stages; a download-only lock makes a reboot discard a staged entry. */
  non-sealed interface Bootc extends HostDriver {
    /** Stages {@code ref} for the next boot ({@code bootc switch}); replaces any staged entry. */
    void switchTo(String ref, String transport, boolean enforceSignaturePolicy) throws HostException;

    /** Locks the staged entry so that a reboot discards rather than applies it. */
    void lockStaged() throws HostException;

    /** Unlocks a download-only staged entry so that the next reboot applies it. */
    void unlockStaged() throws HostException;
  }

  /**
   * rpm-ostree: every change builds one new staged deployment from the first deployment, always with
   * {@code --lock-finalization}, so changes stack and one {@link #finalizeStaged()} applies them all.
   * Each change returns false when nothing had to change (exit 77 of {@code --unchanged-exit-77}).
   */
  non-sealed interface RpmOstree extends HostDriver {
    /**
     * {@code rebase --lock-finalization [--install P]… [--uninstall P]… REF}; when the first deployment
     * already has {@code ref} (rpm-ostree refuses a rebase to it) only the package changes are made.
     */
    boolean rebase(String ref, List<String> install, List<String> uninstall) throws HostException;

    /** {@code install --idempotent --unchanged-exit-77 --lock-finalization P…}. */
    boolean install(List<String> packages) throws HostException;

    /** {@code uninstall --idempotent --unchanged-exit-77 --lock-finalization P…}. */
    boolean uninstall(List<String> packages) throws HostException;

    /** {@code override remove --lock-finalization P…} for the base packages not already removed. */
    boolean removeBasePackages(List<String> packages) throws HostException;

    /** {@code cleanup -p}: drops the staged (or pending) deployment. */
    boolean cleanupPending() throws HostException;

    /**
     * {@code finalize-deployment --allow-unlocked CHECKSUM} for the staged deployment (its image digest,
     * else its base commit): unlocks it and reboots the host at once.
     *
     * @return the checksum it was finalized with
     */
    String finalizeStaged() throws HostException;
  }

  /** A command that failed, timed out or could not start: one line, no secrets. */
  final class HostException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean cannotStart;

    public HostException(String message) {
      this(message, false);
    }

    /** @param cannotStart the tool's executable could not be started (missing, not executable) */
    public HostException(String message, boolean cannotStart) {
      super(message);
      this.cannotStart = cannotStart;
    }

    /** Whether the tool could not be started at all: it is not installed. */
    public boolean cannotStart() {
      return cannotStart;
    }
  }
}
