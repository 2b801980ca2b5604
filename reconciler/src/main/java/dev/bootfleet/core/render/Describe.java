package dev.bootfleet.core.render;

import dev.bootfleet.core.plan.Action;

/** One line per action, for people; shared by the text and Markdown renderers. */
final class Describe {
  private Describe() {}

  static String action(Action a) {
    return switch (a) {
      case Action.Stage s -> "stage " + s.ref() + (s.transport().equals("registry") ? "" : " (transport " + s.transport() + ")")
          + (s.enforceSignaturePolicy() ? " [signature policy enforced]" : "")
          + (s.from() == null ? "" : "  (from " + s.from() + ")");
      case Action.UnlockStaged u -> "unlock-staged " + u.ref() + "  (staged download-only)";
      case Action.CancelStaged c -> "cancel-staged " + c.ref();
      case Action.CancelRollback c -> "cancel-rollback  (queued rollback to " + c.ref() + ")";
      case Action.Reboot r -> "reboot into " + r.ref();
      case Action.WriteFile w -> "write-file " + w.path() + "  (" + w.summary() + "; " + w.mode() + " "
          + w.owner() + ":" + w.group() + ", " + w.size() + " bytes)";
      case Action.RemoveFile r -> "remove-file " + r.path();
      case Action.SetKargs k -> "set-kargs" + (k.append().isEmpty() ? "" : " append " + String.join(" ", k.append()))
          + (k.delete().isEmpty() ? "" : " delete " + String.join(" ", k.delete()));
    };
  }

  static String diff(Action a) {
    return switch (a) {
      case Action.WriteFile w -> w.diff();
      case Action.RemoveFile r -> r.diff();
      default -> null;
    };
  }
}
