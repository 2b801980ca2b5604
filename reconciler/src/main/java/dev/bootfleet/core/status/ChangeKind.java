package dev.bootfleet.core.status;

/** What a change between two revisions does to one host ({@code plan --base --head}). */
public enum ChangeKind implements PlanStatus {
  ADDED("added"),
  REMOVED("removed"),
  CHANGED("changed"),
  UNCHANGED("unchanged");

  private final String id;

  ChangeKind(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public boolean differs() {
    return this != UNCHANGED;
  }

  @Override
  public String toString() {
    return id;
  }
}
