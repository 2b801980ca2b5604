package dev.bootfleet.core.plan;

import dev.bootfleet.core.status.Reason;
import dev.bootfleet.core.status.SyncStatus;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.EtcFile;
import dev.bootfleet.core.manifest.HostDriverKind;
import dev.bootfleet.core.image.ImageLock;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.ImageSpec;
import dev.bootfleet.core.manifest.OstreeTarget;
import dev.bootfleet.core.observed.OstreeOrigin;
import dev.bootfleet.core.manifest.Transport;
import dev.bootfleet.core.observed.BootEntry;
import dev.bootfleet.core.observed.EtcFileState;
import dev.bootfleet.core.observed.EtcReport;
import dev.bootfleet.core.observed.ImageReference;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.text.Quote;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plan engine: desired state from Git and observed state from hosts in, a {@link Plan} out.
 *
 * <p>Pure: no I/O, the clock passed in; it starts no thread, but {@link #plan} splits the hosts over
 * the common pool with a parallel stream (CONTRIBUTING.md, "What the core may do in parallel"). The
 * same engine serves the CLI, the agent and the server. It follows bootc's semantics (see docs/spec/plan.md): references compare by
 * repository and digest, a staged deployment applies at the next boot, a host that rolled back from the
 * desired image is held rather than switched again, and /etc changes are planned even on a held host
 * (a rollback brings back older /etc).
 */
public final class Planner {
  private final Clock clock;
  private final ImageLock images;

  /** A planner that knows no image index: a pinned digest matches only itself. */
  public Planner(Clock clock) {
    this(clock, ImageLock.EMPTY);
  }

  /**
   * @param images the fleet's lock ({@link dev.bootfleet.core.manifest.Fleet#images()}): which manifests
   *     each pinned index lists, so that a host booted on its architecture's manifest matches the index
   */
  public Planner(Clock clock, ImageLock images) {
    this.clock = clock;
    this.images = images == null ? ImageLock.EMPTY : images;
  }

  /**
   * Plans every desired host against its observation.
   *
   * @param observed observations by host name; a host without one, or whose report is {@link
   *     Observation#unreadable}, is {@code unknown} (the others are planned all the same)
   */
  public Plan plan(String revision, Collection<DesiredHost> desired, Map<String, Observation> observed) {
    // Hosts are planned independently; a parallel stream keeps the order of a list, so the result
    // is the same as one host after the other.
    List<HostPlan> hosts = new ArrayList<>(List.copyOf(desired).parallelStream()
        .map(d -> planHost(d, observed.get(d.name()))).toList());
    hosts.sort(java.util.Comparator.comparing(HostPlan::name));
    TreeSet<String> unmanaged = new TreeSet<>(observed.keySet());
    desired.forEach(d -> unmanaged.remove(d.name()));
    return new Plan(Plan.Mode.OBSERVED, revision, null, clock.instant(), hosts, List.copyOf(unmanaged));
  }

  /** Plans one host; {@code observation} may be null. */
  public HostPlan planHost(DesiredHost desired, Observation observation) {
    String want = desired.image().switchTarget();
    if (observation == null) {
      return new HostPlan(desired.name(), SyncStatus.UNKNOWN, "no observed state for this host",
          List.of(), List.of(), want, null);
    }
    if (observation.unreadable() != null) {
      return new HostPlan(desired.name(), SyncStatus.UNKNOWN, "its report cannot be used: " + observation.unreadable(),
          List.of(), List.of(), want, null, Reason.OBSERVE_FAILED);
    }
    ObservedHost host = observation.status();
    if (host.booted() == null) {
      return new HostPlan(desired.name(), SyncStatus.UNKNOWN,
          "the host reports no booted deployment (not a bootc host?)", List.of(), List.of(), want, null);
    }
    Findings f = new Findings();
    HostDriverKind driver = driverOf(desired, host);
    boolean rpmOstree = driver == HostDriverKind.RPM_OSTREE;
    if (driver == HostDriverKind.BOOTC && desired.image().isOstree()) {
      f.hold(Reason.UPDATE_BLOCKED, "Git names the ostree commit " + shortRef(want) + ", and bootc deploys OCI"
          + " images only; fix: set spec.driver: rpm-ostree (or ostree on a host without rpm-ostree)");
    } else if (driver == HostDriverKind.OSTREE && !desired.image().isOstree()) {
      f.hold(Reason.UPDATE_BLOCKED, "Git names the image " + shortRef(want) + ", and the ostree driver deploys"
          + " ostree commits only; fix: name an ostree ref and commit (spec.image.ostree), or drive the host with"
          + " bootc or rpm-ostree");
    } else if (rpmOstree) {
      RpmOstreePlans.plan(this, desired, host, observation.history(), f);
    } else {
      planImage(desired.image(), host, observation.history(), f);
      if (!desired.packages().isEmpty()) {
        f.notes.add("Git lists packages to layer or remove, but " + driver.id() + " drives this host and cannot"
            + " layer them; install them in the image, or set spec.driver: rpm-ostree");
      }
    }
    planEtc(desired, observation.etc(), f);
    FlatpakPlans.plan(desired.flatpak(), observation.etc(), f);
    planKargs(desired, observation.etc(), f);
    if (driver != HostDriverKind.BOOTC) {
      RpmOstreePlans.blockedBy(host.updateDriver(), driver, f);
    }
    if (host.usrOverlay() != null) {
      f.notes.add("/usr has a " + host.usrOverlay().persistence() + " " + host.usrOverlay().accessMode()
          + " overlay (bootc usr-overlay): local changes to /usr");
    }
    if (f.hold != null) {
      // A held host gets /etc and Flatpaks (not part of the OS image) re-applied, never an OS change or a
      // reboot: the next boot may be the image it left.
      f.kargs = null;
      f.image.clear();
    } else {
      f.finishReboot(desired.image().switchTarget(), rpmOstree);
    }
    List<Action> actions = f.ordered();
    SyncStatus status = f.hold != null ? SyncStatus.HELD
        : actions.isEmpty() ? SyncStatus.IN_SYNC : SyncStatus.DRIFTED;
    String reason = switch (status) {
      case HELD -> f.reasons.isEmpty() ? f.hold : f.hold + "; " + String.join("; ", f.reasons);
      case IN_SYNC -> "booted the desired image" + (observation.etc() == null || desired.etc().isEmpty()
          ? "" : "; /etc matches Git");
      default -> String.join("; ", f.reasons);
    };
    return new HostPlan(desired.name(), status, reason, actions, f.notes, want, imageOf(host.booted()), f.holdWhy);
  }

  /**
   * The tool that changes this host's OS: what Git names, else ostree when the host reported {@code ostree
   * admin status}, rpm-ostree when it reported {@code rpm-ostree status --json}, else bootc.
   */
  static HostDriverKind driverOf(DesiredHost desired, ObservedHost host) {
    if (desired.driver() != HostDriverKind.AUTO) {
      return desired.driver();
    }
    if (host.fromOstree()) {
      return HostDriverKind.OSTREE;
    }
    return host.fromRpmOstree() ? HostDriverKind.RPM_OSTREE : HostDriverKind.BOOTC;
  }

  /** What a host plan collects before it is ordered. */
  static final class Findings {
    final List<String> reasons = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final List<Action> files = new ArrayList<>();
    final List<Action> flatpaks = new ArrayList<>();
    final List<Action> image = new ArrayList<>();
    Action.SetKargs kargs;
    boolean rebootNeeded;
    String hold;
    Reason holdWhy;

    void hold(Reason why, String sentence) {
      holdWhy = why;
      hold = sentence;
    }

    void finishReboot(String ref, boolean rpmOstree) {
      if (rebootNeeded || kargs != null) {
        image.add(rpmOstree ? new Action.Finalize(ref) : new Action.Reboot(ref));
      }
    }

    /**
     * Files first (they are live, and carried into the staged deployment), then Flatpaks (live too),
     * then the OS changes, then the reboot.
     */
    List<Action> ordered() {
      List<Action> all = new ArrayList<>(files);
      all.addAll(flatpaks);
      Action reboot = image.stream().filter(Findings::reboots).findFirst().orElse(null);
      image.stream().filter(a -> !reboots(a)).forEach(all::add);
      if (kargs != null) {
        all.add(kargs);
      }
      if (reboot != null) {
        all.add(reboot);
      }
      return all;
    }

    private static boolean reboots(Action a) {
      return a instanceof Action.Reboot || a instanceof Action.Finalize;
    }
  }

  private void planImage(ImageSpec want, ObservedHost host, HostHistory history, Findings f) {
    BootEntry booted = host.booted();
    if (booted.incompatible()) {
      f.hold(Reason.UPDATE_BLOCKED, "the booted deployment has local rpm-ostree changes (incompatible); bootc cannot switch it"
          + " (the agent drives such a host with rpm-ostree; set spec.driver: rpm-ostree, or report"
          + " rpm-ostree status --json)");
      return;
    }
    if (host.readOnly()) {
      f.hold(Reason.UPDATE_BLOCKED, "the sysroot is read-only (live media?); bootc cannot change it");
      return;
    }
    boolean bootedOk = matches(want, booted);
    boolean stagedOk = matches(want, host.staged());
    // With only a tag in Git, booted and staged can both match; a staged pull of that tag with another
    // digest is then an update to apply, not a stray deployment to drop.
    boolean stagedUpdate = stagedOk && (!bootedOk
        || want.digest().isEmpty() && !Objects.equals(digestOf(booted), digestOf(host.staged())));
    if (stagedUpdate) {
      if (host.staged().downloadOnly()) {
        f.image.add(new Action.UnlockStaged(want.switchTarget()));
        f.reasons.add("the desired image is staged download-only; unlock it and reboot");
      } else {
        f.reasons.add("the desired image is staged; a reboot applies it");
      }
      f.rebootNeeded = true;
      return;
    }
    if (bootedOk) {
      String byContent = contentNote(want, booted);
      if (byContent != null) {
        f.notes.add(byContent);
      }
      if (host.staged() != null) {
        f.image.add(new Action.CancelStaged(imageOf(host.staged())));
        f.reasons.add(staged(host.staged(), "a staged deployment of ") + " would replace the desired image at the next boot");
      }
      if (host.rollbackQueued()) {
        f.image.add(new Action.CancelRollback(imageOf(host.rollback())));
        f.reasons.add("a rollback is queued: the next boot would leave the desired image");
      }
      return;
    }
    boolean revert = history != null && !host.rollbackQueued() && history.mayRestage(want.switchTarget());
    if (matches(want, host.rollback()) && !revert) {
      f.hold(host.rollbackQueued() ? Reason.BOOTLOADER_FALLBACK : Reason.ROLLED_BACK, host.rollbackQueued()
          ? Reason.fellBack("the desired image " + shortRef(want.switchTarget()), true)
          : Reason.rolledBack("the desired image " + shortRef(want.switchTarget())));
      return;
    }
    String from = imageOf(booted);
    f.image.add(new Action.Stage(want.switchTarget(), want.transport().id(), want.enforceSignaturePolicy(),
        want.digest().map(Object::toString).orElse(null), from));
    String replaces = host.staged() == null ? "" : " (replacing " + staged(host.staged(), "staged ") + ")";
    String previous = revert && matches(want, host.rollback())
        ? " again (the agent left it on purpose or an operator cleared its hold)" : "";
    f.reasons.add("booted " + (from == null ? "a non-container deployment" : shortRef(from))
        + ", Git wants " + shortRef(want.switchTarget()) + previous + replaces);
    f.rebootNeeded = true;
  }

  /**
   * Whether a deployment runs the desired image: same reference, transport and signature mode (an
   * ostree-remote signature never matches: manifests cannot ask for one).
   */
  boolean matches(ImageSpec want, BootEntry entry) {
    if (want.isOstree()) {
      return entry != null && entry.origin() != null && matchesOstree(want.ostree(), entry.origin());
    }
    if (entry == null || entry.image() == null || entry.image().image() == null) {
      return false;
    }
    ImageReference got = entry.image().image();
    Transport transport;
    try {
      transport = Transport.of(got.transport());
    } catch (IllegalArgumentException e) {
      return false;
    }
    // bootc compares {image, transport, signature}; "insecure" is how older bootc wrote "absent".
    String signature = "insecure".equals(got.signature()) ? null : got.signature();
    if (transport != want.transport() || !Objects.equals(want.bootcSignature(), signature)) {
      return false;
    }
    if (want.parsed() == null) {
      return want.ref().equals(got.image());
    }
    ImageRef ref = parsedOrNull(got.image());
    return ref != null && (want.parsed().sameImage(ref) || sameContent(want.parsed(), ref, entry.image()));
  }

  /**
   * Whether a deployment follows the ostree ref Git names and, when Git pins one, runs its commit: the
   * commit is authoritative, the refspec is what later upgrades follow.
   */
  static boolean matchesOstree(OstreeTarget want, OstreeOrigin got) {
    return want.refspec().equals(got.refspec()) && (want.commit() == null || want.commit().equals(got.commit()));
  }

  /**
   * Whether a deployment whose reference differs from Git's (another tag, or a digest instead of the
   * index) runs the very manifest Git pins: in the same repository, bootc's {@code imageDigest} (the
   * per-architecture manifest it pulled) is the pinned digest itself, or the lock lists it as the
   * pinned index's manifest for the deployment's architecture.
   */
  private boolean sameContent(ImageRef want, ImageRef got, dev.bootfleet.core.observed.ImageStatus status) {
    if (want.digest() == null || !want.repository().equals(got.repository())) {
      return false;
    }
    return want.digest().toString().equals(status.imageDigest())
        || images.child(want.repository(), want.digest(), status.imageDigest(), status.architecture()).isPresent();
  }

  /** A note when the booted deployment matches by content rather than by reference; else null. */
  String contentNote(ImageSpec want, BootEntry booted) {
    ImageRef got = parsedOrNull(imageOf(booted));
    if (want.parsed() == null || got == null || want.parsed().sameImage(got)) {
      return null;
    }
    String digest = booted.image().imageDigest();
    String how = want.parsed().digest().toString().equals(digest) ? "the manifest Git pins"
        : "the " + booted.image().architecture() + " manifest of the index Git pins (" + ImageLock.FILE + ")";
    return "booted " + shortRef(imageOf(booted)) + " with digest " + shortDigest(digest) + ", " + how
        + "; in sync by content";
  }

  private static String shortDigest(String digest) {
    return digest.length() >= 7 + 12 ? digest.substring(0, 7 + 12) : digest;
  }

  /**
   * Observed references, parsed once each: a fleet reports the same few images for every host, and
   * parsing (several regular expressions) was 40% of planning on 100,000 hosts. Null when the text is
   * not a valid reference. Kept per Planner (no global state), at most 4096; ImageRef is immutable.
   */
  private final Map<String, Optional<ImageRef>> observedRefs = new ConcurrentHashMap<>();

  ImageRef parsedOrNull(String image) {
    Optional<ImageRef> known = image == null ? null : observedRefs.get(image);
    if (known == null) {
      try {
        known = Optional.of(ImageRef.parse(image));
      } catch (IllegalArgumentException e) {
        known = Optional.empty();
      }
      if (image != null && observedRefs.size() < 4096) {
        observedRefs.put(image, known);
      }
    }
    return known.orElse(null);
  }

  private void planEtc(DesiredHost desired, EtcReport report, Findings f) {
    if (desired.etc().isEmpty()) {
      return;
    }
    if (report == null) {
      f.notes.add("no /etc report from this host; /etc was not compared");
      return;
    }
    Map<String, EtcFileState> have = new HashMap<>();
    report.files().forEach(s -> have.put(s.path(), s));
    int changed = 0;
    for (EtcFile want : desired.etc()) {
      EtcFileState got = have.get(want.path());
      EtcReport.NotAFile other = got == null ? report.notAFile(want.path()) : null;
      if (other != null) {
        f.notes.add(Quote.controls(other.what()));
      }
      Action a = other != null && want.absent() ? new Action.RemoveFile(want.path(), null, null)
          : EtcChange.between(want, got);
      if (a != null) {
        f.files.add(a);
        changed++;
      }
    }
    if (changed > 0) {
      f.reasons.add(changed + (changed == 1 ? " /etc file differs" : " /etc files differ"));
    }
  }

  private void planKargs(DesiredHost desired, EtcReport report, Findings f) {
    if (desired.kargs().isEmpty()) {
      return;
    }
    if (report == null || report.kargs() == null) {
      f.notes.add("kernel arguments not reported; not compared");
      return;
    }
    List<String> have = report.kargs();
    List<String> append = desired.kargs().append().stream().filter(k -> !have.contains(k)).toList();
    List<String> delete = desired.kargs().delete().stream()
        .filter(k -> have.stream().anyMatch(h -> h.equals(k) || (!k.contains("=") && h.startsWith(k + "="))))
        .toList();
    if (!append.isEmpty() || !delete.isEmpty()) {
      f.kargs = new Action.SetKargs(append, delete);
      f.reasons.add("kernel arguments differ");
    }
  }

  /** The image digest of a deployment, or the commit of an ostree one; null when it has neither. */
  static String digestOf(BootEntry e) {
    if (e != null && e.image() == null && e.origin() != null) {
      return e.origin().commit();
    }
    return e == null || e.image() == null ? null : e.image().imageDigest();
  }

  /** The image reference of a deployment, or {@code REMOTE:REF@COMMIT} of an ostree one; else null. */
  static String imageOf(BootEntry e) {
    if (e != null && e.image() == null && e.origin() != null) {
      return e.origin().target();
    }
    return e == null || e.image() == null || e.image().image() == null ? null : e.image().image().image();
  }

  /**
   * A staged deployment in a reason: {@code lead} and its short reference ({@code a staged deployment of
   * quay.io/org/os@sha256:0123456789ab}), or {@code a staged non-container deployment} when it has no
   * image (a plain ostree ref), rather than a reference that reads "(none)".
   */
  static String staged(BootEntry e, String lead) {
    String image = imageOf(e);
    return image == null ? "a staged non-container deployment" : lead + shortRef(image);
  }

  /**
   * {@code quay.io/org/os@sha256:0123456789ab} — the repository and the first 12 digits; an ostree
   * {@code REMOTE:REF@COMMIT} likewise keeps 12 digits of the commit.
   */
  static String shortRef(String ref) {
    if (ref == null) {
      return "(none)";
    }
    int at = ref.indexOf("@sha256:");
    if (at < 0 && ref.lastIndexOf('@') >= 0 && OstreeTarget.isCommit(ref.substring(ref.lastIndexOf('@') + 1))) {
      return ref.substring(0, ref.lastIndexOf('@') + 1 + 12);
    }
    return at >= 0 && ref.length() >= at + 8 + 12 ? ref.substring(0, at + 8 + 12) : ref;
  }
}
