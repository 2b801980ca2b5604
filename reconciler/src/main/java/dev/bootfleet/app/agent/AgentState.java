package dev.bootfleet.app.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the agent remembers between cycles and boots, in {@code <stateDir>/state.json} (written
 * atomically). Mutable and package-private: only the agent's cycle changes it.
 */
public final class AgentState {
  public String apiVersion = "bootfleet.dev/v1alpha1";
  public String kind = "AgentState";
  /** The managed files bootfleet wrote, by path. */
  public Map<String, ManagedFile> files = new TreeMap<>();
  /** What the agent staged and in which boot, or null. */
  public Staged staged;
  /** Staged updates lost in a row (finalization failed); three make a hold. */
  public int lostAttempts;
  /** The hold on an image, or null. */
  public Hold hold;
  /** Images the agent may stage again although they are in the rollback slot (HostHistory), newest last. */
  public List<String> restageable = new ArrayList<>();
  /** The FleetLock slot, when the agent took one. */
  public Lock fleetLock;
  /** How the last boot went. */
  public Boot lastBoot;

  /**
   * A file bootfleet wrote.
   *
   * @param pendingSha256 the content being written when the agent stopped, if it did: a file holding it
   *     is bootfleet's, not a local change
   */
  public record ManagedFile(String sha256, String mode, String owner, String group, String pendingSha256) {
    boolean ours(String sha) {
      return sha.equals(sha256) || sha.equals(pendingSha256);
    }
  }

  /**
   * @param ref the canonical reference staged
   * @param bootId the boot in which it was staged
   * @param from what was booted then (null: not a container image)
   * @param locked whether the agent locked the entry (download-only, or rpm-ostree's finalization lock)
   * @param rebootBootId the boot in which the agent asked for the reboot that applies it, or null
   * @param rebootAt when it asked
   * @param checksum rpm-ostree hosts: the staged deployment's ostree commit, or null (bootc)
   * @param serial rpm-ostree hosts: its deploy serial, or null; with the commit it tells a package or
   *     kernel-argument change apart from the deployment it was built from, whose image is the same
   */
  public record Staged(String ref, String transport, boolean enforce, String bootId, String from, boolean locked,
      String rebootBootId, String rebootAt, String checksum, Integer serial) {
    public Staged(String ref, String transport, boolean enforce, String bootId, String from, boolean locked,
        String rebootBootId, String rebootAt) {
      this(ref, transport, enforce, bootId, from, locked, rebootBootId, rebootAt, null, null);
    }

    Staged withLocked(boolean l) {
      return new Staged(ref, transport, enforce, bootId, from, l, rebootBootId, rebootAt, checksum, serial);
    }

    Staged withReboot(String boot, String at) {
      return new Staged(ref, transport, enforce, bootId, from, locked, boot, at, checksum, serial);
    }

    Staged inBoot(String boot) {
      return new Staged(ref, transport, enforce, boot, from, locked, null, null, checksum, serial);
    }

    /** Whether this names one deployment by commit and serial (rpm-ostree), not only by image. */
    boolean byDeployment() {
      return checksum != null && serial != null;
    }
  }

  /** @param outcome what made it: explicit-rollback, bootloader-fallback or staged-update-lost */
  public record Hold(String ref, String outcome, String reason, String since) {}

  public record Lock(boolean held, String bootId, String at) {}

  public record Boot(String bootId, String outcome, String ref, String at) {}

  void remember(String ref) {
    restageable.remove(ref);
    restageable.add(ref);
    while (restageable.size() > 10) {
      restageable.remove(0);
    }
  }
}
