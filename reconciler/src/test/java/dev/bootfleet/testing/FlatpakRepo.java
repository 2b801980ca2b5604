package dev.bootfleet.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Flatpak repository for tests, built with Debian's {@code flatpak} and no network: a tiny
 * runtime ({@code org.bootfleet.Platform//1}, a few files) and apps ({@code org.bootfleet.AppN//stable})
 * exported to an ostree repository in a temporary folder, served as a {@code file://} remote.
 *
 * <p>Everything flatpak touches lives in that folder: {@link #env()} points {@code FLATPAK_USER_DIR},
 * {@code FLATPAK_SYSTEM_DIR}, {@code HOME} and the XDG folders there, so installs (user <em>and</em>
 * system: as root, flatpak writes the system installation itself, without its D-Bus helper) never touch
 * the machine's own installations. Apps are made the way flatpak documents it ({@code build-init},
 * files, {@code build-finish}, {@code build-export}, {@code build-update-repo}); {@code build-init}
 * needs the runtime installed, so the fixture installs it once into a private builder installation.
 * The runtime itself is written by hand (metadata, {@code files/}, {@code usr/}): there is no SDK to
 * {@code build-init} it from.
 *
 * <p>The repository is not signed. Tests add it as users add Flathub, from a {@code .flatpakrepo} file
 * ({@link #repoFileUrl()}); this one carries no {@code GPGKey}, so flatpak adds the remote without
 * signature checks. The code under test has no switch to turn them off.
 */
public final class FlatpakRepo implements AutoCloseable {
  /** Where Debian installs flatpak; {@code BOOTFLEET_FLATPAK} may name another binary. */
  public static final String DEFAULT_BINARY = "/usr/bin/flatpak";
  public static final String RUNTIME = "org.bootfleet.Platform";
  public static final String RUNTIME_BRANCH = "1";
  public static final String BRANCH = "stable";

  private static final Pattern COMMIT = Pattern.compile("(?m)^Commit: ([0-9a-f]{64})$");

  private final Path dir;
  private final String arch;
  private final Map<String, Integer> builds = new LinkedHashMap<>();

  private FlatpakRepo(Path dir, String arch) {
    this.dir = dir;
    this.arch = arch;
  }

  /** Builds the runtime into a new repository (apps come with {@link #app}). */
  public static FlatpakRepo create() throws IOException {
    Path bin = binary();
    Path dir = Files.createTempDirectory("bootfleet-flatpak-");
    for (String d : List.of("home", "user", "system", "builder", "build")) {
      Files.createDirectories(dir.resolve(d));
    }
    FlatpakRepo repo = new FlatpakRepo(dir, null);
    String arch = repo.run(repo.env(), List.of(bin.toString(), "--default-arch")).strip();
    repo = new FlatpakRepo(dir, arch);
    repo.buildRuntime();
    Files.writeString(dir.resolve("test.flatpakrepo"), "[Flatpak Repo]\nTitle=bootfleet test\nUrl=" + repo.url()
        + "\n");
    return repo;
  }

  /** The flatpak binary, or an error naming the Debian package that provides it. */
  public static Path binary() {
    String override = System.getenv("BOOTFLEET_FLATPAK");
    Path p = Path.of(override != null && !override.isBlank() ? override : DEFAULT_BINARY);
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException("the tests need Flatpak, but " + p
          + " is missing: install the Debian package flatpak (apt-get install flatpak)");
    }
    return p;
  }

  /** The folder everything lives in. */
  public Path dir() {
    return dir;
  }

  /** The ostree repository. */
  public Path repo() {
    return dir.resolve("repo");
  }

  /** {@code file:///.../repo}: the repository's own URL, which flatpak reports for the remote. */
  public String url() {
    return repo().toUri().toString().replaceAll("/$", "");
  }

  /**
   * {@code file:///.../test.flatpakrepo}: a repository file naming {@link #url()}, without {@code
   * GPGKey} (the repository is unsigned), for {@code flatpak remote-add} as the agent runs it.
   */
  public String repoFileUrl() {
    return dir.resolve("test.flatpakrepo").toUri().toString();
  }

  /** flatpak's default arch on this machine ({@code flatpak --default-arch}). */
  public String arch() {
    return arch;
  }

  /** {@code app/ID/ARCH/stable}. */
  public String ref(String id) {
    return "app/" + id + "/" + arch + "/" + BRANCH;
  }

  /** The user installation the tests install into ({@code FLATPAK_USER_DIR}). */
  public Path userDir() {
    return dir.resolve("user");
  }

  /** The system installation the tests install into ({@code FLATPAK_SYSTEM_DIR}). */
  public Path systemDir() {
    return dir.resolve("system");
  }

  /** The variables that keep flatpak inside {@link #dir()}: the user and system installations, HOME, XDG. */
  public Map<String, String> env() {
    return env(userDir());
  }

  private Map<String, String> env(Path userDir) {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("FLATPAK_USER_DIR", userDir.toString());
    e.put("FLATPAK_SYSTEM_DIR", systemDir().toString());
    e.put("HOME", dir.resolve("home").toString());
    e.put("XDG_DATA_HOME", dir.resolve("home/.local/share").toString());
    e.put("XDG_CONFIG_HOME", dir.resolve("home/.config").toString());
    e.put("XDG_CACHE_HOME", dir.resolve("home/.cache").toString());
    e.put("XDG_RUNTIME_DIR", dir.resolve("home/.run").toString());
    e.put("LC_ALL", "C");
    e.put("FLATPAK_FANCY_OUTPUT", "0");
    return e;
  }

  /**
   * Builds and exports a new commit of app {@code id} on branch {@code stable} (each call makes the next
   * commit, whose parent is the last), updates the repository summary, and returns the full commit.
   */
  public String app(String id) throws IOException {
    String c = export(id);
    updateSummary();
    return c;
  }

  /** {@code n} apps {@code <prefix>1..<prefix>n}, one commit each, with one summary update; their commits. */
  public List<String> apps(String prefix, int n) throws IOException {
    List<String> commits = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      commits.add(export(prefix + i));
    }
    updateSummary();
    return commits;
  }

  /** Runs flatpak inside the fixture's folders; returns stdout, or throws with stderr. */
  public String flatpak(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary().toString());
    cmd.addAll(List.of(args));
    return run(env(), cmd);
  }

  /** Empties the user and system installations (the repository stays). */
  public void resetInstallations() throws IOException {
    for (Path p : List.of(userDir(), systemDir())) {
      delete(p);
      Files.createDirectories(p);
    }
  }

  private void buildRuntime() throws IOException {
    Path b = dir.resolve("build/runtime");
    Files.createDirectories(b.resolve("files"));
    Files.createDirectories(b.resolve("usr/share/bootfleet"));
    Files.writeString(b.resolve("usr/share/bootfleet/platform.txt"), "bootfleet test platform\n");
    Files.writeString(b.resolve("metadata"), "[Runtime]\nname=" + RUNTIME + "\nruntime=" + runtimeRef()
        + "\nsdk=" + runtimeRef() + "\n");
    flatpak("build-export", "--runtime", "--no-update-summary", repo().toString(), b.toString(), RUNTIME_BRANCH);
    updateSummary();
    // build-init needs the runtime and SDK installed: install them into a builder installation of our own.
    Map<String, String> builder = env(dir.resolve("builder"));
    String bin = binary().toString();
    run(builder, List.of(bin, "remote-add", "--user", "--no-gpg-verify", "build", url()));
    run(builder, List.of(bin, "install", "--user", "--noninteractive", "-y", "build",
        "runtime/" + RUNTIME + "/" + arch + "/" + RUNTIME_BRANCH));
  }

  private String runtimeRef() {
    return RUNTIME + "/" + arch + "/" + RUNTIME_BRANCH;
  }

  private String export(String id) throws IOException {
    int n = builds.merge(id, 1, Integer::sum);
    Path b = dir.resolve("build/" + id);
    delete(b);
    String bin = binary().toString();
    Map<String, String> builder = env(dir.resolve("builder"));
    run(builder, List.of(bin, "build-init", b.toString(), id, RUNTIME, RUNTIME, RUNTIME_BRANCH));
    String command = id.substring(id.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
    Path exe = b.resolve("files/bin/" + command);
    Files.createDirectories(exe.getParent());
    Files.writeString(exe, "#!/bin/sh\necho '" + id + " build " + n + "'\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    run(builder, List.of(bin, "build-finish", "--command=" + command, b.toString()));
    String out = run(builder, List.of(bin, "build-export", "--no-update-summary", repo().toString(), b.toString(),
        BRANCH));
    Matcher m = COMMIT.matcher(out);
    if (!m.find()) {
      throw new IOException("flatpak build-export printed no commit for " + id + ": " + out);
    }
    return m.group(1);
  }

  private void updateSummary() throws IOException {
    flatpak("build-update-repo", "--no-update-appstream", repo().toString());
  }

  private String run(Map<String, String> env, List<String> cmd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File(
        "/dev/null")));
    pb.environment().putAll(env);
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + ": timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    String stderr = Files.readString(err);
    Files.delete(err);
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + stderr.strip());
    }
    return out;
  }

  @Override
  public void close() {
    delete(dir);
  }

  private static void delete(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        // flatpak leaves read-only files in repositories; root removes them anyway
        Files.deleteIfExists(x);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
