package dev.bootfleet.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real ostree world for tests, built with Debian's {@code ostree} and {@code gpg} and no network: a GPG
 * key of its own, an archive repository served as {@code file://} whose commits of a tiny OS tree
 * ({@code /usr/bin/hello}, {@code /usr/etc/*.conf}, a kernel) are signed with that key, and a sysroot made
 * by {@code ostree admin init-fs} and {@code os-init}, which is never booted: {@code --sysroot=DIR}.
 * GPG verification stays on everywhere; the sysroot's remote trusts the key once {@link #trust} imports it.
 */
public final class OstreeSysroot implements AutoCloseable {
  public static final String STATEROOT = "testos";
  public static final String REMOTE = "testremote";
  public static final String REF = "testos/x86_64/stable";
  private static final String OSTREE = "/usr/bin/ostree";
  private static final String GPG = "/usr/bin/gpg";

  private final Path dir;
  private final Path gpgHome;
  private final String key;

  private OstreeSysroot(Path dir, Path gpgHome, String key) {
    this.dir = dir;
    this.gpgHome = gpgHome;
    this.key = key;
  }

  /** The ostree binary, or an error naming the Debian package that provides it. */
  public static Path binary() {
    for (String[] tool : new String[][] {{OSTREE, "ostree"}, {GPG, "gpg"}}) {
      if (!Files.isExecutable(Path.of(tool[0]))) {
        throw new IllegalStateException("the tests need " + tool[1] + ", but " + tool[0]
            + " is missing: install the Debian package " + (tool[1].equals("gpg") ? "gnupg" : "ostree")
            + " (apt-get install " + (tool[1].equals("gpg") ? "gnupg" : "ostree") + ")");
      }
    }
    return Path.of(OSTREE);
  }

  /**
   * Creates the key, the repository and an empty sysroot under {@code dir}. The GPG home lives in a short
   * folder of its own under /tmp: gpg-agent's socket path must stay under 108 bytes.
   */
  public static OstreeSysroot create(Path dir) throws IOException, InterruptedException {
    binary();
    Path gpgHome = Files.createTempDirectory(Path.of("/tmp"), "bfg");
    run(dir, Map.of(), GPG, "--homedir", gpgHome.toString(), "--batch", "--passphrase", "",
        "--quick-gen-key", "bootfleet test <test@example.invalid>", "ed25519", "sign", "never");
    String colons = run(dir, Map.of(), GPG, "--homedir", gpgHome.toString(), "--list-keys", "--with-colons");
    String key = colons.lines().filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
    run(dir, Map.of(), GPG, "--homedir", gpgHome.toString(), "--export", "--output",
        dir.resolve("key.gpg").toString(), key);
    OstreeSysroot s = new OstreeSysroot(dir, gpgHome, key);
    s.ostree("--repo=" + s.repo(), "init", "--mode=archive");
    Files.createDirectories(s.sysroot());
    s.ostree("admin", "init-fs", s.sysroot().toString());
    s.ostree("admin", "os-init", "--sysroot=" + s.sysroot(), STATEROOT);
    return s;
  }

  public Path sysroot() {
    return dir.resolve("sysroot");
  }

  public Path repo() {
    return dir.resolve("repo");
  }

  public String url() {
    return "file://" + repo();
  }

  /** The exported public key, as an operator would install it for the remote. */
  public Path publicKey() {
    return dir.resolve("key.gpg");
  }

  /**
   * Commits a tree of {@code version} on {@link #REF}: {@code /usr/bin/hello} and the default /etc files
   * ({@code /usr/etc}) given, plus os-release and a kernel; signed unless {@code signed} is false.
   */
  public String commit(String version, Map<String, String> etc, boolean signed) throws IOException,
      InterruptedException {
    Path tree = dir.resolve("tree-" + version);
    Files.createDirectories(tree.resolve("usr/bin"));
    Files.createDirectories(tree.resolve("usr/etc"));
    Files.createDirectories(tree.resolve("usr/lib/modules/6.1.0"));
    Files.writeString(tree.resolve("usr/bin/hello"), "hello " + version + "\n");
    Files.writeString(tree.resolve("usr/lib/os-release"), "ID=" + STATEROOT + "\nVERSION_ID=" + version + "\n");
    Files.writeString(tree.resolve("usr/lib/modules/6.1.0/vmlinuz"), "kernel\n");
    Files.writeString(tree.resolve("usr/lib/modules/6.1.0/initramfs.img"), "initramfs\n");
    for (var e : etc.entrySet()) {
      Files.writeString(tree.resolve("usr/etc").resolve(e.getKey()), e.getValue());
    }
    List<String> args = new ArrayList<>(List.of("--repo=" + repo(), "commit", "--branch=" + REF,
        "--tree=dir=" + tree, "--subject=" + version, "--add-metadata-string=version=" + version));
    if (signed) {
      args.add("--gpg-sign=" + key);
      args.add("--gpg-homedir=" + gpgHome);
    }
    return ostree(args.toArray(String[]::new)).strip();
  }

  /** Imports the test key for {@code remote} in the sysroot's repository (an operator's step). */
  public void trust(String remote) throws IOException, InterruptedException {
    ostree("remote", "gpg-import", "--repo=" + sysroot().resolve("ostree/repo"), "--keyring=" + publicKey(), remote);
  }

  /** The folder of the deployment of {@code commit} with serial 0. */
  public Path deployment(String commit) {
    return sysroot().resolve("ostree/deploy/" + STATEROOT + "/deploy/" + commit + ".0");
  }

  public String ostree(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(OSTREE));
    cmd.addAll(List.of(args));
    return run(dir, Map.of(), cmd.toArray(String[]::new));
  }

  private static String run(Path dir, Map<String, String> env, String... cmd) throws IOException,
      InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(false);
    pb.environment().putAll(env);
    pb.environment().put("LC_ALL", "C");
    Path err = Files.createTempFile(dir, "err", ".txt");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + ": timed out");
    }
    String stderr = Files.readString(err);
    Files.delete(err);
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + stderr.strip());
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /**
   * Undeploys every deployment (ostree marks deployment roots immutable when it can, so a plain delete of
   * the folder fails), then stops the test key's gpg-agent and removes its home.
   */
  @Override
  public void close() throws IOException, InterruptedException {
    while (Files.isDirectory(sysroot()) && !ostree("admin", "status", "--sysroot=" + sysroot()).strip()
        .equals("No deployments.")) {
      ostree("admin", "undeploy", "--sysroot=" + sysroot(), "0");
    }
    new ProcessBuilder("gpgconf", "--homedir", gpgHome.toString(), "--kill", "gpg-agent")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
    try (var walk = Files.walk(gpgHome)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
