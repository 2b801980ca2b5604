package dev.bootfleet.core.observed;

import java.util.List;
import java.util.Objects;

/**
 * One host's {@code bootc status}: the derived spec and every deployment.
 *
 * @param apiVersion as read, e.g. {@code org.containers.bootc/v1} (older bootc: {@code …/v1alpha1})
 * @param specImage the staged entry's image reference if one is staged, else the booted one's; {@code
 *     null} when there is none
 * @param bootOrder {@code default}, or {@code rollback} when the rollback entry boots next
 * @param staged the deployment queued for the next boot, or {@code null}
 * @param booted the running deployment, or {@code null} when the host is not a bootc/ostree host
 * @param rollback the previous deployment, or {@code null}
 * @param otherDeployments pinned extras and other stateroots (never null, often empty)
 * @param rollbackQueued the rollback entry boots next
 * @param type {@code bootcHost} when the booted entry has a container image, else {@code null}; other
 *     values may appear in later bootc versions
 * @param usrOverlay the /usr overlay, or {@code null} when none is mounted
 * @param readOnly /sysroot is on read-only media (live ISO): nothing can be changed
 * @param updateDriver another update driver registered with rpm-ostree, or {@code null}
 */
public record ObservedHost(
    String apiVersion,
    ImageReference specImage,
    String bootOrder,
    BootEntry staged,
    BootEntry booted,
    BootEntry rollback,
    List<BootEntry> otherDeployments,
    boolean rollbackQueued,
    String type,
    UsrOverlay usrOverlay,
    boolean readOnly,
    UpdateDriver updateDriver) {
  static final String DEFAULT_ORDER = "default";
  static final String ROLLBACK_ORDER = "rollback";

  public ObservedHost {
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(bootOrder, "bootOrder");
    otherDeployments = List.copyOf(otherDeployments);
    if (!bootOrder.equals(DEFAULT_ORDER) && !bootOrder.equals(ROLLBACK_ORDER)) {
      throw new IllegalArgumentException("bootOrder " + bootOrder
          + " is unknown (expected default or rollback)");
    }
  }

  /** A host with no other update driver registered. */
  public ObservedHost(String apiVersion, ImageReference specImage, String bootOrder, BootEntry staged,
      BootEntry booted, BootEntry rollback, List<BootEntry> otherDeployments, boolean rollbackQueued, String type,
      UsrOverlay usrOverlay, boolean readOnly) {
    this(apiVersion, specImage, bootOrder, staged, booted, rollback, otherDeployments, rollbackQueued, type,
        usrOverlay, readOnly, null);
  }

  /** Whether this was read from a plain ostree host's {@code ostree admin status}. */
  public boolean fromOstree() {
    return OstreeStatusParser.API_VERSION.equals(apiVersion);
  }

  /** Whether this was read from {@code rpm-ostree status --json} rather than {@code bootc status}. */
  public boolean fromRpmOstree() {
    return RpmOstreeStatusParser.API_VERSION.equals(apiVersion);
  }
}
