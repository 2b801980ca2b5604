package dev.bootfleet.core.port;

import dev.bootfleet.core.manifest.HostDriverKind;
import java.util.List;

/**
 * The image-based OS tooling of one host, as the agent drives it: bootc ({@link Bootc}, {@code
 * adapters.bootc.BootcCli}), rpm-ostree ({@link RpmOstree}, {@code adapters.rpmostree.RpmOstreeCli}) or
 * plain ostree ({@link Ostree}, {@code adapters.ostree.OstreeCli}).
 * What both tools do is here; what only one does is in its own interface, so that no driver has
 * methods it cannot honour. Only {@link RpmOstree#finalizeStaged()} reboots (rpm-ostree's documented
 * way to apply a finalization-locked deployment); bootc reboots go through the agent's reboot policy
 * and systemd.
 */
public sealed interface HostDriver permits HostDriver.Bootc, HostDriver.RpmOstree, HostDriver.Ostree {

  /** {@link HostDriverKind#BOOTC}, {@link HostDriverKind#RPM_OSTREE} or {@link HostDriverKind#OSTREE}. */
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
    /** bootc has no verb for kernel arguments: they ship in the image. */
    @Override
    default boolean supportsKargs() {
      return false;
    }

    @Override
    default boolean setKargs(List<String> append, List<String> delete) throws HostException {
      throw new HostException("changing kernel arguments is not supported with bootc yet; set them in the image"
          + " (/usr/lib/bootc/kargs.d)");
    }

    /** Stages {@code ref} for the next boot ({@code bootc switch}); replaces any staged entry. */
    void switchTo(String ref, String transport, boolean enforceSignaturePolicy) throws HostException;

    /** Locks the staged entry so that a reboot discards rather than applies it. */
    void lockStaged() throws HostException;

    /** Unlocks a download-only staged entry so that the next reboot applies it. */
    void unlockStaged() throws HostException;

    /** {@code bootc rollback}: queues the previous deployment for the next boot (a toggle: the caller checks). */
    void rollback() throws HostException;

    /**
     * {@code bootc upgrade --from-downloaded --soft-reboot=required} (bootc 1.7): unlocks the staged entry and
     * prepares {@code /run/nextroot} for a soft reboot into it; fails when the staged entry is not
     * soft-reboot capable (its kernel or kernel arguments differ), and then nothing is prepared.
     */
    void prepareSoftReboot() throws HostException;
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

    /**
     * {@code rebase --lock-finalization [--install P]… [--uninstall P]… REF REVISION}: an ostree ref at the
     * commit Git pins ({@code revision} null: the ref's head), as {@link #rebase(String, List, List)}.
     */
    boolean rebase(String ref, String revision, List<String> install, List<String> uninstall) throws HostException;

    /**
     * {@code deploy --lock-finalization --unchanged-exit-77 [--install P]… [--uninstall P]… revision=COMMIT}:
     * the same ostree ref at another commit; false when the first deployment already is that commit.
     */
    boolean deploy(String commit, List<String> install, List<String> uninstall) throws HostException;

    /** {@code install --idempotent --unchanged-exit-77 --lock-finalization P…}. */
    boolean install(List<String> packages) throws HostException;

    /** {@code uninstall --idempotent --unchanged-exit-77 --lock-finalization P…}. */
    boolean uninstall(List<String> packages) throws HostException;

    /** {@code override remove --lock-finalization P…} for the base packages not already removed. */
    boolean removeBasePackages(List<String> packages) throws HostException;

    /** {@code cleanup -p}: drops the staged (or pending) deployment. */
    boolean cleanupPending() throws HostException;

    /**
     * {@code rollback}: puts the rollback deployment first (a toggle: the caller checks, as {@code
     * HostLifecycle.rollbackFrom} does); rpm-ostree refuses it while a deployment is staged.
     */
    void rollback() throws HostException;

    /**
     * {@code finalize-deployment --allow-unlocked CHECKSUM} for the staged deployment (its image digest,
     * else its base commit): unlocks it and reboots the host at once.
     *
     * @return the checksum it was finalized with
     */
    String finalizeStaged() throws HostException;
  }

  /**
   * Plain ostree: pull a commit from a remote, deploy it with the origin following the ref ({@code --stage}
   * where the host is booted into ostree), drop a deployment. GPG verification is never turned off.
   */
  non-sealed interface Ostree extends HostDriver {
    /**
     * {@code ostree remote add --if-not-exists NAME URL}, verification on; false when the remote was there.
     * A remote that exists with another URL is refused rather than changed.
     */
    boolean addRemote(String name, String url) throws HostException;

    /** {@code ostree pull REMOTE COMMIT}, or {@code REMOTE REF} when {@code commit} is null. */
    void pull(String remote, String ref, String commit) throws HostException;

    /**
     * {@code ostree admin deploy [--stage] --os=STATEROOT} of {@code commit} (the ref's head when null) with an
     * origin that follows {@code REMOTE:REF}; /etc is merged three ways from the deployment it builds on.
     */
    void deploy(String stateroot, String remote, String ref, String commit) throws HostException;

    /** {@code ostree admin undeploy} of the staged deployment; false when none is staged. */
    boolean cancelStaged() throws HostException;

    /**
     * Deploys {@code commit} again, already in the repository, with an origin that follows {@code refspec}
     * ({@code admin deploy [--stage] --os=STATEROOT}): plain ostree's way back to its rollback deployment, since
     * ostree 2022.7 has no {@code rollback} verb. /etc is merged three ways from the booted deployment.
     */
    void redeploy(String stateroot, String refspec, String commit) throws HostException;
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
