package dev.bootfleet.core.plan;

import dev.bootfleet.core.status.Reason;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.HostDriverKind;
import dev.bootfleet.core.manifest.ImageSpec;
import dev.bootfleet.core.manifest.Packages;
import dev.bootfleet.core.manifest.Transport;
import dev.bootfleet.core.observed.BootEntry;
import dev.bootfleet.core.observed.Layering;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.observed.UpdateDriver;
import java.util.List;

/**
 * The image and package part of a plan for a host that rpm-ostree drives (docs/spec/plan.md, "rpm-ostree
 * hosts"). Same semantics as for bootc (compare by reference and digest, hold after a rollback), with
 * rpm-ostree's verbs: every mutation builds the next deployment from the first one (the staged one if
 * any), so an image change carries the package changes in one {@code rebase}, and one {@code
 * finalize-deployment} applies them all with kernel arguments at one reboot.
 */
final class RpmOstreePlans {
  private RpmOstreePlans() {}

  static void plan(Planner planner, DesiredHost desired, ObservedHost host, HostHistory history,
      Planner.Findings f) {
    ImageSpec want = desired.image();
    BootEntry booted = host.booted();
    BootEntry staged = host.staged();
    boolean bootedOk = planner.matches(want, booted);
    boolean stagedOk = planner.matches(want, staged);

    if (host.rollbackQueued()) {
      if (bootedOk) {
        f.image.add(new Action.CancelRollback(Planner.imageOf(host.rollback())));
        f.reasons.add("a rollback is queued: the next boot would leave the desired image");
      } else if (planner.matches(want, host.rollback())) {
        f.hold(Reason.BOOTLOADER_FALLBACK, Reason.fellBack("the desired image "
            + Planner.shortRef(want.switchTarget()), true));
        return;
      }
    }
    boolean revert = history != null && !host.rollbackQueued() && history.mayRestage(want.switchTarget());
    if (!bootedOk && !stagedOk && planner.matches(want, host.rollback()) && !revert) {
      f.hold(Reason.ROLLED_BACK, Reason.rolledBack("the desired image " + Planner.shortRef(want.switchTarget())));
      return;
    }

    // The deployment the next mutation builds on: the first one (a queued rollback, or the staged one
    // unless it is dropped).
    BootEntry base = host.rollbackQueued() && !bootedOk && host.rollback() != null ? host.rollback() : booted;
    if (staged != null) {
      if (stagedOk || !bootedOk) {
        base = staged; // a rebase replaces it, carrying its requests; a package change stacks on it
      } else {
        f.image.add(new Action.CancelStaged(Planner.imageOf(staged)));
        f.reasons.add(Planner.staged(staged, "a staged deployment of ") + " would replace the desired image at the next boot");
      }
    }
    Delta delta = Delta.between(desired.packages(), base.layering());
    delta.notes(f);

    if (!bootedOk && !stagedOk) {
      String from = Planner.imageOf(booted);
      if (want.isOstree() && base.origin() != null && base.origin().refspec().equals(want.ostree().refspec())) {
        // Same ref, another commit: rpm-ostree refuses a rebase to the ref the deployment already has.
        f.image.add(new Action.Deploy(want.ostree().commit(), want.switchTarget(), from, delta.install,
            delta.uninstall));
      } else {
        f.image.add(new Action.Rebase(rpmOstreeRef(want), want.switchTarget(),
            want.digest().map(Object::toString).orElse(null), from, delta.install, delta.uninstall,
            want.isOstree() ? want.ostree().commit() : null));
      }
      if (!delta.baseRemovals.isEmpty()) {
        f.image.add(new Action.RemovePackages(List.of(), delta.baseRemovals));
      }
      String replaces = staged == null ? "" : " (replacing " + Planner.staged(staged, "staged ") + ")";
      f.reasons.add("booted " + (from == null ? "a non-container deployment" : Planner.shortRef(from))
          + ", Git wants " + Planner.shortRef(want.switchTarget()) + replaces);
      delta.reason(f);
      f.rebootNeeded = true;
      return;
    }
    if (!delta.install.isEmpty()) {
      f.image.add(new Action.InstallPackages(delta.install));
    }
    if (!delta.uninstall.isEmpty() || !delta.baseRemovals.isEmpty()) {
      f.image.add(new Action.RemovePackages(delta.uninstall, delta.baseRemovals));
    }
    delta.reason(f);
    if (delta.changes()) {
      f.rebootNeeded = true;
    }
    if (stagedOk && base == staged) {
      f.rebootNeeded = true;
      if (!bootedOk) {
        f.reasons.add("the desired image is staged; finalizing it reboots the host");
      } else if (!delta.changes()) {
        f.reasons.add("a staged deployment of the desired image waits for a reboot");
      }
    } else if (bootedOk) {
      String byContent = planner.contentNote(want, booted);
      if (byContent != null) {
        f.notes.add(byContent);
      }
    }
  }

  /**
   * The reference rpm-ostree rebases to: an ostree {@code REMOTE:REF} as it is; for an image the ostree-ext
   * reference: {@code ostree-image-signed:docker://IMAGE} when Git asks
   * for the signature policy, else {@code ostree-unverified-registry:IMAGE}; other transports as {@code
   * ostree-unverified-image:TRANSPORT:IMAGE}.
   */
  static String rpmOstreeRef(ImageSpec want) {
    if (want.isOstree()) {
      return want.ostree().refspec();
    }
    String image = want.switchTarget();
    if (want.transport() == Transport.REGISTRY) {
      return want.enforceSignaturePolicy() ? "ostree-image-signed:docker://" + image
          : "ostree-unverified-registry:" + image;
    }
    String transported = want.transport().id() + ":" + image;
    return want.enforceSignaturePolicy() ? "ostree-image-signed:" + transported
        : "ostree-unverified-image:" + transported;
  }

  /**
   * Holds a host whose OS needs a change while another update driver is registered: rpm-ostree would
   * refuse it. A host already in sync stays so, with a note.
   */
  static void blockedBy(UpdateDriver other, HostDriverKind driver, Planner.Findings f) {
    if (other == null || f.hold != null) {
      return;
    }
    boolean rpmOstree = driver == HostDriverKind.RPM_OSTREE;
    String who = other.name() + " (" + other.unit() + ") is " + (rpmOstree
        ? "registered as this host's update driver" : "active on this host and updates it on its own");
    if (f.image.isEmpty() && f.kargs == null && !f.rebootNeeded) {
      f.notes.add(who + "; bootfleet could not change the OS while it is");
      return;
    }
    f.hold(Reason.UPDATE_BLOCKED, who + (rpmOstree ? ", so rpm-ostree refuses changes from anyone else"
        : ", and would replace what bootfleet deploys") + "; fix: " + fix(other));
  }

  private static String fix(UpdateDriver other) {
    if (other.name().equalsIgnoreCase("zincati")) {
      return "disable Zincati's updates (/etc/zincati/config.d/90-disable-auto-updates.toml with [updates]"
          + " enabled = false), then systemctl restart zincati.service";
    }
    if (other.unit().equals("eos-autoupdater.timer")) {
      return "stop Endless OS's automatic updates (systemctl disable --now eos-autoupdater.timer"
          + " eos-autoupdater.service), so that bootfleet alone drives updates";
    }
    if (other.unit().equals("rpm-ostreed-automatic.timer")) {
      return "set AutomaticUpdatePolicy=none in /etc/rpm-ostreed.conf, then systemctl disable --now"
          + " rpm-ostreed-automatic.timer and rpm-ostree reload";
    }
    return "stop and disable " + other.unit() + " (systemctl disable --now " + other.unit() + ") so that"
        + " bootfleet alone drives updates";
  }

  /** What the next deployment must gain and lose to hold the packages Git lists. */
  private record Delta(List<String> install, List<String> uninstall, List<String> baseRemovals,
      List<String> unmanaged) {
    static Delta between(Packages want, Layering have) {
      List<String> install = want.install().stream().filter(p -> !have.packages().contains(p)).toList();
      // Git owns a host's layering once it lists any package for it; until then local layering stays.
      boolean owned = !want.isEmpty();
      List<String> extra = have.packages().stream().filter(p -> !want.install().contains(p)).toList();
      List<String> removals = want.remove().stream().filter(p -> !have.baseRemovals().contains(p)).toList();
      return owned ? new Delta(install, extra, removals, List.of())
          : new Delta(install, List.of(), removals, extra);
    }

    boolean changes() {
      return !install.isEmpty() || !uninstall.isEmpty() || !baseRemovals.isEmpty();
    }

    void reason(Planner.Findings f) {
      StringBuilder b = new StringBuilder();
      append(b, "layer", install);
      append(b, "drop layered", uninstall);
      append(b, "remove from the base", baseRemovals);
      if (b.length() > 0) {
        f.reasons.add("packages: " + b);
      }
    }

    void notes(Planner.Findings f) {
      if (!unmanaged.isEmpty()) {
        f.notes.add("layered on the host but not in Git: " + String.join(", ", unmanaged)
            + " (kept: Git lists no packages for this host)");
      }
    }

    private static void append(StringBuilder b, String verb, List<String> names) {
      if (!names.isEmpty()) {
        b.append(b.length() == 0 ? "" : ", ").append(verb).append(' ').append(String.join(" ", names));
      }
    }
  }
}
