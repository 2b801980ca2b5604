package dev.bootfleet.app.agent;

import dev.bootfleet.core.lifecycle.HostRecord;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the agent remembers between cycles and boots, in {@code <stateDir>/state.json} (written
 * atomically): the managed files, and the lifecycle's {@link HostRecord}. Mutable: only the agent's cycle
 * (and {@code clear-hold}, under the agent lock) changes it.
 */
final class AgentState {
  public String apiVersion = "bootfleet.dev/v1alpha1";
  public String kind = "AgentState";
  /** The managed files bootfleet wrote, by path. */
  public Map<String, ManagedFile> files = new TreeMap<>();
  /** What the host's lifecycle remembers (what was staged, holds, the reboot slot, the last boot). */
  public HostRecord record = HostRecord.EMPTY;

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
}
