package dev.bootfleet.core.render;

import dev.bootfleet.core.plan.Action;

/** One line per action, for people; shared by the text and Markdown renderers. */
public final class Describe {
  private Describe() {}

  /** One line for people saying what {@code a} does. */
  public static String action(Action a) {
    return switch (a) {
      case Action.Stage s -> "stage " + s.ref() + (s.transport().equals("registry") ? "" : " (transport " + s.transport() + ")")
          + (s.enforceSignaturePolicy() ? " [signature policy enforced]" : "")
          + (s.from() == null ? "" : "  (from " + s.from() + ")");
      case Action.UnlockStaged u -> "unlock-staged " + u.ref() + "  (staged download-only)";
      case Action.CancelStaged c -> "cancel-staged " + (c.ref() == null ? "(a non-container deployment)" : c.ref());
      case Action.CancelRollback c -> "cancel-rollback  (queued rollback to " + c.ref() + ")";
      case Action.Reboot r -> "reboot into " + r.ref();
      case Action.WriteFile w -> "write-file " + w.path() + "  (" + w.summary() + "; " + w.mode() + " "
          + w.owner() + ":" + w.group() + ", " + w.size() + " bytes)";
      case Action.RemoveFile r -> "remove-file " + r.path();
      case Action.SetKargs k -> "set-kargs" + (k.append().isEmpty() ? "" : " append " + String.join(" ", k.append()))
          + (k.delete().isEmpty() ? "" : " delete " + String.join(" ", k.delete()));
      case Action.Rebase r -> "rebase " + r.ref() + (r.revision() == null ? "" : " " + r.revision())
          + (r.install().isEmpty() ? "" : " install " + String.join(" ", r.install()))
          + (r.uninstall().isEmpty() ? "" : " uninstall " + String.join(" ", r.uninstall()))
          + (r.from() == null ? "" : "  (from " + r.from() + ")");
      case Action.Deploy d -> "deploy " + d.commit()
          + (d.install().isEmpty() ? "" : " install " + String.join(" ", d.install()))
          + (d.uninstall().isEmpty() ? "" : " uninstall " + String.join(" ", d.uninstall()))
          + (d.from() == null ? "" : "  (from " + d.from() + ")");
      case Action.InstallPackages p -> "install-packages " + String.join(" ", p.packages());
      case Action.RemovePackages p -> "remove-packages"
          + (p.layered().isEmpty() ? "" : " uninstall " + String.join(" ", p.layered()))
          + (p.base().isEmpty() ? "" : " override-remove " + String.join(" ", p.base()));
      case Action.Finalize f -> "finalize " + f.ref() + "  (rpm-ostree finalize-deployment: reboots)";
      case Action.FlatpakRemoteAdd r -> "flatpak-remote-add " + r.name() + " " + r.url() + "  (" + r.installation()
          + (r.previousUrl() == null ? "" : "; was " + r.previousUrl()) + ")";
      case Action.FlatpakInstall i -> "flatpak-install " + i.ref() + " from " + i.remote() + "  (" + i.installation()
          + (i.commit() == null ? "" : "; commit " + shortCommit(i.commit())) + ")";
      case Action.FlatpakUpdate u -> "flatpak-update " + u.ref() + " to "
          + (u.commit() == null ? "its branch (unpinned)" : shortCommit(u.commit())) + "  ("
          + u.installation() + (u.fromCommit() == null ? "" : "; from " + shortCommit(u.fromCommit())) + ")";
      case Action.FlatpakUninstall u -> "flatpak-uninstall " + u.ref() + "  (" + u.installation() + ")";
    };
  }

  private static String shortCommit(String commit) {
    return commit.length() > 12 ? commit.substring(0, 12) : commit;
  }

  /** The unified diff of an {@code /etc} file's change, or null for another action. */
  public static String diff(Action a) {
    return switch (a) {
      case Action.WriteFile w -> w.diff();
      case Action.RemoveFile r -> r.diff();
      default -> null;
    };
  }
}
