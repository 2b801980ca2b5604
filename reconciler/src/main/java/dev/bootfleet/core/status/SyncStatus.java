package dev.bootfleet.core.status;

/** Where a host stands against Git, from what it reports ({@code plan}, {@code drift}, the agent). */
public enum SyncStatus implements PlanStatus {
  /** It runs what Git names, and its managed files match. */
  IN_SYNC("in-sync"),
  /** Something differs, and bootfleet can bring it to Git. */
  DRIFTED("drifted"),
  /** Something differs and bootfleet will not act on it until Git or an operator says so. */
  HELD("held"),
  /** What the host runs is not known (no report, a report that cannot be read, an invalid revision). */
  UNKNOWN("unknown");

  private final String id;

  SyncStatus(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public boolean differs() {
    return this != IN_SYNC;
  }

  /** The status whose {@link #id()} is {@code id}. */
  public static SyncStatus of(String id) {
    for (SyncStatus s : values()) {
      if (s.id.equals(id)) {
        return s;
      }
    }
    throw new IllegalArgumentException("not a sync status: " + id);
  }

  @Override
  public String toString() {
    return id;
  }
}
