package dev.bootfleet.core.plan;

import java.util.List;

/**
 * One step that brings a host to what Git says. Each carries what an agent needs to do it and, for
 * file changes, a unified diff for people. The {@link #type()} names are part of the JSON plan schema.
 */
public sealed interface Action {

  String type();

  /** {@code bootc switch [--transport T] [--enforce-container-sigpolicy] REF}; the previous image, if any. */
  record Stage(String ref, String transport, boolean enforceSignaturePolicy, String digest, String from)
      implements Action {
    public String type() {
      return "stage";
    }
  }

  /** The desired image is staged download-only: {@code bootc upgrade --from-downloaded}. */
  record UnlockStaged(String ref) implements Action {
    public String type() {
      return "unlock-staged";
    }
  }

  /** A staged deployment of an image Git no longer wants would replace the booted one at next boot. */
  record CancelStaged(String ref) implements Action {
    public String type() {
      return "cancel-staged";
    }
  }

  /** A rollback is queued: the next boot would leave the desired image ({@code bootc rollback} reverts it). */
  record CancelRollback(String ref) implements Action {
    public String type() {
      return "cancel-rollback";
    }
  }

  /** Only a reboot is missing: the desired image (and any kargs) are staged. */
  record Reboot(String ref) implements Action {
    public String type() {
      return "reboot";
    }
  }

  /**
   * Write a file under /etc: content identified by hash, attributes, and a diff against what the host
   * (or the base revision) has, when known.
   *
   * @param previousSha256 the hash the host reports, or null when the file is missing there
   */
  record WriteFile(String path, String sha256, int size, String mode, String owner, String group,
      String previousSha256, String summary, String diff) implements Action {
    public String type() {
      return "write-file";
    }
  }

  /** Remove a file Git marks {@code state: absent}. */
  record RemoveFile(String path, String previousSha256, String diff) implements Action {
    public String type() {
      return "remove-file";
    }
  }

  /** Add missing kernel arguments and drop unwanted ones; takes effect at the next boot. */
  record SetKargs(List<String> append, List<String> delete) implements Action {
    public SetKargs {
      append = List.copyOf(append);
      delete = List.copyOf(delete);
    }

    public String type() {
      return "set-kargs";
    }
  }

  // --- rpm-ostree hosts (see docs/adr/0009-rpm-ostree-and-flatpak.md) ---

  /**
   * {@code rpm-ostree rebase --lock-finalization [--install P]… [--uninstall P]… REF [REVISION]}: the
   * rpm-ostree form of {@link Stage}, carrying the package changes so that one deployment holds them all.
   *
   * @param ref the ostree-ext reference, e.g. {@code ostree-unverified-registry:quay.io/org/os@sha256:…},
   *     or an ostree {@code REMOTE:REF}
   * @param image the reference as Git writes it ({@code REMOTE:REF@COMMIT} for ostree)
   * @param from the image (or ostree ref and commit) the host boots now, or null
   * @param revision the ostree commit to rebase to ({@code REVISION}), or null (images; an unpinned ref)
   */
  record Rebase(String ref, String image, String digest, String from, List<String> install,
      List<String> uninstall, String revision) implements Action {
    public Rebase {
      install = List.copyOf(install);
      uninstall = List.copyOf(uninstall);
    }

    /** A rebase to an image. */
    public Rebase(String ref, String image, String digest, String from, List<String> install,
        List<String> uninstall) {
      this(ref, image, digest, from, install, uninstall, null);
    }

    public String type() {
      return "rebase";
    }
  }

  /**
   * {@code rpm-ostree deploy --lock-finalization [--install P]… [--uninstall P]… revision=COMMIT}: the
   * deployment already follows the ostree ref Git names, only the commit differs (rpm-ostree refuses a
   * rebase to the same ref).
   *
   * @param commit the ostree commit Git pins
   * @param image {@code REMOTE:REF@COMMIT} as Git names it
   * @param from what the host boots now, or null
   */
  record Deploy(String commit, String image, String from, List<String> install, List<String> uninstall)
      implements Action {
    public Deploy {
      install = List.copyOf(install);
      uninstall = List.copyOf(uninstall);
    }

    public String type() {
      return "deploy";
    }
  }

  /** {@code rpm-ostree install --idempotent --lock-finalization P…}: layer packages on the image. */
  record InstallPackages(List<String> packages) implements Action {
    public InstallPackages {
      packages = List.copyOf(packages);
    }

    public String type() {
      return "install-packages";
    }
  }

  /**
   * Drop package requests: {@code rpm-ostree uninstall --idempotent P…} for layered packages Git no
   * longer lists ({@code layered}) and {@code rpm-ostree override remove P…} for base packages Git
   * removes ({@code base}).
   */
  record RemovePackages(List<String> layered, List<String> base) implements Action {
    public RemovePackages {
      layered = List.copyOf(layered);
      base = List.copyOf(base);
    }

    public String type() {
      return "remove-packages";
    }
  }

  /**
   * The rpm-ostree form of {@link Reboot}: {@code rpm-ostree finalize-deployment CHECKSUM} unlocks the
   * staged deployment and reboots into it, inside the maintenance window.
   */
  record Finalize(String ref) implements Action {
    public String type() {
      return "finalize";
    }
  }

  /**
   * {@code flatpak remote-add --if-not-exists NAME URL}, or {@code remote-modify --url} when the remote
   * exists with another URL ({@code previousUrl}).
   */
  record FlatpakRemoteAdd(String name, String url, String installation, String previousUrl) implements Action {
    public String type() {
      return "flatpak-remote-add";
    }
  }

  /** {@code flatpak install REMOTE REF}, then {@code update --commit} when Git pins one. */
  record FlatpakInstall(String ref, String remote, String installation, String commit) implements Action {
    public String type() {
      return "flatpak-install";
    }
  }

  /**
   * {@code flatpak update --commit=COMMIT REF}: move an installed app to the commit Git pins; with no
   * {@code commit}, Git dropped the pin: unmask the app and update it to its branch.
   */
  record FlatpakUpdate(String ref, String installation, String commit, String fromCommit) implements Action {
    public String type() {
      return "flatpak-update";
    }
  }

  /** {@code flatpak uninstall REF}: Git marks the app {@code state: absent}. */
  record FlatpakUninstall(String ref, String installation, String commit) implements Action {
    public String type() {
      return "flatpak-uninstall";
    }
  }

  /** Whether this action is a Flatpak change: applied live, with no reboot. */
  default boolean isFlatpak() {
    return this instanceof FlatpakRemoteAdd || this instanceof FlatpakInstall || this instanceof FlatpakUpdate
        || this instanceof FlatpakUninstall;
  }
}
