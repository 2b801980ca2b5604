package dev.bootfleet.core.status;

/**
 * Why a host has its conditions: the CamelCase {@code reason} of a Kubernetes-style condition, as Flux and
 * bootc-operator write them. Every reason is documented in docs/spec/host-status.md; the sentences that
 * several places print are here, once.
 */
public enum Reason {
  /** It runs what Git names, and its managed files match. */
  RECONCILIATION_SUCCEEDED("ReconciliationSucceeded", SyncStatus.IN_SYNC),
  /** Something differs (files, kernel arguments, Flatpaks, a stray staged entry): it is being changed. */
  DRIFT_DETECTED("DriftDetected", SyncStatus.DRIFTED),
  /** The desired image is to be staged. */
  STAGE_PENDING("StagePending", SyncStatus.DRIFTED),
  /** The desired image is staged; a reboot (in its window, with a slot) applies it. */
  REBOOT_PENDING("RebootPending", SyncStatus.DRIFTED),
  /** A rollout holds the host on the image it boots until its wave starts (ADR 0021): the server's target says so. */
  WAITING_FOR_WAVE("WaitingForWave", SyncStatus.DRIFTED),
  /** The rollout rejected the digest Git names after a wave failed its health gate; the host keeps or rolls back. */
  DIGEST_REJECTED("DigestRejected", SyncStatus.HELD),
  /** A step the agent ran failed; the next cycle tries again. */
  APPLY_FAILED("ApplyFailed", SyncStatus.DRIFTED),
  /** The host booted its old image with the desired one in the rollback slot: someone rolled back. */
  ROLLED_BACK("RolledBack", SyncStatus.HELD),
  /** The new image did not boot and the bootloader chose the previous one. */
  BOOTLOADER_FALLBACK("BootloaderFallback", SyncStatus.HELD),
  /** The staged update was lost at several boots in a row. */
  STAGED_UPDATE_LOST("StagedUpdateLost", SyncStatus.HELD),
  /** The host cannot be changed the way Git asks (incompatible deployment, read-only sysroot, another updater). */
  UPDATE_BLOCKED("UpdateBlocked", SyncStatus.HELD),
  /** Nothing the host reported can be compared with Git (no report, or no booted deployment). */
  NO_OBSERVED_STATE("NoObservedState", SyncStatus.UNKNOWN),
  /** The host's status could not be read. */
  OBSERVE_FAILED("ObserveFailed", SyncStatus.UNKNOWN),
  /** The desired state could not be fetched. */
  FETCH_FAILED("FetchFailed", SyncStatus.UNKNOWN),
  /** The revision has errors: nothing from it is applied until Git changes. */
  REVISION_INVALID("RevisionInvalid", SyncStatus.UNKNOWN),
  /** The revision declares no such host. */
  HOST_NOT_DECLARED("HostNotDeclared", SyncStatus.UNKNOWN);

  /** The end of every hold sentence: what lifts it. */
  public static final String UNTIL_GIT_OR_OPERATOR =
      "no new switch until Git names another digest or an operator clears the hold";

  /** The hold sentence after a rollback from {@code image}. */
  public static String rolledBack(String image) {
    return "rolled back from " + image + "; " + UNTIL_GIT_OR_OPERATOR;
  }

  /** The hold sentence after the bootloader fell back from {@code image}; {@code queued}: it boots next. */
  public static String fellBack(String image, boolean queued) {
    return "the bootloader fell back from " + image + " (boot failure?)"
        + (queued ? " and it is queued for the next boot" : "") + "; " + UNTIL_GIT_OR_OPERATOR;
  }

  /** The hold sentence after the staged update of {@code image} was lost {@code times} boots in a row. */
  public static String lost(String image, int times) {
    return "the staged update of " + image + " was lost at " + times + " boots in a row; " + UNTIL_GIT_OR_OPERATOR;
  }

  private final String id;
  private final SyncStatus status;

  Reason(String id, SyncStatus status) {
    this.id = id;
    this.status = status;
  }

  /** The CamelCase word. */
  public String id() {
    return id;
  }

  /** The status a host with this reason has. */
  public SyncStatus status() {
    return status;
  }

  /** Whether only a change in Git or an operator ends it: the host is {@code Stalled}. */
  public boolean stalls() {
    return status == SyncStatus.HELD || this == REVISION_INVALID || this == HOST_NOT_DECLARED;
  }

  /** The hold reason for a boot outcome id ({@code explicit-rollback}, ...); null for another. */
  public static Reason ofHold(String outcome) {
    return switch (outcome == null ? "" : outcome) {
      case "explicit-rollback" -> ROLLED_BACK;
      case "bootloader-fallback" -> BOOTLOADER_FALLBACK;
      case "staged-update-lost" -> STAGED_UPDATE_LOST;
      default -> null;
    };
  }

  @Override
  public String toString() {
    return id;
  }
}
