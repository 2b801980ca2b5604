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
}
