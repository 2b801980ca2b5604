package dev.bootfleet.core.status;

/**
 * What a host plan says of its host: either where the host stands against Git ({@link SyncStatus}, from
 * {@code plan} and {@code drift}), or what a change between two revisions does to it ({@link ChangeKind},
 * from {@code plan --base --head}). Two closed sets that share only how they are shown.
 */
public sealed interface PlanStatus permits SyncStatus, ChangeKind {
  /** The word reports use: {@code in-sync}, {@code added}, ... */
  String id();

  /** Whether the host differs from Git (or the change touches it): what --detailed-exitcode reports as 2. */
  boolean differs();
}
