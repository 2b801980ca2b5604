package dev.bootfleet.core.observed;

/**
 * One deployment of the host: staged, booted, rollback or another (pinned) one.
 *
 * @param image the deployment's image, or {@code null} when it is not container based (or is
 *     {@code incompatible})
 * @param cachedUpdate a newer image seen in the registry but not staged ({@code bootc upgrade
 *     --check}), or {@code null}
 * @param incompatible rpm-ostree local changes: bootc cannot change this deployment
 * @param pinned kept from garbage collection
 * @param softRebootCapable can be entered by a userspace-only soft reboot
 * @param downloadOnly staged but locked: it will not be applied by the next reboot
 * @param ostreeChecksum the ostree commit (host-local identity), or {@code null} without ostree state
 * @param deploySerial counts redeployments of the same commit, or {@code null} without ostree state
 * @param stateroot the stateroot (own /etc and /var), or {@code null} without ostree state
 * @param layering rpm-ostree package requests of this deployment ({@link Layering#NONE} for bootc)
 * @param origin the ostree refspec and base commit of a deployment that follows an ostree ref rather than
 *     a container image, or {@code null}
 */
public record BootEntry(
    ImageStatus image,
    ImageStatus cachedUpdate,
    boolean incompatible,
    boolean pinned,
    boolean softRebootCapable,
    boolean downloadOnly,
    String ostreeChecksum,
    Integer deploySerial,
    String stateroot,
    Layering layering,
    OstreeOrigin origin) {
  public BootEntry {
    layering = layering == null ? Layering.NONE : layering;
    boolean anyOstree = ostreeChecksum != null || deploySerial != null || stateroot != null;
    boolean allOstree = ostreeChecksum != null && deploySerial != null && stateroot != null;
    if (anyOstree && !allOstree) {
      throw new IllegalArgumentException("ostree state is incomplete (expected checksum, deploySerial"
          + " and stateroot together, or none)");
    }
    if (deploySerial != null && deploySerial < 0) {
      throw new IllegalArgumentException("deploySerial " + deploySerial
          + " is negative (expected an integer from 0)");
    }
    if (ostreeChecksum != null && !Formats.isSha256Hex(ostreeChecksum)) {
      throw new IllegalArgumentException("checksum " + ostreeChecksum
          + " is not an ostree checksum (expected " + Formats.SHA256_FORM + ")");
    }
    if (stateroot != null && stateroot.isEmpty()) {
      throw new IllegalArgumentException("stateroot is empty (expected a stateroot name, e.g. default)");
    }
  }

  /** A deployment without an ostree origin. */
  public BootEntry(ImageStatus image, ImageStatus cachedUpdate, boolean incompatible, boolean pinned,
      boolean softRebootCapable, boolean downloadOnly, String ostreeChecksum, Integer deploySerial,
      String stateroot, Layering layering) {
    this(image, cachedUpdate, incompatible, pinned, softRebootCapable, downloadOnly, ostreeChecksum,
        deploySerial, stateroot, layering, null);
  }

  /** A deployment without rpm-ostree package requests (what bootc reports). */
  public BootEntry(ImageStatus image, ImageStatus cachedUpdate, boolean incompatible, boolean pinned,
      boolean softRebootCapable, boolean downloadOnly, String ostreeChecksum, Integer deploySerial,
      String stateroot) {
    this(image, cachedUpdate, incompatible, pinned, softRebootCapable, downloadOnly, ostreeChecksum,
        deploySerial, stateroot, Layering.NONE, null);
  }
}
