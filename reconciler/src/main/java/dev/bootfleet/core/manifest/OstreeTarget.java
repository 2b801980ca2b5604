package dev.bootfleet.core.manifest;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An ostree ref and the commit a host must run ({@code spec.image.ostree}): the commit is authoritative,
 * as a digest is for an image; the ref is what the host follows and what its origin names.
 *
 * @param remote the ostree remote's name, e.g. {@code fedora}
 * @param ref the ref on that remote, e.g. {@code fedora/x86_64/coreos/stable}
 * @param commit 64 lower-case hex digits, or null when Git does not pin one (the host follows the ref)
 * @param url the remote's URL when Git declares the remote, else null; GPG verification is always on
 */
public record OstreeTarget(String remote, String ref, String commit, String url) {
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{64}");
  /** The form of {@link #target()} and of {@link #parse}. */
  public static final String FORM = "REMOTE:REF[@COMMIT] with a commit of 64 lower-case hex digits";

  public OstreeTarget {
    Objects.requireNonNull(remote, "remote");
    Objects.requireNonNull(ref, "ref");
    // Never an option to ostree: these become command-line arguments on the host.
    if (remote.isEmpty() || remote.contains(":") || ref.isEmpty() || ref.contains("@")
        || remote.startsWith("-") || ref.startsWith("-") || (remote + ref).chars().anyMatch(c -> c <= ' ')) {
      throw new IllegalArgumentException("ostree ref " + remote + ":" + ref + " is not REMOTE:REF");
    }
    if (commit != null && !isCommit(commit)) {
      throw new IllegalArgumentException("ostree commit " + commit + " is not 64 lower-case hex digits");
    }
  }

  public static boolean isCommit(String s) {
    return s != null && COMMIT.matcher(s).matches();
  }

  /** {@code REMOTE:REF}, the refspec ostree and rpm-ostree write in a deployment's origin. */
  public String refspec() {
    return remote + ":" + ref;
  }

  /** {@code REMOTE:REF@COMMIT} (or the refspec alone when unpinned): how plans, holds and reports name it. */
  public String target() {
    return commit == null ? refspec() : refspec() + "@" + commit;
  }

  /** Reads {@link #target()} back (a hold or a staged record); throws with {@link #FORM} otherwise. */
  public static OstreeTarget parse(String target) {
    int colon = target.indexOf(':');
    int at = target.lastIndexOf('@');
    if (colon <= 0 || at >= 0 && at < colon) {
      throw new IllegalArgumentException(target + " is not " + FORM);
    }
    String ref = at < 0 ? target.substring(colon + 1) : target.substring(colon + 1, at);
    return new OstreeTarget(target.substring(0, colon), ref, at < 0 ? null : target.substring(at + 1), null);
  }
}
