package dev.bootfleet.core.status;

import java.util.List;

/**
 * A Kubernetes-style condition ({@code type}, {@code status} True/False/Unknown, a CamelCase {@code
 * reason}, a one-line {@code message}), as Flux's objects carry them. A host has three, summarised the
 * way kstatus reads them: {@code Ready} (it runs what Git names), {@code Reconciling} (bootfleet is
 * bringing it there), {@code Stalled} (only Git or an operator can move it on).
 */
public record Condition(String type, String status, String reason, String message) {
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";

  public Condition {
    if (!status.equals("True") && !status.equals("False") && !status.equals("Unknown")) {
      throw new IllegalArgumentException("a condition's status is True, False or Unknown, not " + status);
    }
  }

  /** The three conditions of a host whose status comes from {@code reason}, with its one-line message. */
  public static List<Condition> of(Reason reason, String message) {
    SyncStatus s = reason.status();
    String ready = s == SyncStatus.IN_SYNC ? "True" : s == SyncStatus.UNKNOWN ? "Unknown" : "False";
    boolean reconciling = s == SyncStatus.DRIFTED;
    return List.of(new Condition(READY, ready, reason.id(), message),
        new Condition(RECONCILING, reconciling ? "True" : "False", reason.id(), message),
        new Condition(STALLED, reason.stalls() ? "True" : "False", reason.id(), message));
  }
}
