package dev.bootfleet.core.plan;

/**
 * Where a host stands. The first four describe a host against what it reports ({@code plan}, {@code drift});
 * the last four describe what a change between two revisions does to a host ({@code plan --base --head}).
 */
public enum HostStatus {
  IN_SYNC("in-sync"),
  DRIFTED("drifted"),
  HELD("held"),
  UNKNOWN("unknown"),
  ADDED("added"),
  REMOVED("removed"),
  CHANGED("changed"),
  UNCHANGED("unchanged");

  private final String id;

  HostStatus(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** Whether the host differs from Git (or the change touches it): what --detailed-exitcode reports as 2. */
  public boolean differs() {
    return this != IN_SYNC && this != UNCHANGED;
  }

  @Override
  public String toString() {
    return id;
  }
}
