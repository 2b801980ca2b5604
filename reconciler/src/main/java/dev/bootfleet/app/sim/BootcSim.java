package dev.bootfleet.app.sim;

import dev.bootfleet.core.manifest.FileContent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * bootc's semantics over a {@link SimState}, in one place for both bootc simulators: the file-based one
 * ({@link BootcSimCommand}, one process per call, the state in {@code sim.json}) and the in-memory one
 * ({@link MemoryBootc}, many simulated hosts in the fleet simulator). Each verb changes the state and
 * says what bootc would print on {@code out}; a failure is a {@link SimError} worded as bootc words it.
 * Where the state is kept, and how an image is looked up, is the caller's.
 */
final class BootcSim {
  private BootcSim() {}

  /** Looks an image up and makes the deployment bootc would record for it (a failed pull: {@link SimError}). */
  interface Puller {
    SimState.Deployment pull(SimState s, String ref, String transport, String signature, boolean downloadOnly);
  }

  /** Keeps the state before a verb fails, so a fault that fired stays spent (the file simulator saves it). */
  interface Keep {
    void keep(SimState s) throws IOException;
  }

  /** The deployment bootc records for {@code img} pulled as {@code ref}; a redeploy of a checksum gets the next serial. */
  static SimState.Deployment deployment(SimState s, ImageLookup.Image img, String ref, String transport,
      String signature, boolean downloadOnly) {
    String checksum = FileContent.sha256((img.imageDigest() + "\n" + ref).getBytes(StandardCharsets.UTF_8));
    int serial = 0;
    for (SimState.Deployment d : new SimState.Deployment[] {s.booted, s.rollback}) {
      if (d != null && d.checksum().equals(checksum)) {
        serial = Math.max(serial, d.deploySerial() + 1);
      }
    }
    List<String> kargs = new ArrayList<>(s.booted == null ? List.of() : s.booted.kargs());
    if (s.faults.kargsChange) {
      s.faults.kargsChange = false;
      kargs.add("bootfleet.sim.kargs=" + img.imageDigest().substring(7, 19)); // a kargs.d change in the image
    }
    return new SimState.Deployment(ref, transport, signature, img.imageDigest(), img.architecture(), img.version(),
        img.created(), checksum, serial, downloadOnly, kargs);
  }

  /**
   * Whether {@code d} can be entered by a soft reboot from the booted deployment: bootc's {@code softRebootCapable}
   * (same kernel, initramfs and kernel arguments; the simulator models the kernel arguments).
   */
  static boolean softRebootCapable(SimState s, SimState.Deployment d) {
    return d != null && s.booted != null && d != s.booted && d.kargs().equals(s.booted.kargs());
  }

  /**
   * {@code --soft-reboot=auto|required} of {@code switch} and {@code upgrade}: prepares a soft reboot into the
   * staged entry when it is capable; {@code required} fails otherwise, with bootc's wording (bootc.md section 6).
   */
  static void prepareSoftReboot(SimState s, String mode, PrintWriter out) {
    if (mode == null) {
      return;
    }
    if (!mode.equals("auto") && !mode.equals("required")) {
      throw new SimError(2, "error: invalid value '" + mode + "' for '--soft-reboot <SOFT_REBOOT>'"
          + " [possible values: required, auto]");
    }
    if (softRebootCapable(s, s.staged)) {
      s.softRebootTarget = s.staged.checksum();
      out.println("Staged deployment is soft-reboot capable, preparing for soft-reboot...");
    } else if (mode.equals("required")) {
      throw new SimError(1, "error: Handling staged soft reboot: Soft reboot was required but staged deployment"
          + " is not soft-reboot capable");
    }
  }

  /**
   * {@code systemctl soft-reboot}: userspace restarts, the kernel stays (and with it the boot id); it enters the
   * staged deployment only where a soft reboot into it was prepared, else the same deployment again.
   */
  static List<String> softReboot(SimState s) {
    List<String> said = new ArrayList<>();
    s.softReboots++;
    SimState.Deployment fresh = s.staged;
    if (fresh != null && fresh.checksum().equals(s.softRebootTarget) && !fresh.downloadOnly()) {
      s.rollback = s.booted;
      s.booted = fresh;
      s.staged = null;
      said.add("soft-rebooted into the staged deployment (the kernel and its boot id kept)");
    } else {
      said.add("soft-rebooted into the same deployment (no soft reboot prepared)");
    }
    s.softRebootTarget = null;
    return said;
  }

  /**
   * {@code bootc switch}: stages {@code target} unless the spec is unchanged.
   *
   * @return whether something is staged, so that {@code --apply} reboots into it
   */
  static boolean switchTo(SimState s, String target, String transport, String sig, Puller puller, PrintWriter out,
      Keep keep) throws IOException {
    SimState.Deployment current = s.staged != null ? s.staged : s.booted;
    if (current != null && current.sameSpec(target, transport, sig)) {
      out.println("Image specification is unchanged.");
      return s.staged != null;
    }
    if (s.faults.switchFailures > 0) {
      s.faults.switchFailures--;
      keep.keep(s);
      throw new SimError(1, "error: Switching: Pulling: Importing: (simulated fault) failed to fetch layer:"
          + " connection reset by peer");
    }
    s.staged = puller.pull(s, target, transport, sig, false);
    s.rollbackQueued = false;
    s.softRebootTarget = null;
    out.println("Queued for next boot: " + target);
    return true;
  }

  /** {@code bootc upgrade --from-downloaded}: unlocks a download-only staged entry. */
  static void fromDownloaded(SimState s, PrintWriter out) {
    if (s.staged == null) {
      out.println("No staged deployment.");
    } else if (s.staged.downloadOnly()) {
      s.staged = s.staged.locked(false);
      out.println("Unlocked the staged deployment: it will be applied at the next boot.");
    } else {
      out.println("Staged update present, not changed.");
    }
  }

  /** {@code bootc upgrade [--check] [--download-only]}: fetches the spec's image again. */
  static void upgrade(SimState s, boolean check, boolean downloadOnly, Puller puller, PrintWriter out) {
    SimState.Deployment spec = s.staged != null ? s.staged : s.booted;
    SimState.Deployment fetched = puller.pull(s, spec.image(), spec.transport(), spec.signature(), downloadOnly);
    if (check) {
      boolean same = fetched.imageDigest().equals(spec.imageDigest());
      out.println((same ? "No changes in: " : "Update available for: ") + spec.image());
      return;
    }
    if (s.staged != null && fetched.imageDigest().equals(s.staged.imageDigest())) {
      s.staged = s.staged.locked(downloadOnly);
      out.println("Staged update present, not changed." + (downloadOnly ? " (download-only)" : ""));
    } else if (s.staged == null && fetched.imageDigest().equals(s.booted.imageDigest())) {
      out.println("No update available.");
    } else {
      s.staged = fetched;
      out.println("Queued for next boot: " + fetched.image());
    }
  }

  /**
   * {@code bootc rollback}, a toggle: reverts a queued rollback, or queues one.
   *
   * @return whether a rollback is now queued (so that {@code --apply} reboots into it)
   */
  static boolean rollback(SimState s, PrintWriter out) {
    if (s.rollbackQueued) {
      s.rollbackQueued = false;
      out.println("notice: Reverting queued rollback state");
      return false;
    }
    if (s.rollback == null) {
      throw new SimError(1, "error: No rollback available");
    }
    s.staged = null;
    s.rollbackQueued = true;
    out.println("Next boot: rollback deployment");
    return true;
  }

  /** Arms {@code fault} ({@code times} or {@code seconds} where it takes them); a usage error when unknown. */
  static void arm(SimState s, String fault, int times, int seconds) {
    switch (fault) {
      case "switch-fails" -> s.faults.switchFailures = times;
      case "kargs-change" -> s.faults.kargsChange = true;
      case "clear" -> s.faults = new SimState.Faults();
      default -> {
        if (!s.faults.arm(fault, times, seconds)) {
          throw new SimError(2, "error: unknown fault " + fault + " (expected switch-fails, kargs-change, lose-staged,"
              + " bootloader-fallback, explicit-rollback, slow-download or clear)");
        }
      }
    }
  }

  /** A simulated reboot: what ostree and the bootloader do across a shutdown and the next boot. */
  static List<String> reboot(SimState s) {
    List<String> said = new ArrayList<>();
    s.bootId = UUID.randomUUID().toString();
    s.reboots++;
    s.softReboots = 0; // a new kernel: /run and its nextroot are gone
    s.softRebootTarget = null;
    if (s.faults.loseStaged > 0 && s.staged != null) {
      s.faults.loseStaged--;
      s.staged = null;
      said.add("fault: the staged deployment was lost (ostree-finalize-staged failed)");
    }
    if (s.rollbackQueued) {
      SimState.Deployment b = s.booted;
      s.booted = s.rollback;
      s.rollback = b;
      s.rollbackQueued = false;
      s.staged = null;
      said.add("booted the rollback deployment");
      return said;
    }
    if (s.staged == null) {
      said.add("booted the same deployment");
      return said;
    }
    if (s.staged.downloadOnly()) {
      s.staged = null;
      said.add("discarded the download-only staged deployment");
      return said;
    }
    SimState.Deployment fresh = s.staged;
    SimState.Deployment old = s.booted;
    s.staged = null;
    if (s.faults.bootloaderFallback) {
      s.faults.bootloaderFallback = false;
      s.booted = old;
      s.rollback = fresh;
      s.rollbackQueued = true;
      said.add("fault: the new deployment failed to boot; the bootloader fell back to the previous one");
      return said;
    }
    s.booted = fresh;
    s.rollback = old;
    said.add("finalized and booted the staged deployment");
    if (s.faults.explicitRollback) {
      s.faults.explicitRollback = false;
      s.booted = old;
      s.rollback = fresh;
      s.bootId = UUID.randomUUID().toString();
      s.reboots++;
      said.add("fault: a health check ran bootc rollback and rebooted into the previous deployment");
    }
    return said;
  }

  /** The status document, as bootc status --format=json prints it: RFC 8785-style sorted keys, one line. */
  static String statusJson(SimState s, boolean bootedOnly) {
    SimState.Deployment staged = bootedOnly ? null : s.staged;
    SimState.Deployment rollback = bootedOnly ? null : s.rollback;
    Map<String, Object> root = new TreeMap<>();
    root.put("apiVersion", "org.containers.bootc/v1");
    root.put("kind", "BootcHost");
    root.put("metadata", Map.of("name", "host"));
    Map<String, Object> spec = new TreeMap<>();
    SimState.Deployment specOf = s.staged != null ? s.staged : s.booted;
    spec.put("image", specOf == null ? null : reference(specOf));
    spec.put("bootOrder", s.rollbackQueued ? "rollback" : "default");
    root.put("spec", spec);
    Map<String, Object> status = new TreeMap<>();
    status.put("staged", entry(s, staged));
    status.put("booted", entry(s, s.booted));
    status.put("rollback", entry(s, rollback));
    status.put("rollbackQueued", s.rollbackQueued);
    status.put("type", s.booted == null ? null : "bootcHost");
    root.put("status", status);
    return SimJson.SORTED.writeValueAsString(root);
  }

  private static Map<String, Object> reference(SimState.Deployment d) {
    Map<String, Object> m = new TreeMap<>();
    m.put("image", d.image());
    m.put("transport", d.transport());
    if (d.signature() != null) {
      m.put("signature", d.signature());
    }
    return m;
  }

  private static Map<String, Object> entry(SimState s, SimState.Deployment d) {
    if (d == null) {
      return null;
    }
    Map<String, Object> image = new TreeMap<>();
    image.put("image", reference(d));
    image.put("version", d.version());
    image.put("timestamp", d.timestamp());
    image.put("imageDigest", d.imageDigest());
    image.put("architecture", d.architecture());
    Map<String, Object> e = new TreeMap<>();
    e.put("image", image);
    e.put("cachedUpdate", null);
    e.put("incompatible", false);
    e.put("pinned", false);
    e.put("softRebootCapable", softRebootCapable(s, d));
    e.put("downloadOnly", d.downloadOnly());
    e.put("store", "ostreeContainer");
    Map<String, Object> ostree = new LinkedHashMap<>();
    ostree.put("checksum", d.checksum());
    ostree.put("deploySerial", d.deploySerial());
    ostree.put("stateroot", "default");
    e.put("ostree", ostree);
    return e;
  }
}
