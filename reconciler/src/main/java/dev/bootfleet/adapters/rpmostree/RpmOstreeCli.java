package dev.bootfleet.adapters.rpmostree;

import dev.bootfleet.adapters.exec.ToolRunner;
import dev.bootfleet.core.manifest.HostDriverKind;
import dev.bootfleet.core.port.HostDriver;
import dev.bootfleet.core.text.Text;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives rpm-ostree through its command line with the safe forms only (shared/reference/rpm-ostree.md,
 * sections 3 and 5): every change is staged with {@code --lock-finalization}, so that several stack into
 * one deployment that only {@link #finalizeStaged()} applies; {@code install}/{@code uninstall} with
 * {@code --idempotent --unchanged-exit-77}, {@code kargs} with {@code --append-if-missing} and {@code
 * --delete-if-present} (exit 77 is "unchanged", not an error); never a {@code rebase} to the ref the
 * first deployment already has (rpm-ostree refuses it), {@code override remove} only for packages not
 * yet removed, {@code rollback} only when a rollback is queued and nothing is staged (it toggles). Each
 * of those checks reads {@code rpm-ostree status --json} first. Never {@code --bypass-driver}: a
 * registered update driver (Zincati) is the operator's to disable.
 *
 * <p>Every call is an argument list with {@code LC_ALL=C}, bounded by {@code timeout}; errors are one
 * line ({@code rpm-ostree <args>: exit N: error: …}).
 */
public final class RpmOstreeCli implements HostDriver.RpmOstree {
  /** {@code --unchanged-exit-77}: no new deployment. */
  static final int UNCHANGED = 77;
  private static final JsonMapper JSON = JsonMapper.shared();

  private final ToolRunner rpmOstree;

  /**
   * @param command the rpm-ostree executable and any leading arguments, e.g. {@code [/usr/bin/rpm-ostree]}
   *     or {@code [bin/rpm-ostree-sim, --state-dir, /tmp/sim]}
   */
  public RpmOstreeCli(List<String> command, Duration timeout) {
    this.rpmOstree = new ToolRunner("rpm-ostree", command, timeout);
  }

  @Override
  public HostDriverKind kind() {
    return HostDriverKind.RPM_OSTREE;
  }

  @Override
  public String status() throws HostException {
    return rpmOstree.check(new String[] {"status", "--json"}).stdout();
  }

  /**
   * {@code rpm-ostree kargs}: the first deployment's (pending or booted) kernel arguments, without the
   * {@code ostree=} and {@code BOOT_IMAGE=} ones that ostree manages per deployment.
   */
  @Override
  public List<String> kargs() throws HostException {
    String out = rpmOstree.check(new String[] {"kargs"}).stdout().strip();
    List<String> all = new ArrayList<>();
    for (String k : out.isEmpty() ? new String[0] : out.split("\\s+")) {
      if (!k.startsWith("ostree=") && !k.startsWith("BOOT_IMAGE=")) {
        all.add(k);
      }
    }
    return all;
  }

  @Override
  public boolean supportsKargs() {
    return true;
  }

  /**
   * {@code kargs --delete-if-present=K… --append-if-missing=K=V… --unchanged-exit-77 --lock-finalization}.
   * libostree's append-if-missing looks at the key only, so a key present with another value (a second
   * {@code console=}, say) is added with {@code --append}; an argument present exactly is left alone.
   */
  @Override
  public boolean setKargs(List<String> append, List<String> delete) throws HostException {
    List<String> have = kargs();
    List<String> args = new ArrayList<>(List.of("kargs"));
    for (String d : delete) {
      args.add("--delete-if-present=" + d);
    }
    for (String a : append) {
      if (have.contains(a) && !delete.contains(a)) {
        continue;
      }
      boolean keyPresent = have.stream().anyMatch(h -> key(h).equals(key(a)) && !delete.contains(h));
      args.add((keyPresent ? "--append=" : "--append-if-missing=") + a);
    }
    if (args.size() == 1) {
      return false;
    }
    args.add("--unchanged-exit-77");
    args.add("--lock-finalization");
    return changed(args.toArray(String[]::new));
  }

  private static String key(String karg) {
    int eq = karg.indexOf('=');
    return eq < 0 ? karg : karg.substring(0, eq);
  }

  @Override
  public boolean rebase(String ref, List<String> install, List<String> uninstall) throws HostException {
    return rebase(ref, null, install, uninstall);
  }

  @Override
  public boolean deploy(String commit, List<String> install, List<String> uninstall) throws HostException {
    First first = first();
    List<String> args = new ArrayList<>(List.of("deploy", "--lock-finalization", "--unchanged-exit-77"));
    install.stream().filter(p -> !first.requested().contains(p)).forEach(p -> args.addAll(List.of("--install", p)));
    uninstall.stream().filter(first.requested()::contains).forEach(p -> args.addAll(List.of("--uninstall", p)));
    args.add("revision=" + commit);
    return changed(args.toArray(String[]::new));
  }

  @Override
  public boolean rebase(String ref, String revision, List<String> install, List<String> uninstall)
      throws HostException {
    First first = first();
    List<String> add = install.stream().filter(p -> !first.requested().contains(p)).toList();
    List<String> drop = uninstall.stream().filter(first.requested()::contains).toList();
    if (ref.equals(first.origin())) { // "Old and new refs are equal": only the package changes are left
      boolean a = !drop.isEmpty() && uninstall(drop);
      boolean b = !add.isEmpty() && install(add);
      return a || b;
    }
    List<String> args = new ArrayList<>(List.of("rebase", "--lock-finalization"));
    add.forEach(p -> args.addAll(List.of("--install", p)));
    drop.forEach(p -> args.addAll(List.of("--uninstall", p)));
    args.add(ref);
    if (revision != null) {
      args.add(revision);
    }
    rpmOstree.check(args.toArray(String[]::new));
    return true;
  }

  @Override
  public boolean install(List<String> packages) throws HostException {
    return !packages.isEmpty() && changed(concat(List.of("install", "--idempotent", "--unchanged-exit-77",
        "--lock-finalization"), packages));
  }

  @Override
  public boolean uninstall(List<String> packages) throws HostException {
    return !packages.isEmpty() && changed(concat(List.of("uninstall", "--idempotent", "--unchanged-exit-77",
        "--lock-finalization"), packages));
  }

  @Override
  public boolean removeBasePackages(List<String> packages) throws HostException {
    First first = first();
    List<String> left = packages.stream().filter(p -> !first.baseRemovals().contains(p)).toList();
    if (left.isEmpty()) {
      return false;
    }
    rpmOstree.check(concat(List.of("override", "remove", "--lock-finalization"), left));
    return true;
  }

  @Override
  public boolean cleanupPending() throws HostException {
    if (first().booted()) {
      return false; // nothing before the booted deployment: nothing pending
    }
    rpmOstree.check(new String[] {"cleanup", "-p"});
    return true;
  }

  @Override
  public void rollback() throws HostException {
    rpmOstree.check(new String[] {"rollback"});
  }

  @Override
  public boolean revertQueuedRollback() throws HostException {
    First first = first();
    if (first.booted() || first.staged()) {
      return false; // no rollback queued, or a staged deployment (rollback would refuse): never toggle blindly
    }
    rpmOstree.check(new String[] {"rollback"});
    return true;
  }

  @Override
  public String finalizeStaged() throws HostException {
    First first = first();
    if (!first.staged()) {
      throw new HostException("rpm-ostree finalize-deployment: nothing is staged (rpm-ostree status --json shows"
          + " no staged deployment first)");
    }
    rpmOstree.check(new String[] {"finalize-deployment", "--allow-unlocked", first.finalizeChecksum()});
    return first.finalizeChecksum();
  }

  /** Runs a change with {@code --unchanged-exit-77}: true when it made a deployment, false on 77. */
  private boolean changed(String... args) throws HostException {
    return rpmOstree.check(args, 0, UNCHANGED).exit() == 0;
  }

  private static String[] concat(List<String> head, List<String> tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(tail);
    return all.toArray(String[]::new);
  }

  /**
   * The first deployment (the next boot) as {@code status --json} shows it.
   *
   * @param origin its {@code container-image-reference}, else its ostree {@code origin}
   * @param finalizeChecksum what {@code finalize-deployment} expects: the image digest for a container
   *     origin, else the base commit
   */
  record First(String origin, boolean booted, boolean staged, List<String> requested, List<String> baseRemovals,
      String finalizeChecksum) {}

  First first() throws HostException {
    String text = status();
    JsonNode d;
    try {
      d = JSON.readTree(text).path("deployments").path(0);
    } catch (JacksonException e) {
      throw new HostException("rpm-ostree status --json: not JSON: " + Text.oneLine(e.getOriginalMessage(), "?"));
    }
    if (!d.isObject()) {
      throw new HostException("rpm-ostree status --json: no deployments");
    }
    String image = text(d, "container-image-reference");
    String digest = text(d, "container-image-reference-digest");
    if (digest == null) {
      digest = text(d.path("base-commit-meta"), "ostree.manifest-digest");
    }
    String base = text(d, "base-checksum") != null ? text(d, "base-checksum") : text(d, "checksum");
    return new First(image != null ? image : text(d, "origin"), d.path("booted").asBoolean(false),
        d.path("staged").asBoolean(false), strings(d.path("requested-packages")),
        strings(d.path("requested-base-removals")), image != null && digest != null ? digest : base);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isString() ? v.stringValue() : null;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> {
      if (v.isString()) {
        out.add(v.stringValue());
      }
    });
    return out;
  }

  @Override
  public String toString() {
    return "RpmOstreeCli" + Arrays.asList(rpmOstree.tool());
  }
}
