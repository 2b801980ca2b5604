package dev.bootfleet.adapters.flatpak;

import dev.bootfleet.core.manifest.FlatpakApp;
import dev.bootfleet.core.manifest.FlatpakInstallation;
import dev.bootfleet.core.manifest.FlatpakRemote;
import dev.bootfleet.core.observed.FlatpakState;
import dev.bootfleet.core.plan.Action;
import dev.bootfleet.adapters.exec.ToolRunner;
import dev.bootfleet.core.port.FlatpakHost;
import dev.bootfleet.core.port.HostDriver;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Drives Flatpak through its command line (tested against Debian's flatpak 1.14). Every call is an
 * argument list (never a shell string) with {@code LC_ALL=C} and {@code FLATPAK_FANCY_OUTPUT=0} (no
 * header, tab-separated columns), names its installation ({@code --system} or {@code --user}: as root,
 * flatpak would otherwise read both), waits at most {@code timeout}, and fails with one line that
 * carries no URL credentials.
 *
 * <p>Observing an installation costs four processes however many apps it holds: {@code flatpak
 * remotes}, {@code flatpak list --app} (whose {@code active} column is cut to 12 characters), {@code
 * flatpak mask} (which apps a pin holds) and one {@code flatpak info --show-location} to find the
 * installation's folder; the full commit of each app
 * is then the target of its deploy folder's {@code active} link ({@code
 * <installation>/app/ID/ARCH/BRANCH/active}), which is what {@code flatpak info --show-commit} prints.
 * When a link is missing or does not start with the 12 characters listed, this falls back to {@code
 * flatpak info --show-commit} for that app.
 *
 * <p>Changes use the safe forms only: {@code remote-add --if-not-exists} (then {@code remote-modify
 * --url} when the remote kept another URL), {@code install --noninteractive -y REMOTE REF} with full
 * refs, a pinned commit through {@code update --commit} and {@code mask} (masked refs are never
 * updated, even with {@code --commit}, so a pin moves by {@code mask --remove}, update, {@code mask}),
 * and {@code uninstall} only when the app is listed (flatpak fails on an absent ref). Each install or
 * update is checked afterwards with {@code flatpak info --show-commit}.
 */
public final class FlatpakCli implements FlatpakHost {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern APP_ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*(\\.[A-Za-z_][A-Za-z0-9_-]*)+");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
  private static final Pattern USERINFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s]*@");

  private final ToolRunner runner;
  private String defaultArch;

  /**
   * @param command the flatpak executable and any leading arguments, e.g. {@code [/usr/bin/flatpak]}
   * @param environment variables added to flatpak's environment (tests point {@code FLATPAK_USER_DIR},
   *     {@code FLATPAK_SYSTEM_DIR} and {@code HOME} at a temporary folder)
   * @param timeout the longest one flatpak command may run (installs download)
   */
  public FlatpakCli(List<String> command, Map<String, String> environment, Duration timeout) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("the flatpak command is empty");
    }
    Map<String, String> env = new java.util.HashMap<>(environment);
    env.put("FLATPAK_FANCY_OUTPUT", "0"); // plain tab-separated output, no header
    this.runner = new ToolRunner("flatpak", command, env, timeout);
  }

  @Override
  public FlatpakState observe(Set<FlatpakInstallation> installations) throws FlatpakException {
    List<FlatpakState.Remote> remotes = new ArrayList<>();
    List<FlatpakState.App> apps = new ArrayList<>();
    for (FlatpakInstallation in : FlatpakInstallation.values()) { // system first, then user
      if (installations.contains(in)) {
        remotes.addAll(remotes(in));
        apps.addAll(apps(in));
      }
    }
    return new FlatpakState(remotes, apps);
  }

  /** {@code flatpak remotes --<installation> --columns=name,url}. */
  List<FlatpakState.Remote> remotes(FlatpakInstallation in) throws FlatpakException {
    List<FlatpakState.Remote> out = new ArrayList<>();
    List<String> args = List.of("remotes", opt(in), "--columns=name,url");
    for (String line : lines(run(args))) {
      String[] f = line.split("\t", -1);
      if (f.length != 2 || !NAME.matcher(f[0]).matches() || f[1].isEmpty()) {
        throw new FlatpakException(shown(args) + ": unexpected line " + Text.oneLine(redact(line), "?")
            + " (expected NAME<TAB>URL)");
      }
      out.add(new FlatpakState.Remote(in.id(), f[0], f[1]));
    }
    return out;
  }

  /** One row of {@code flatpak list --app}: the active commit is cut to 12 characters. */
  record Row(String id, String arch, String branch, String origin, String active) {
    String ref() {
      return FlatpakApp.ref(id, arch, branch);
    }
  }

  /** {@code flatpak list --<installation> --app --columns=application,arch,branch,origin,active}. */
  List<Row> list(FlatpakInstallation in) throws FlatpakException {
    List<Row> out = new ArrayList<>();
    List<String> args = List.of("list", opt(in), "--app", "--columns=application,arch,branch,origin,active");
    for (String line : lines(run(args))) {
      String[] f = line.split("\t", -1);
      if (f.length != 5 || !APP_ID.matcher(f[0]).matches() || !NAME.matcher(f[1]).matches()
          || !NAME.matcher(f[2]).matches() || !NAME.matcher(f[3]).matches() || !f[4].matches("[0-9a-f]{1,64}")) {
        throw new FlatpakException(shown(args) + ": unexpected line " + Text.oneLine(line, "?")
            + " (expected ID<TAB>ARCH<TAB>BRANCH<TAB>ORIGIN<TAB>COMMIT)");
      }
      out.add(new Row(f[0], f[1], f[2], f[3], f[4]));
    }
    return out;
  }

  /** The installed apps with their full commits; see the class comment for how. */
  List<FlatpakState.App> apps(FlatpakInstallation in) throws FlatpakException {
    List<Row> rows = list(in);
    List<FlatpakState.App> out = new ArrayList<>();
    Path base = rows.isEmpty() ? null : installationDir(in, rows.get(0));
    Set<String> masked = rows.isEmpty() ? Set.of() : masks(in);
    for (Row r : rows) {
      String commit = base == null ? null : activeLink(base, r);
      if (commit == null) {
        commit = commitOf(in, r.ref());
      }
      out.add(new FlatpakState.App(in.id(), r.id(), r.arch(), r.branch(), r.origin(), commit,
          masked.contains(r.ref())));
    }
    return out;
  }

  /** {@code flatpak info --<installation> --show-commit REF}: the full active commit, the documented way. */
  public String commitOf(FlatpakInstallation in, String ref) throws FlatpakException {
    List<String> args = List.of("info", opt(in), "--show-commit", ref);
    String c = run(args).strip();
    if (!HEX64.matcher(c).matches()) {
      throw new FlatpakException(shown(args) + ": printed " + Text.oneLine(c, "nothing")
          + " (expected a commit of 64 hex digits)");
    }
    return c;
  }

  /**
   * The installation's folder, from where flatpak says one app is deployed ({@code
   * <installation>/app/ID/ARCH/BRANCH/COMMIT}); {@code null} when the answer does not have that form.
   */
  Path installationDir(FlatpakInstallation in, Row r) throws FlatpakException {
    Path loc = Path.of(run(List.of("info", opt(in), "--show-location", r.ref())).strip());
    if (loc.getNameCount() < 6 || !HEX64.matcher(loc.getFileName().toString()).matches()) {
      return null;
    }
    Path branch = loc.getParent();
    Path arch = branch.getParent();
    Path id = arch.getParent();
    Path app = id.getParent();
    if (!branch.getFileName().toString().equals(r.branch()) || !arch.getFileName().toString().equals(r.arch())
        || !id.getFileName().toString().equals(r.id()) || !app.getFileName().toString().equals("app")) {
      return null;
    }
    return app.getParent();
  }

  /** The target of {@code <base>/app/ID/ARCH/BRANCH/active} when it is the commit {@code list} began. */
  static String activeLink(Path base, Row r) {
    try {
      Path target = Files.readSymbolicLink(base.resolve("app").resolve(r.id()).resolve(r.arch())
          .resolve(r.branch()).resolve("active"));
      String c = target.toString();
      return HEX64.matcher(c).matches() && c.startsWith(r.active()) ? c : null;
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  // --- changes ---

  @Override
  public Applied apply(Action action) throws FlatpakException {
    return switch (action) {
      case Action.FlatpakRemoteAdd r -> remoteAdd(r);
      case Action.FlatpakInstall i -> install(i);
      case Action.FlatpakUpdate u -> update(u);
      case Action.FlatpakUninstall u -> uninstall(u);
      default -> throw new IllegalArgumentException(action.type() + " is not a Flatpak action");
    };
  }

  private Applied remoteAdd(Action.FlatpakRemoteAdd r) throws FlatpakException {
    FlatpakInstallation in = FlatpakInstallation.of(r.installation());
    String how;
    if (r.previousUrl() != null) {
      run(List.of("remote-modify", opt(in), "--url=" + r.url(), r.name()));
      how = "remote-modify --url (was " + redact(r.previousUrl()) + ")";
    } else {
      run(List.of("remote-add", opt(in), "--if-not-exists", r.name(), r.url()));
      how = "remote-add --if-not-exists";
    }
    String now = remoteUrl(in, r.name());
    if (now == null) {
      throw new FlatpakException("flatpak remote " + r.name() + ": not listed in the " + in.id()
          + " installation after " + how);
    }
    // --if-not-exists keeps an existing remote's URL as it is.
    if (!FlatpakRemote.urlSatisfied(r.url(), now)) {
      run(List.of("remote-modify", opt(in), "--url=" + r.url(), r.name()));
      how += "; it existed with " + redact(now) + ": remote-modify --url";
    }
    return new Applied(how + "; " + in.id() + " installation", null, true);
  }

  private Applied install(Action.FlatpakInstall i) throws FlatpakException {
    FlatpakInstallation in = FlatpakInstallation.of(i.installation());
    String ref = fullRef(i.ref());
    if (remoteUrl(in, i.remote()) == null) {
      throw new FlatpakException("flatpak install " + ref + ": remote " + i.remote() + " is not configured in the "
          + in.id() + " installation (expected a flatpak-remote-add first)");
    }
    if (i.commit() != null) {
      unmask(in, ref); // a masked ref ignores update --commit
    }
    run(List.of("install", opt(in), "--noninteractive", "-y", i.remote(), ref));
    String detail = "installed from " + i.remote();
    if (i.commit() != null) {
      detail += moveToPin(in, ref, i.commit());
    }
    String now = commitOf(in, ref);
    check(in, ref, i.commit(), now);
    return new Applied(detail + "; " + in.id() + " installation", now, true);
  }

  private Applied update(Action.FlatpakUpdate u) throws FlatpakException {
    FlatpakInstallation in = FlatpakInstallation.of(u.installation());
    String ref = fullRef(u.ref());
    String detail;
    boolean unmasked = unmask(in, ref); // a masked ref ignores updates
    if (u.commit() == null) { // Git dropped the pin
      run(List.of("update", opt(in), "--noninteractive", "-y", ref));
      detail = (unmasked ? "unpinned (flatpak mask --remove); " : "") + "updated to its branch";
    } else {
      detail = "updated" + (u.fromCommit() == null ? "" : " from " + u.fromCommit()) + moveToPin(in, ref, u.commit());
    }
    String now = commitOf(in, ref);
    check(in, ref, u.commit(), now);
    return new Applied(detail + "; " + in.id() + " installation", now, true);
  }

  /** Moves an unmasked, installed ref to {@code commit}, then masks it (also when the move failed). */
  private String moveToPin(FlatpakInstallation in, String ref, String commit) throws FlatpakException {
    String detail;
    try {
      if (commitOf(in, ref).equals(commit)) {
        detail = "";
      } else {
        run(List.of("update", opt(in), "--noninteractive", "-y", "--commit=" + commit, ref));
        detail = "; moved to the pinned commit";
      }
    } catch (FlatpakException e) {
      try {
        run(List.of("mask", opt(in), ref));
      } catch (FlatpakException ignored) {
        // the first error is the one to report
      }
      throw e;
    }
    run(List.of("mask", opt(in), ref));
    return detail + "; pinned (flatpak mask)";
  }

  private static void check(FlatpakInstallation in, String ref, String wanted, String now) throws FlatpakException {
    if (wanted != null && !wanted.equals(now)) {
      throw new FlatpakException("flatpak " + ref + " (" + in.id() + "): at commit " + now + " after the change, not"
          + " the pinned " + wanted);
    }
  }

  private Applied uninstall(Action.FlatpakUninstall u) throws FlatpakException {
    FlatpakInstallation in = FlatpakInstallation.of(u.installation());
    String ref = fullRef(u.ref());
    boolean listed = false;
    for (Row r : list(in)) {
      listed |= r.ref().equals(ref);
    }
    if (!listed) { // flatpak uninstall fails on a ref that is not installed
      return new Applied("not installed in the " + in.id() + " installation; nothing to do", null, false);
    }
    String was = commitOf(in, ref);
    run(List.of("uninstall", opt(in), "--noninteractive", "-y", ref));
    return new Applied("uninstalled (was " + was + "); " + in.id() + " installation", was, true);
  }

  /** Whether {@code flatpak mask} lists exactly {@code ref}. */
  boolean isMasked(FlatpakInstallation in, String ref) throws FlatpakException {
    return masks(in).contains(ref);
  }

  /** Removes the mask on {@code ref} when flatpak lists one; whether there was one. */
  private boolean unmask(FlatpakInstallation in, String ref) throws FlatpakException {
    if (!isMasked(in, ref)) {
      return false;
    }
    run(List.of("mask", opt(in), "--remove", ref));
    return true;
  }

  /** The patterns {@code flatpak mask} lists (the agent masks full refs only). */
  private Set<String> masks(FlatpakInstallation in) throws FlatpakException {
    Set<String> out = new java.util.HashSet<>();
    for (String line : lines(run(List.of("mask", opt(in))))) {
      out.add(line.strip());
    }
    return out;
  }

  private String remoteUrl(FlatpakInstallation in, String name) throws FlatpakException {
    for (FlatpakState.Remote r : remotes(in)) {
      if (r.name().equals(name)) {
        return r.url();
      }
    }
    return null;
  }

  /** {@code app/ID/ARCH/BRANCH} with the host's own arch ({@code flatpak --default-arch}) where ARCH is empty. */
  String fullRef(String ref) throws FlatpakException {
    String[] p = ref.split("/", -1);
    if (p.length != 4 || !p[0].equals("app") || !APP_ID.matcher(p[1]).matches()
        || !p[2].isEmpty() && !NAME.matcher(p[2]).matches() || !NAME.matcher(p[3]).matches()) {
      throw new FlatpakException("flatpak ref " + Text.oneLine(ref, "?") + " is not app/ID/ARCH/BRANCH");
    }
    if (!p[2].isEmpty()) {
      return ref;
    }
    if (defaultArch == null) {
      List<String> args = List.of("--default-arch");
      String a = run(args).strip();
      if (!NAME.matcher(a).matches()) {
        throw new FlatpakException(shown(args) + ": printed " + Text.oneLine(a, "nothing") + " (expected an arch)");
      }
      defaultArch = a;
    }
    return FlatpakApp.ref(p[1], defaultArch, p[3]);
  }

  private static String opt(FlatpakInstallation in) {
    return "--" + in.id();
  }

  private static List<String> lines(String out) {
    List<String> l = new ArrayList<>();
    for (String s : out.split("\n")) {
      if (!s.isBlank()) {
        l.add(s);
      }
    }
    return l;
  }

  /** {@code scheme://user:password@host} as {@code scheme://***@host}. */
  static String redact(String s) {
    return USERINFO.matcher(s).replaceAll("$1***@");
  }

  private static String shown(List<String> args) {
    return redact("flatpak " + String.join(" ", args));
  }

  /** Runs flatpak with {@code args}; returns stdout, or fails with the exit code and stderr's last line. */
  String run(List<String> args) throws FlatpakException {
    ToolRunner.Result r;
    try {
      r = runner.run(args.toArray(String[]::new));
    } catch (HostDriver.HostException e) { // could not start, timed out, interrupted: one line already
      throw new FlatpakException(redact(e.getMessage()));
    }
    if (r.exit() != 0) {
      throw new FlatpakException(shown(args) + ": exit " + r.exit() + ": " + redact(ToolRunner.lastLine(r.stderr())));
    }
    return r.stdout();
  }
}
