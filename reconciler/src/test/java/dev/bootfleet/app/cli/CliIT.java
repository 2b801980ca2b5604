package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.Example;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the built jar through {@code bin/bootfleet}, as a user would: exit codes, formats, errors, and a
 * pull-request plan between two real Git commits.
 */
class CliIT {
  static final Path ROOT = Example.projectRoot();
  static final String REPO = ROOT.resolve("examples/fleet-repo").toString();
  static final String OBSERVED = ROOT.resolve("examples/fleet-repo/observed").toString();

  record Run(int exit, String out, String err) {}

  /** One class-data-sharing cache for all runs, as a user's ~/.cache would be. */
  static final Path CACHE = tempDir();

  /** Removed when the test JVM exits: other IT classes run the launcher through this class too. */
  static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("bootfleet-cache");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> removeTree(dir)));
      return dir;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void removeTree(Path dir) {
    try (var files = Files.walk(dir)) { // deepest first
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("CliIT: could not remove " + dir + ": " + e.getMessage());
    }
  }

  static Run bootfleet(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/bootfleet").toString()));
    cmd.addAll(List.of(args));
    return run(env, cmd.toArray(String[]::new));
  }

  /** Runs a command with the environment a user of the built jar would have. */
  static Run run(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
    return runIn(null, env, cmd);
  }

  /** As {@link #run}, in the working directory {@code dir} (null: this one). */
  static Run runIn(Path dir, Map<String, String> env, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("XDG_CACHE_HOME", CACHE.toString());
    pb.environment().remove("NO_COLOR");
    pb.environment().remove("CI"); // a user's machine, where the launcher keeps its start-up cache
    pb.environment().remove("BOOTFLEET_STARTUP_CACHE");
    String jar = System.getProperty("bootfleet.jar");
    if (jar != null) {
      pb.environment().put("BOOTFLEET_JAR", jar);
    }
    pb.environment().putAll(env); // the test's own settings win
    Path out = Files.createTempFile("bootfleet-it-out", ".txt");
    Path err = Files.createTempFile("bootfleet-it-err", ".txt");
    try {
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(
          ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("bootfleet finished").isTrue();
      return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally { // each run left two files in /tmp: thousands after a few builds
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static Run bootfleet(String... args) throws IOException, InterruptedException {
    return bootfleet(Map.of(), args);
  }

  static void assertNoStackTrace(Run r) {
    assertThat(r.err()).doesNotContain("Exception", "\tat ", "at dev.bootfleet");
  }

  @Test
  void validate_atARevision_findsTheRepository_fromARelativeSubfolder(@TempDir Path tmp) throws Exception {
    Example.copyTree(Path.of(REPO), tmp.resolve("ops/fleet"));
    try (var git = Git.init().setDirectory(tmp.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      var who = new org.eclipse.jgit.lib.PersonIdent("Test", "test@example.com");
      git.commit().setMessage("fleet").setAuthor(who).setCommitter(who).setSign(false).call();
    }
    List<String> cmd = List.of(ROOT.resolve("bin/bootfleet").toString(), "validate", "--repo", "ops/fleet", "--rev",
        "HEAD");

    Run r = runIn(tmp, Map.of(), cmd.toArray(String[]::new));

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("valid: 12 hosts").contains("HEAD@sha1:");
  }

  @Test
  void help_listsTheCommands() throws Exception {
    Run r = bootfleet("--help");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("validate", "plan", "drift", "pin", "bake", "Exit codes: 0 success, 1 error, 2 changes");
    for (String sub : List.of("validate", "plan", "drift", "pin", "bake")) {
      Run h = bootfleet(sub, "--help");
      assertThat(h.exit()).as(sub).isZero();
      assertThat(h.out()).as(sub).contains("--repo");
    }
  }

  @Test
  void validate_example_isValid() throws Exception {
    Run r = bootfleet("validate", "--repo", REPO);

    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("valid: 12 hosts, 0 errors, 3 warnings");
    assertThat(r.err().lines()).as("bootc's advice, once per manifest").containsExactly(
        "groups/defaults.yaml:21:3: warning: spec.kargs: host-local kernel arguments: bootc advises shipping them in"
            + " the image instead (/usr/lib/bootc/kargs.d/*.toml), where every switch and upgrade applies them",
        "groups/desktop.yaml:25:3: warning: spec.packages: layered packages: bootc advises installing them in the"
            + " image instead (RUN dnf install in the Containerfile); layering makes the deployment incompatible with"
            + " bootc, and only rpm-ostree can update it",
        "groups/edge.yaml:17:3: warning: spec.kargs: host-local kernel arguments: bootc advises shipping them in the"
            + " image instead (/usr/lib/bootc/kargs.d/*.toml), where every switch and upgrade applies them");
  }

  @Test
  void plan_example_printsTableAndSummary_andExitsZero() throws Exception {
    Run r = bootfleet("plan", "--repo", REPO, "--observed", OBSERVED);

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("HOST     STATUS   ACTIONS", "web-02   drifted  stage, reboot",
        "edge-01  held", "ws-02    drifted  write-file, flatpak x4, rebase, remove-packages, finalize",
        "Plan: 3 to stage, 6 to reboot, 4 /etc changes, 1 kargs change, 2 package changes, 4 Flatpak changes,"
            + " 2 in sync, 2 held, 1 unknown");
    assertThat(r.out()).as("no colour when not a terminal").doesNotContain("\u001b[");
  }

  @Test
  void plan_detailedExitcode_isTwo_whenHostsDiffer() throws Exception {
    assertThat(bootfleet("plan", "--repo", REPO, "--observed", OBSERVED, "--detailed-exitcode").exit()).isEqualTo(2);
    assertThat(bootfleet("drift", "--repo", REPO, "--observed", OBSERVED, "--detailed-exitcode").exit()).isEqualTo(2);
  }

  @Test
  void drift_junitToFile_isReadableXml(@TempDir Path tmp) throws Exception {
    Path report = tmp.resolve("drift.xml");

    Run r = bootfleet("drift", "--repo", REPO, "--observed", OBSERVED, "--format", "junit", "--out", report.toString());

    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEmpty();
    Path plain = Files.createFile(tmp.resolve("made-by-hand"));
    assertThat(Files.getPosixFilePermissions(report)).as("the report follows the umask like any new file")
        .isEqualTo(Files.getPosixFilePermissions(plain));
    Files.delete(plain);
    var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
    assertThat(doc.getElementsByTagName("testcase").getLength()).isEqualTo(12);
    assertThat(doc.getElementsByTagName("failure").getLength()).isEqualTo(9);
    assertThat(doc.getElementsByTagName("skipped").getLength()).isEqualTo(1);
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("drift.xml");
    }
  }

  @Test
  void plan_colour_onlyOnATerminal_andNoColorTurnsItOff() throws Exception {
    Path script = Path.of("/usr/bin/script");
    assertThat(Files.isExecutable(script)).as("/usr/bin/script (Debian package bsdutils) runs bootfleet on a "
        + "pseudo-terminal for this test; install it with apt-get install bsdutils").isTrue();
    String cmd = ROOT.resolve("bin/bootfleet") + " plan --repo " + REPO + " --observed " + OBSERVED;

    Run tty = run(Map.of(), script.toString(), "-qec", cmd, "/dev/null");
    Run ttyNoColor = run(Map.of("NO_COLOR", "1"), script.toString(), "-qec", cmd, "/dev/null");
    Run piped = bootfleet("plan", "--repo", REPO, "--observed", OBSERVED);
    Run forced = bootfleet("plan", "--repo", REPO, "--observed", OBSERVED, "--color", "always");

    assertThat(tty.out()).as("on a terminal").contains("\u001b[33mdrifted");
    assertThat(ttyNoColor.out()).as("NO_COLOR on a terminal").contains("drifted").doesNotContain("\u001b[");
    assertThat(piped.out()).as("piped").doesNotContain("\u001b[");
    assertThat(forced.out()).as("--color always").contains("\u001b[");
  }

  @Test
  void brokenRepo_printsEveryProblemOnOneLine_exitsOne(@TempDir Path tmp) throws Exception {
    Path repo = tmp.resolve("fleet");
    Example.copyTree(Path.of(REPO), repo);
    Path web = repo.resolve("hosts/web-01.yaml");
    Files.writeString(web, Files.readString(web).replace("spec: {}",
        "spec:\n  image:\n    ref: quay.io/x/y@sha256:12\n  etc:\n    - path: /etc/../shadow\n      content: x\n"));
    Path db = repo.resolve("hosts/db-01.yaml");
    Files.writeString(db, Files.readString(db).replace("role: db", "role: db\n    bad key: 1"));

    Run v = bootfleet("validate", "--repo", repo.toString());
    Run p = bootfleet("plan", "--repo", repo.toString(), "--observed", OBSERVED);

    assertThat(v.exit()).isEqualTo(1);
    assertThat(v.err().lines()).contains(
        "hosts/web-01.yaml:11:10: error: spec.image.ref: \"quay.io/x/y@sha256:12\" has a bad digest: it has 2 hex "
            + "digits, not 64 (expected registry/repo[:tag][@sha256:<64 hex>])",
        "hosts/web-01.yaml:13:13: error: spec.etc[0].path: \"/etc/../shadow\" contains '..' (expected an absolute, "
            + "normalised path under /etc/)");
    assertThat(v.err().lines().filter(l -> l.startsWith("hosts/db-01.yaml:"))).containsExactly(
        "hosts/db-01.yaml:8:5: error: metadata.labels: \"bad key\" is not a valid key (expected [dns-prefix/]name: "
            + "letters, digits, '-', '_' and '.', at most 63 characters, starting and ending with a letter or digit)",
        "hosts/db-01.yaml:8:14: error: metadata.labels.bad key: expected a string, found 1 (quote it to make it text: \"1\")");
    assertThat(v.out()).startsWith("invalid: ");
    assertThat(p.exit()).as("plan refuses a broken revision").isEqualTo(1);
    assertThat(p.out()).isEmpty();
    assertNoStackTrace(v);
    assertNoStackTrace(p);
  }

  @Test
  void userMistakes_oneLine_exitOne(@TempDir Path tmp) throws Exception {
    List<String[]> cases = List.of(
        new String[] {"plan", "--repo", REPO},
        new String[] {"plan", "--repo", REPO, "--observed", OBSERVED, "--format", "yaml"},
        new String[] {"plan", "--repo", REPO, "--base", "HEAD"},
        new String[] {"drift", "--repo", tmp.resolve("nope").toString(), "--observed", OBSERVED},
        new String[] {"drift", "--repo", REPO, "--observed", tmp.resolve("nope").toString()},
        new String[] {"plan", "--repo", REPO, "--rev", "no-such-branch-xyz", "--observed", OBSERVED},
        new String[] {"plan", "--repo", REPO, "--observed", OBSERVED, "--out", tmp.resolve("no/dir/x").toString()},
        new String[] {"frobnicate"});
    for (String[] c : cases) {
      Run r = bootfleet(c);
      assertThat(r.exit()).as(String.join(" ", c)).isEqualTo(1);
      // The example fleet's warnings (bootc's advice) may come first; then the mistake.
      assertThat(r.err().lines().filter(l -> !l.contains(": warning: "))).as(String.join(" ", c))
          .first().asString().startsWith("bootfleet: error: ");
      assertNoStackTrace(r);
    }
  }

  /** A host's report is untrusted: a bad one makes that host unknown, naming the file, and stops no other. */
  @Test
  void badObservedDocument_makesThatHostUnknown_namingTheFile(@TempDir Path tmp) throws Exception {
    Path obs = tmp.resolve("observed");
    Example.copyTree(Path.of(OBSERVED), obs);
    Files.writeString(obs.resolve("web-01.json"), "{\"apiVersion\": \"org.containers.bootc/v1\", \"kind\": \"Pod\"}");
    String web02 = Files.readString(obs.resolve("web-02.json"));
    Files.writeString(obs.resolve("web-02.json"), web02.replaceFirst("\"image\":\"quay.io/", "\"image\":\"\\\\n\\\\u001b[2Jquay.io/"));

    Run r = bootfleet("plan", "--repo", REPO, "--observed", obs.toString(), "--detailed-exitcode");
    Run good = bootfleet("plan", "--repo", REPO, "--observed", OBSERVED);

    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err().lines().filter(l -> !l.contains(": warning: "))).isEmpty();
    assertThat(r.out()).containsPattern("web-01 +unknown +- +its report cannot be used: "
        + java.util.regex.Pattern.quote(obs.resolve("web-01.json") + ": kind: found \"Pod\" (expected BootcHost)"));
    assertThat(r.out()).contains("its report cannot be used: " + obs.resolve("web-02.json") + ": spec.image.image: found"
        + " \"\\n\\u001B[2Jquay.io/").doesNotContain("\u001b");
    assertThat(r.out().lines().filter(l -> l.startsWith("db-") || l.startsWith("edge-")))
        .containsExactlyElementsOf(good.out().lines().filter(l -> l.startsWith("db-") || l.startsWith("edge-")).toList());
    assertNoStackTrace(r);
  }

  @Test
  void pullRequestPlan_betweenTwoCommits(@TempDir Path tmp) throws Exception {
    Path repo = tmp.resolve("fleet");
    Example.copyTree(Path.of(REPO), repo);
    String base;
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      base = git.commit().setMessage("fleet").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com")
          .setSign(false).call().name();
      Path web = repo.resolve("groups/web.yaml");
      Files.writeString(web, Files.readString(web).replaceAll("@sha256:[0-9a-f]{64}", "@sha256:" + "9".repeat(64)));
      git.add().addFilepattern(".").call();
      git.commit().setMessage("web: bump").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com")
          .setSign(false).call();
    }
    Files.writeString(repo.resolve("hosts/web-01.yaml"), "uncommitted: [broken");

    Run md = bootfleet("plan", "--repo", repo.toString(), "--base", base, "--head", "main", "--format", "markdown");
    Run same = bootfleet("plan", "--repo", repo.toString(), "--base", "main", "--head", "main", "--detailed-exitcode");

    assertThat(md.exit()).as(md.err()).isZero();
    assertThat(md.err().lines().toList()).as("the head's warnings, each once").hasSize(3).doesNotHaveDuplicates()
        .allSatisfy(l -> assertThat(l).contains(": warning: "));
    assertThat(md.out()).startsWith("<!-- bootfleet:plan -->").contains("`sha1:" + base + "` → `main@sha1:",
        "**Plan: 3 to stage, 0 /etc changes, 0 added, 0 removed, 3 changed, 9 unchanged**",
        "3 hosts: <code>web-01</code>, <code>web-02</code>, <code>web-03</code>");
    assertThat(same.exit()).isZero();
    assertThat(same.out()).contains("0 changed, 12 unchanged");
  }

  /**
   * bin/bootfleet's start-up cache (ADR 0010): the first run writes a class-data-sharing archive, the
   * second (JDK 25+) records its classes and builds an AOT cache, later runs start from it. None of
   * that may show in what the command prints: the JVM's own "AOTConfiguration recorded" line would
   * land in the middle of a plan.
   */
  @Test
  void launcher_startUpCache_sameOutputOnEveryRun_andAnAotCacheFromTheSecondRun(@TempDir Path tmp) throws Exception {
    Map<String, String> env = Map.of("XDG_CACHE_HOME", tmp.toString());
    Path cacheDir = tmp.resolve("bootfleet");
    List<Run> runs = new ArrayList<>();
    List<List<String>> cached = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      runs.add(bootfleet(env, "plan", "--repo", REPO, "--observed", OBSERVED));
      try (Stream<Path> files = Files.list(cacheDir)) {
        cached.add(files.map(f -> f.getFileName().toString()).sorted().toList());
      }
    }

    Run first = runs.get(0);
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out()).contains("Plan:");
    for (Run r : runs) {
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out()).isEqualTo(first.out());
      assertThat(r.err()).isEqualTo(first.err()).doesNotContain("AOT", "CDS", "shared archive");
    }
    assertThat(cached.get(0)).singleElement().asString().startsWith("bootfleet-").endsWith("-plan.jsa");
    if (Runtime.version().feature() >= 25) { // the launcher runs the JDK these tests run on (JAVA_HOME)
      assertThat(cached.get(1)).hasSize(2).anyMatch(f -> f.endsWith("-plan.aot"));
    } else {
      assertThat(cached.get(1)).isEqualTo(cached.get(0));
    }
    assertThat(cached.get(2)).as("nothing more after the second run, no leftovers").isEqualTo(cached.get(1));

    // The user's own class-sharing choice wins: the JVM refuses an AOT cache beside -Xshare.
    Map<String, String> off = Map.of("XDG_CACHE_HOME", tmp.toString(), "BOOTFLEET_JAVA_OPTS", "-Xshare:off");
    Run userChoice = bootfleet(off, "plan", "--repo", REPO, "--observed", OBSERVED);
    assertThat(userChoice.exit()).as(userChoice.err()).isZero();
    assertThat(userChoice.out()).isEqualTo(first.out());
  }

  @Test
  void launcher_startUpCache_isKeyedByTheJarALinkPointsTo(@TempDir Path tmp) throws Exception {
    // A packaged jar is often a link to a versioned file: the cache must follow a rebuild of the file,
    // not stay with the link (a stale AOT cache fails with NoSuchMethodError on JDK 25).
    Path jar = Path.of(System.getProperty("bootfleet.jar", ROOT.resolve("reconciler/target/bootfleet.jar").toString()));
    Path link = tmp.resolve("bootfleet.jar");
    Files.createSymbolicLink(link, jar.toAbsolutePath());
    Path cache = tmp.resolve("cache");

    Run r = bootfleet(Map.of("XDG_CACHE_HOME", cache.toString(), "BOOTFLEET_JAR", link.toString()), "--version");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("bootfleet ");
    Object inode = Files.getAttribute(jar, "unix:ino");
    try (Stream<Path> files = Files.list(cache.resolve("bootfleet"))) {
      assertThat(files.map(f -> f.getFileName().toString()).toList()).singleElement().asString()
          .endsWith("-" + Files.size(jar) + "-" + inode + "-other.jsa");
    }
    Files.delete(link); // JUnit would warn about a link leaving its folder
  }

  @Test
  void launcher_startUpCache_aNewBuildRemovesTheCachesOfAllButTheTwoBuildsBefore(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("bootfleet"));
    java.time.Instant now = java.time.Instant.now();
    Map<String, Integer> hoursOld = Map.of(
        "bootfleet-100.5-10-1-plan.jsa", 1,
        "bootfleet-200.5-10-2-plan.jsa", 2, "bootfleet-200.5-10-2-pin.aot", 2,
        "bootfleet-300.5-10-3-bootc-sim.jsa", 3,
        "bootfleet-400.5-10-4-plan.jsa", 4, "bootfleet-400.5-10-4-plan.12345.conf", 4,
        "bootfleet-1795313392-8450724.jsa", 5); // as an older launcher named them
    for (var e : hoursOld.entrySet()) {
      Path f = Files.writeString(dir.resolve(e.getKey()), "x");
      Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(now.minusSeconds(3600L * e.getValue())));
    }

    Run r = bootfleet(Map.of("XDG_CACHE_HOME", tmp.toString()), "--version");
    Run again = bootfleet(Map.of("XDG_CACHE_HOME", tmp.toString()), "validate", "--repo", REPO);

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(again.exit()).as(again.err()).isZero();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
          .as("this build's caches and those of the two builds before it, nothing else")
          .hasSize(5)
          .contains("bootfleet-100.5-10-1-plan.jsa", "bootfleet-200.5-10-2-plan.jsa", "bootfleet-200.5-10-2-pin.aot")
          .anyMatch(f -> f.endsWith("-other.jsa") && !f.startsWith("bootfleet-100.5"))
          .anyMatch(f -> f.endsWith("-validate.jsa"));
    }
  }

  @Test
  void launcher_inACiJob_usesAStartUpCacheItFinds_butWritesNone(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("bootfleet");
    String[] plan = {"plan", "--repo", REPO, "--observed", OBSERVED};
    Map<String, String> ci = Map.of("XDG_CACHE_HOME", tmp.toString(), "CI", "true");

    Run first = bootfleet(ci, plan);
    Run second = bootfleet(ci, plan);

    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(second.out()).isEqualTo(first.out());
    assertThat(dir).as("an ephemeral CI container would throw a cache away").doesNotExist();

    // A CI job that keeps the folder between jobs asks for one; later jobs use it without adding to it.
    Run made = bootfleet(Map.of("XDG_CACHE_HOME", tmp.toString(), "CI", "true", "BOOTFLEET_STARTUP_CACHE", "on"),
        plan);
    List<String> written;
    try (Stream<Path> files = Files.list(dir)) {
      written = files.map(f -> f.getFileName().toString()).sorted().toList();
    }
    Run used = bootfleet(ci, plan);
    assertThat(made.out()).isEqualTo(first.out());
    assertThat(used.out()).isEqualTo(first.out());
    assertThat(written).singleElement().asString().endsWith("-plan.jsa");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted().toList()).isEqualTo(written);
    }

    Run bad = bootfleet(Map.of("BOOTFLEET_STARTUP_CACHE", "sometimes"), "--version");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).isEqualTo("bootfleet: error: BOOTFLEET_STARTUP_CACHE=sometimes: expected auto, on or off\n");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "ID=fedora;VERSION_ID=42                                  | sudo dnf install java-21-openjdk-headless",
      "ID=\"rhel\";ID_LIKE=\"fedora\";VERSION_ID=\"9.6\"            | sudo dnf install java-21-openjdk-headless",
      "ID=\"centos\";ID_LIKE=\"rhel fedora\";VERSION_ID=\"10\"      | sudo dnf install java-21-openjdk-headless",
      "ID=debian;VERSION_ID=\"12\"                              | add Adoptium's apt repository"
          + " (https://adoptium.net/installation/linux/), then sudo apt-get install temurin-21-jre",
      "ID=debian;VERSION_ID=\"13\"                              | sudo apt-get install openjdk-21-jre-headless",
      "ID=ubuntu;ID_LIKE=debian;VERSION_ID=\"24.04\"            | sudo apt-get install openjdk-21-jre-headless",
      "ID=nixos                                                 | see https://adoptium.net/installation/"})
  void launcher_saysWhatIsMissing_andHowToInstallIt_onThisSystem(String osRelease, String hint, @TempDir Path tmp)
      throws Exception {
    Path fakeJdk = tmp.resolve("jdk17");
    Files.createDirectories(fakeJdk.resolve("bin"));
    Path java = fakeJdk.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\necho '    java.specification.version = 17' >&2\n", StandardCharsets.UTF_8);
    java.toFile().setExecutable(true);
    Path release = Files.writeString(tmp.resolve("os-release"), osRelease.replace(';', '\n') + "\n");

    Run r = bootfleet(Map.of("JAVA_HOME", fakeJdk.toString(), "PATH", fakeJdk.resolve("bin") + ":/usr/bin:/bin",
        "BOOTFLEET_OS_RELEASE", release.toString()), "--version");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("needs Java 21 or newer", java + ": 17", "JAVA_HOME")
        .endsWith("On this system: " + hint + "\n");
  }
}
