package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.image.ImageLock;
import dev.bootfleet.core.manifest.ImageLockFile;
import dev.bootfleet.testing.HostileRegistry;
import dev.bootfleet.testing.RegistryServer;
import dev.bootfleet.testing.TestImages;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bootfleet pin} in this JVM against a real registry on loopback. */
class PinCommandTest {
  static RegistryServer registry;
  static TestImages images;
  static String host;

  @TempDir
  Path fleet;

  @BeforeAll
  static void start() throws Exception {
    registry = RegistryServer.start();
    images = new TestImages(registry);
    host = registry.host();
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  static final String HOST_TEMPLATE = """
      # web-01: the front end in fra1
      apiVersion: bootfleet.dev/v1alpha1
      kind: Host
      metadata:
        name: %s
        labels: {role: web}   # keep in sync with the load balancer
      spec:
        image:
          ref: "%s"   # bumped by Renovate
          enforceSignaturePolicy: false
      """;

  static final String GROUP_TEMPLATE = """
      apiVersion: bootfleet.dev/v1alpha1
      kind: HostGroup
      metadata: {name: %s}
      spec:
        selector: {matchLabels: {role: %s}}
        image: {ref: %s}
      """;

  void write(String file, String text) throws IOException {
    Path p = fleet.resolve(file);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  Map<String, String> snapshot() throws IOException {
    Map<String, String> all = new TreeMap<>();
    try (Stream<Path> s = Files.walk(fleet)) {
      for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/.git/")).toList()) {
        all.put(fleet.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return all;
  }

  Cli.Run pin(String... more) {
    String[] base = {"pin", "--repo", fleet.toString(), "--plain-http", host};
    String[] args = new String[base.length + more.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return Cli.run(args);
  }

  @Test
  void help_namesTheCredentialFiles_asWritten() {
    // picocli expands ${NAME} in descriptions: an unset XDG_RUNTIME_DIR once showed as "null/containers/...".
    Cli.Run r = Cli.run("pin", "--help");

    assertThat(r.exit()).isZero();
    assertThat(r.out().replaceAll("\\s+", " ")).contains("REGISTRY_AUTH_FILE, then $XDG_RUNTIME_DIR/containers/auth.json,")
        .doesNotContain("null/");
  }

  @Test
  void pin_rewritesOnlyTheReferences_andWritesTheLockForTheIndex() throws Exception {
    TestImages.Image web = images.push("pin/web-os", "42.1");
    TestImages.Index multi = images.pushIndex("pin/multi-os", "2.0");
    TestImages.Image db = images.push("pin/db-os", "7");
    String webHost = HOST_TEMPLATE.formatted("web-01", web.tagged());
    String multiGroup = GROUP_TEMPLATE.formatted("multi", "edge", multi.tagged());
    String dbHost = HOST_TEMPLATE.formatted("db-01", db.byDigest());
    write("hosts/web-01.yaml", webHost);
    write("groups/multi.yaml", multiGroup);
    write("hosts/db-01.yaml", dbHost);
    write("charts/values.yaml", "image:\n  ref: " + host + "/pin/web-os:42.1\n");

    Cli.Run r = pin();

    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("pinned   hosts/web-01.yaml:9:10 " + web.pinned(),
        "pinned   groups/multi.yaml:6:16 " + multi.pinned(), "wrote    bootfleet.lock.json (1 index(es))",
        "pin: 2 pinned, 0 re-pinned, 1 already current");
    Map<String, String> after = snapshot();
    assertThat(after.get("hosts/web-01.yaml")).isEqualTo(webHost.replace(web.tagged(), web.pinned()));
    assertThat(after.get("groups/multi.yaml")).isEqualTo(multiGroup.replace(multi.tagged(), multi.pinned()));
    assertThat(after.get("hosts/db-01.yaml")).isEqualTo(dbHost);
    assertThat(after.get("charts/values.yaml")).isEqualTo("image:\n  ref: " + host + "/pin/web-os:42.1\n");

    ImageLockFile.Result lock = ImageLockFile.parse(after.get(ImageLock.FILE), ImageLock.FILE);
    assertThat(lock.problems()).isEmpty();
    assertThat(lock.lock().indexes()).containsOnlyKeys(host + "/pin/multi-os@" + multi.digest());
    assertThat(lock.lock().indexes().values().iterator().next().manifests())
        .extracting(c -> c.platform() + "=" + c.digest())
        .containsExactly("linux/amd64=" + multi.child("linux/amd64"), "linux/arm64=" + multi.child("linux/arm64"));

    Cli.Run again = pin();
    assertThat(again.exit()).isZero();
    assertThat(again.out()).contains("pin: 0 pinned, 0 re-pinned, 3 already current");
    assertThat(snapshot()).isEqualTo(after);
    Cli.Run check = pin("--check");
    assertThat(check.exit()).isZero();
    assertThat(check.out()).contains("pin --check: 3 references pinned and current, bootfleet.lock.json current");
  }

  @Test
  void check_unpinnedAndStale_exitsTwo_andChangesNothing_thenPinRepins() throws Exception {
    TestImages.Image first = images.push("pin/moving-os", "stable");
    TestImages.Image other = images.push("pin/other-os", "1");
    write("hosts/a.yaml", HOST_TEMPLATE.formatted("a", first.pinned()));
    write("hosts/b.yaml", HOST_TEMPLATE.formatted("b", other.tagged()));
    TestImages.Image second = images.push("pin/moving-os", "stable");
    Map<String, String> before = snapshot();

    Cli.Run check = pin("--check");

    assertThat(check.exit()).isEqualTo(2);
    assertThat(check.out()).contains(
        "hosts/a.yaml:9:10: spec.image.ref: \"" + first.pinned() + "\" is stale; the tag now names " + second.digest(),
        "hosts/b.yaml:9:10: spec.image.ref: \"" + other.tagged() + "\" is not pinned; the tag names " + other.digest(),
        "pin --check: 2 to pin of 2 references (run bootfleet pin)");
    assertThat(snapshot()).isEqualTo(before);

    Cli.Run r = pin();
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("repinned hosts/a.yaml:9:10 " + second.pinned());
    assertThat(Files.readString(fleet.resolve("hosts/a.yaml"))).contains(second.pinned()).doesNotContain(first.digest());
    assertThat(Files.exists(fleet.resolve(ImageLock.FILE))).as("no index, no lock").isFalse();
  }

  @Test
  void pin_anyFailure_reportsEveryProblemOnOneLineEach_andWritesNothing() throws Exception {
    TestImages.Image ok = images.push("pin/good-os", "1");
    int down;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      down = s.getLocalPort();
    }
    write("hosts/good.yaml", HOST_TEMPLATE.formatted("good", ok.tagged()));
    write("hosts/tag.yaml", HOST_TEMPLATE.formatted("tag", host + "/pin/good-os:nope"));
    write("hosts/repo.yaml", HOST_TEMPLATE.formatted("repo", host + "/pin/no-such-os:1"));
    write("hosts/bad.yaml", HOST_TEMPLATE.formatted("bad", "good-os:1"));
    write("hosts/down.yaml", HOST_TEMPLATE.formatted("down", "127.0.0.1:" + down + "/pin/os:1"));
    Map<String, String> before = snapshot();

    Cli.Run r = Cli.run("pin", "--repo", fleet.toString(), "--plain-http", host + ",127.0.0.1:" + down,
        "--registry-timeout", "5", "--registry-tries", "2");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).containsExactly(
        "hosts/bad.yaml:9:10: error: spec.image.ref: \"good-os:1\" has no registry (a short name is resolved by"
            + " each host's registries.conf) (expected registry/repo[:tag][@sha256:<64 hex>])",
        "hosts/down.yaml:9:10: error: spec.image.ref: \"127.0.0.1:" + down + "/pin/os:1\": cannot reach http://127.0.0.1:"
            + down + ": connection refused (is the registry running?) (after 2 tries)",
        "hosts/repo.yaml:9:10: error: spec.image.ref: \"" + host + "/pin/no-such-os:1\": repository " + host
            + "/pin/no-such-os does not exist",
        "hosts/tag.yaml:9:10: error: spec.image.ref: \"" + host + "/pin/good-os:nope\": tag \"nope\" does not exist in "
            + host + "/pin/good-os",
        "pin: nothing written (4 errors)");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void pin_registryErrorCodeWithLineBreaksAndEscapes_isOneEscapedLine_notAnInternalError() throws Exception {
    try (HostileRegistry hostile = HostileRegistry.start()) {
      hostile.on("/v2/", (x, self) -> (x.getRequestMethod().equals("HEAD") ? HostileRegistry.status(404)
          : HostileRegistry.json(400, "{\"errors\":[{\"code\":\"X\\r\\nFAKE: pin: 0 errors\\u001b[2J\"}]}"))
          .answer(x, self));
      write("hosts/web.yaml", HOST_TEMPLATE.formatted("web", hostile.host() + "/pin/os:1"));
      Map<String, String> before = snapshot();

      Cli.Run r = Cli.run("pin", "--repo", fleet.toString(), "--plain-http", hostile.host(),
          "--registry-tries", "1");

      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err().lines()).containsExactly(
          "hosts/web.yaml:9:10: error: spec.image.ref: \"" + hostile.host() + "/pin/os:1\": " + hostile.host()
              + " answered HTTP 400 for tag \"1\" (\"X\\r\\nFAKE: pin: 0 errors\\u001B[2J\")",
          "pin: nothing written (1 error)");
      assertThat(snapshot()).isEqualTo(before);
    }
  }

  @Test
  void pin_registryDeadline_endsACommandWhoseRegistryKeepsAnsweringSlowly() throws Exception {
    try (HostileRegistry hostile = HostileRegistry.start()) {
      // Every answer a 503 (a GET's body taking 1.5 s): within --registry-timeout, and retried, for good.
      hostile.on("/v2/", (x, self) -> {
        x.getResponseHeaders().add("Retry-After", "0");
        if (x.getRequestMethod().equals("HEAD")) {
          x.sendResponseHeaders(503, -1);
          return;
        }
        x.sendResponseHeaders(503, 3);
        for (byte b : "{}\n".getBytes(StandardCharsets.UTF_8)) {
          x.getResponseBody().write(b);
          x.getResponseBody().flush();
          try {
            Thread.sleep(500); // the imitation's pace
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      });
      write("hosts/web.yaml", HOST_TEMPLATE.formatted("web", hostile.host() + "/pin/os:1"));

      Cli.Run r = Cli.run("pin", "--repo", fleet.toString(), "--plain-http", hostile.host(),
          "--registry-timeout", "5", "--registry-tries", "1000", "--registry-deadline", "2");

      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err().lines()).containsExactly(
          "hosts/web.yaml:9:10: error: spec.image.ref: \"" + hostile.host() + "/pin/os:1\": gave up on "
              + hostile.host() + ": no time left within the registry deadline of 2 s (--registry-deadline)",
          "pin: nothing written (1 error)");
    }
  }

  @Test
  void pin_commit_commitsOnlyThePinnedFiles_asTheConfiguredAuthor() throws Exception {
    TestImages.Index multi = images.pushIndex("pin/commit-os", "3");
    write("groups/g.yaml", GROUP_TEMPLATE.formatted("g", "edge", multi.tagged()));
    write("notes.txt", "draft\n");
    RevCommit base;
    try (Git git = Git.init().setDirectory(fleet.toFile()).setInitialBranch("main").call()) {
      StoredConfig c = git.getRepository().getConfig();
      c.setString("user", null, "name", "Fleet Bot");
      c.setString("user", null, "email", "bot@fleet.example");
      c.save();
      git.add().addFilepattern(".").call();
      base = git.commit().setMessage("fleet").call();
    }
    Files.writeString(fleet.resolve("notes.txt"), "draft, edited\n");

    Cli.Run r = pin("--commit", "-m", "pin: commit-os 3");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("committed [0-9a-f]{12}");
    try (Git git = Git.open(fleet.toFile())) {
      RevCommit head = git.log().setMaxCount(1).call().iterator().next();
      assertThat(head.getParent(0)).isEqualTo(base);
      assertThat(head.getFullMessage()).isEqualTo("pin: commit-os 3");
      assertThat(head.getAuthorIdent().getName()).isEqualTo("Fleet Bot");
      assertThat(head.getAuthorIdent().getEmailAddress()).isEqualTo("bot@fleet.example");
      var status = git.status().call();
      assertThat(status.getModified()).containsExactly("notes.txt");
      assertThat(status.getUntracked()).isEmpty();
      assertThat(status.getAdded()).isEmpty();
      try (var walk = new org.eclipse.jgit.treewalk.TreeWalk(git.getRepository())) {
        walk.addTree(head.getTree());
        walk.setRecursive(true);
        java.util.List<String> paths = new java.util.ArrayList<>();
        while (walk.next()) {
          paths.add(walk.getPathString());
        }
        assertThat(paths).contains("bootfleet.lock.json", "groups/g.yaml", "notes.txt");
      }
    }
  }

  @Test
  void pin_commitWithoutAGitRepository_failsBeforeAsking() throws Exception {
    write("hosts/a.yaml", HOST_TEMPLATE.formatted("a", host + "/pin/whatever:1"));
    Map<String, String> before = snapshot();

    Cli.Run r = pin("--commit");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("bootfleet: error: --commit: ").contains("is not inside a Git repository");
    assertThat(snapshot()).isEqualTo(before);
  }
}
