package dev.bootfleet.adapters.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.manifest.FleetLoader;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.manifest.RepoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FleetRepos, GitTreeFiles and WorkTreeFiles over real repositories built with JGit. */
class FleetReposTest {
  @TempDir
  Path tmp;

  private static String text(RepoFiles files, String path) throws Exception {
    return new String(files.read(path, 1024 * 1024), StandardCharsets.UTF_8);
  }

  private static String problem(RepoFiles files, String path) {
    try {
      files.read(path, 1024 * 1024);
    } catch (RepoFiles.FileProblem e) {
      return e.getMessage();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError(path + " was read, but should not be");
  }

  private static List<String> images(Fleet fleet) {
    return fleet.hosts().stream().map(h -> h.name() + "=" + h.image().ref()).toList();
  }

  // --- revisions

  @Test
  void head_readsTheCommittedTree_andNamesTheCommit() throws Exception {
    try (TestRepo r = TestRepo.init(tmp.resolve("repo"))) {
      RevCommit c = r.write("hosts/web-01.yaml", TestRepo.host("web-01", "1")).commit("one");
      try (FleetRepos repos = FleetRepos.open(r.dir.toString())) {
        RepoFiles files = repos.files("HEAD");
        assertThat(files.revision()).isEqualTo("HEAD@sha1:" + c.name());
        assertThat(files.manifestFiles()).containsExactly("hosts/web-01.yaml");
        assertThat(text(files, "hosts/web-01.yaml")).isEqualTo(TestRepo.host("web-01", "1"));
      }
    }
  }

  @Test
  void olderCommit_isRead_bySha_byTag_andByBranch_whileTheWorkingTreeDiffers() throws Exception {
    try (TestRepo r = TestRepo.init(tmp.resolve("repo"))) {
      RevCommit first = r.write("hosts/web-01.yaml", TestRepo.host("web-01", "1"))
          .write("hosts/db-01.yaml", TestRepo.host("db-01", "1")).commit("first");
      r.tag("v1");
      RevCommit second = r.write("hosts/web-01.yaml", TestRepo.host("web-01", "2"))
          .write("hosts/web-02.yaml", TestRepo.host("web-02", "2")).delete("hosts/db-01.yaml").commit("second");
      r.write("hosts/web-01.yaml", TestRepo.host("web-01", "3")).write("hosts/web-03.yaml",
          TestRepo.host("web-03", "3")); // not committed

      try (FleetRepos repos = FleetRepos.open(r.dir.toString())) {
        RepoFiles bySha = repos.files(first.name());
        assertThat(bySha.revision()).as("a hash is its own label").isEqualTo("sha1:" + first.name());
        assertThat(bySha.manifestFiles()).containsExactly("hosts/db-01.yaml", "hosts/web-01.yaml");
        assertThat(text(bySha, "hosts/web-01.yaml")).contains("os:1@");

        RepoFiles byTag = repos.files("v1");
        assertThat(byTag.revision()).as("an annotated tag names its commit").isEqualTo("v1@sha1:" + first.name());
        assertThat(images(FleetLoader.load(byTag, FleetLoader.Options.DEFAULT))).containsExactly(
            "db-01=quay.io/example/os:1@" + TestRepo.DIGEST, "web-01=quay.io/example/os:1@" + TestRepo.DIGEST);

        RepoFiles byShortSha = repos.files(first.name().substring(0, 10));
        assertThat(byShortSha.revision()).isEqualTo("sha1:" + first.name());
        assertThat(byShortSha.manifestFiles()).containsExactly("hosts/db-01.yaml", "hosts/web-01.yaml");

        RepoFiles main = repos.files("main");
        assertThat(main.revision()).isEqualTo("main@sha1:" + second.name());
        assertThat(images(FleetLoader.load(main, FleetLoader.Options.DEFAULT))).containsExactly(
            "web-01=quay.io/example/os:2@" + TestRepo.DIGEST, "web-02=quay.io/example/os:2@" + TestRepo.DIGEST);

        RepoFiles parent = repos.files("main~1");
        assertThat(parent.revision()).isEqualTo("main~1@sha1:" + first.name());

        RepoFiles disk = repos.files(null);
        assertThat(disk.revision()).isEqualTo("worktree:" + r.dir.toAbsolutePath());
        assertThat(disk.manifestFiles()).containsExactly("hosts/web-01.yaml", "hosts/web-02.yaml",
            "hosts/web-03.yaml");
        assertThat(text(disk, "hosts/web-01.yaml")).contains("os:3@");
      }
    }
  }

  @Test
  void unknownRevision_isOneLine_naming_whatIsExpected() throws Exception {
    try (TestRepo r = TestRepo.init(tmp.resolve("repo"))) {
      r.write("hosts/web-01.yaml", TestRepo.host("web-01", "1")).commit("one");
      try (FleetRepos repos = FleetRepos.open(r.dir.toString())) {
        for (String rev : List.of("nope", "v9", "0123456789abcdef0123456789abcdef01234567", "main^{", "a..b",
            "HEAD:hosts")) {
          assertThatThrownBy(() -> repos.files(rev)).isInstanceOf(FleetRepos.RepoException.class)
              .hasMessage("--rev " + rev + ": unknown revision (expected a branch, tag or commit)");
        }
        assertThatThrownBy(() -> repos.files("--base", "nope")).isInstanceOf(FleetRepos.RepoException.class)
            .hasMessage("--base nope: unknown revision (expected a branch, tag or commit)");
      }
    }
  }

  @Test
  void revision_ofAFolderThatIsNotARepository_isOneLine() throws Exception {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(plain.resolve("a.yaml"), TestRepo.host("web-01", "1"));
    try (FleetRepos repos = FleetRepos.open(plain.toString())) {
      assertThat(repos.files(null).manifestFiles()).containsExactly("a.yaml");
      assertThatThrownBy(() -> repos.files("main")).isInstanceOf(FleetRepos.RepoException.class)
          .hasMessage("--rev main: " + plain + " is not a Git repository");
    }
    assertThatThrownBy(() -> FleetRepos.open(tmp.resolve("missing").toString()))
        .isInstanceOf(FleetRepos.RepoException.class)
        .hasMessage("--repo " + tmp.resolve("missing") + ": no such folder (expected a folder, a Git"
            + " repository or a URL)");
    Path file = Files.writeString(tmp.resolve("fleet.yaml"), TestRepo.host("web-01", "1"));
    assertThatThrownBy(() -> FleetRepos.open(file.toString())).isInstanceOf(FleetRepos.RepoException.class)
        .hasMessage("--repo " + file + ": not a folder (expected a folder, a Git repository or a URL)");
  }

  @Test
  void fileUrl_thatIsMissingOrNoRepository_namesThePath_notAnInvalidRemote() throws Exception {
    Path missing = tmp.resolve("nonexistent");
    Path plain = Files.createDirectories(tmp.resolve("plain"));

    assertThatThrownBy(() -> FleetRepos.open(missing.toUri().toString())).isInstanceOf(FleetRepos.RepoException.class)
        .hasMessage("--repo " + missing.toUri() + ": " + missing + " does not exist (expected a Git repository)");
    assertThatThrownBy(() -> FleetRepos.open(plain.toUri().toString())).isInstanceOf(FleetRepos.RepoException.class)
        .hasMessage("--repo " + plain.toUri() + ": " + plain + " is not a Git repository");
  }

  @Test
  void fileUrl_ofARepository_isCloned() throws Exception {
    try (TestRepo r = TestRepo.init(tmp.resolve("repo"))) {
      r.write("hosts/web-01.yaml", TestRepo.host("web-01", "1")).commit("one");
      try (FleetRepos repos = FleetRepos.open(r.dir.toUri().toString())) {
        assertThat(repos.files(null).manifestFiles()).containsExactly("hosts/web-01.yaml");
      }
    }
  }

  // --- which files are manifests

  @Test
  void bootfleetignore_andDotFolders_areHonoured_inACommit_andOnDisk_alike() throws Exception {
    try (TestRepo r = TestRepo.init(tmp.resolve("repo"))) {
      r.write(".bootfleetignore", "# not manifests\nobserved/\n*.draft.yaml\n!keep.draft.yaml\n/top-only.yaml\n")
          .write("hosts/web-01.yaml", "x").write("hosts/web.yml", "x").write("hosts/new.draft.yaml", "x")
          .write("hosts/keep.draft.yaml", "x").write("observed/web-01.yaml", "x")
          .write("deep/observed/x.yaml", "x").write("top-only.yaml", "x").write("sub/top-only.yaml", "x")
          .write(".github/workflows/ci.yaml", "x").write("hosts/.hidden/x.yaml", "x")
          .write("hosts/.secret.yaml", "x").write("README.md", "x").write("hosts/notes.yaml.bak", "x");
      r.commit("files");
      List<String> expected = List.of("hosts/keep.draft.yaml", "hosts/web-01.yaml", "hosts/web.yml",
          "sub/top-only.yaml");
      try (FleetRepos repos = FleetRepos.open(r.dir.toString())) {
        assertThat(repos.files("HEAD").manifestFiles()).containsExactlyElementsOf(expected);
        assertThat(repos.files(null).manifestFiles()).containsExactlyElementsOf(expected);
      }
    }
  }

  @Test
  void fleetInASubfolder_atARevision_seesOnlyThatFolder() throws Exception {
    try (TestRepo r = TestRepo.init(tmp.resolve("repo"))) {
      r.write("fleet/hosts/a.yaml", TestRepo.host("a", "1"))
          .write("fleet/.bootfleetignore", "drafts/\n")
          .write("fleet/drafts/d.yaml", "x")
          .write("fleet/files/motd", "hello\n")
          .link("fleet/files/escape", "../../other/secret")
          .write("fleet-old/hosts/z.yaml", TestRepo.host("z", "1"))
          .write("other/hosts/b.yaml", TestRepo.host("b", "1"))
          .write("other/secret", "not the fleet's\n")
          .write("hosts/c.yaml", TestRepo.host("c", "1"))
          .write(".bootfleetignore", "fleet/\n");
      RevCommit c = r.commit("monorepo");
      r.write("fleet/hosts/uncommitted.yaml", TestRepo.host("u", "1"));

      try (FleetRepos repos = FleetRepos.open(r.dir.resolve("fleet").toString())) {
        RepoFiles files = repos.files("HEAD");
        assertThat(files.revision()).isEqualTo("HEAD@sha1:" + c.name());
        assertThat(files.manifestFiles()).containsExactly("hosts/a.yaml");
        assertThat(text(files, "files/motd")).isEqualTo("hello\n");
        assertThat(problem(files, "../other/secret")).startsWith("does not exist in HEAD@sha1:");
        assertThat(problem(files, "other/secret")).startsWith("does not exist in HEAD@sha1:");
        assertThat(problem(files, "files/escape"))
            .isEqualTo("leaves the repository through a symbolic link (files/escape -> ../../other/secret)");

        RepoFiles disk = repos.files(null);
        assertThat(disk.manifestFiles()).containsExactly("hosts/a.yaml", "hosts/uncommitted.yaml");
        assertThat(problem(disk, "files/escape"))
            .isEqualTo("leaves the repository through a symbolic link (files/escape -> ../../other/secret)");
      }
    }
  }

  // --- symbolic links

  @Test
  void symlinks_insideTheTree_areFollowed() throws Exception {
    try (TestRepo r = TestRepo.init(tmp.resolve("repo"))) {
      r.write("shared/chrony.conf", "pool example.org\n")
          .link("files/chrony.conf", "../shared/chrony.conf")
          .link("files/again.conf", "chrony.conf")
          .link("files/shared", "../shared")
          .link("files/top", "..")
          .link("hosts/web-01.yaml", "../shared/web-01.txt")
          .write("shared/web-01.txt", TestRepo.host("web-01", "1"));
      r.commit("links");
      try (FleetRepos repos = FleetRepos.open(r.dir.toString())) {
        for (RepoFiles files : List.of(repos.files("HEAD"), repos.files(null))) {
          assertThat(text(files, "files/chrony.conf")).as(files.revision()).isEqualTo("pool example.org\n");
          assertThat(text(files, "files/again.conf")).as("a chain").isEqualTo("pool example.org\n");
          assertThat(text(files, "files/shared/chrony.conf")).as("a folder link").isEqualTo("pool example.org\n");
          assertThat(text(files, "files/top/shared/chrony.conf")).as("a link to the top").isEqualTo(
              "pool example.org\n");
          assertThat(problem(files, "files/top")).isEqualTo("is a folder, not a file");
          assertThat(files.manifestFiles()).contains("hosts/web-01.yaml");
          assertThat(images(FleetLoader.load(files, FleetLoader.Options.DEFAULT)))
              .containsExactly("web-01=quay.io/example/os:1@" + TestRepo.DIGEST);
        }
      }
    }
  }

  @Test
  void symlinks_leavingTheTree_areRefused_absoluteOrByDotDot() throws Exception {
    Path outside = Files.writeString(tmp.resolve("outside.txt"), "secret\n");
    try (TestRepo r = TestRepo.init(tmp.resolve("repo"))) {
      r.write("hosts/web-01.yaml", TestRepo.host("web-01", "1"))
          .link("files/abs.conf", outside.toString())
          .link("files/up.conf", "../../outside.txt")
          .link("files/up", "../..")
          .link("files/loop-a", "loop-b")
          .link("files/loop-b", "loop-a");
      r.commit("escapes");
      try (FleetRepos repos = FleetRepos.open(r.dir.toString())) {
        RepoFiles git = repos.files("HEAD");
        assertThat(problem(git, "files/abs.conf"))
            .isEqualTo("leaves the repository through a symbolic link (files/abs.conf -> " + outside + ")");
        assertThat(problem(git, "files/up.conf"))
            .isEqualTo("leaves the repository through a symbolic link (files/up.conf -> ../../outside.txt)");
        assertThat(problem(git, "files/up/outside.txt"))
            .isEqualTo("leaves the repository through a symbolic link (files/up -> ../..)");
        assertThat(problem(git, "files/loop-a")).isEqualTo("has too many levels of symbolic links (a loop?)");

        RepoFiles disk = repos.files(null);
        assertThat(problem(disk, "files/abs.conf"))
            .isEqualTo("leaves the repository through a symbolic link (files/abs.conf -> " + outside + ")");
        assertThat(problem(disk, "files/up.conf"))
            .isEqualTo("leaves the repository through a symbolic link (files/up.conf -> ../../outside.txt)");
        assertThat(problem(disk, "files/up/outside.txt"))
            .isEqualTo("leaves the repository through a symbolic link (files/up -> ../..)");
        assertThat(problem(disk, "files/loop-a")).isEqualTo("has too many levels of symbolic links (a loop?)");
      }
    }
  }

  @Test
  void sourceThroughAnEscapingLink_isAProblemLine_whenLoadingACommit() throws Exception {
    try (TestRepo r = TestRepo.init(tmp.resolve("repo"))) {
      r.write("hosts/web-01.yaml", TestRepo.host("web-01", "1") + """
            etc:
              - path: /etc/passwd
                source: ../files/passwd
          """).link("files/passwd", "/etc/passwd");
      r.commit("sneaky");
      try (FleetRepos repos = FleetRepos.open(r.dir.toString())) {
        Fleet fleet = FleetLoader.load(repos.files("HEAD"), FleetLoader.Options.DEFAULT);
        assertThat(fleet.problems()).extracting(Problem::format).containsExactly(
            "hosts/web-01.yaml:10:15: error: spec.etc[0].source: \"../files/passwd\" (files/passwd) leaves the"
                + " repository through a symbolic link (files/passwd -> /etc/passwd)");
        assertThat(fleet.hosts()).extracting(DesiredHost::name).isEmpty();
      }
    }
  }

  @Test
  void read_aFolder_aMissingFile_andATooLargeOne() throws Exception {
    try (TestRepo r = TestRepo.init(tmp.resolve("repo"))) {
      RevCommit c = r.write("files/a.conf", "x".repeat(3000)).commit("files");
      try (FleetRepos repos = FleetRepos.open(r.dir.toString())) {
        RepoFiles git = repos.files("HEAD");
        RepoFiles disk = repos.files(null);
        assertThat(problem(git, "files")).isEqualTo("is a folder, not a file");
        assertThat(problem(disk, "files")).isEqualTo("is a folder, not a file");
        assertThat(problem(git, "files/b.conf")).isEqualTo("does not exist in HEAD@sha1:" + c.name());
        assertThat(problem(disk, "files/b.conf")).isEqualTo("does not exist");
        for (RepoFiles files : List.of(git, disk)) {
          assertThatThrownBy(() -> files.read("files/a.conf", 2048)).isInstanceOf(RepoFiles.FileProblem.class)
              .hasMessage("is larger than 2 KiB (3000 bytes)");
          assertThatThrownBy(() -> files.read("files/a.conf", 100)).isInstanceOf(RepoFiles.FileProblem.class)
              .hasMessage("is larger than 100 bytes (3000 bytes)");
          assertThat(files.read("files/a.conf", 3000)).hasSize(3000);
        }
      }
    }
  }

  // --- URLs

  private static Set<Path> clones() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("bootfleet-clone-")).collect(Collectors.toSet());
    }
  }

  @Test
  void fileUrl_isClonedIntoATemporaryFolder_thatCloseRemoves() throws Exception {
    try (TestRepo r = TestRepo.init(tmp.resolve("origin"))) {
      RevCommit first = r.write("hosts/web-01.yaml", TestRepo.host("web-01", "1")).commit("first");
      r.tag("v1");
      RevCommit second = r.write("hosts/web-01.yaml", TestRepo.host("web-01", "2")).commit("second");
      r.git.branchCreate().setName("staging").setStartPoint(first).call();

      Set<Path> before = clones();
      FleetRepos repos = FleetRepos.open(r.dir.toUri().toString());
      Set<Path> during = clones();
      during.removeAll(before);
      assertThat(during).hasSize(1);
      try {
        assertThat(repos.files(null).revision()).isEqualTo("HEAD@sha1:" + second.name());
        assertThat(repos.files("main").revision()).isEqualTo("main@sha1:" + second.name());
        assertThat(repos.files("staging").revision()).isEqualTo("staging@sha1:" + first.name());
        assertThat(repos.files("v1").revision()).isEqualTo("v1@sha1:" + first.name());
        assertThat(images(FleetLoader.load(repos.files("v1"), FleetLoader.Options.DEFAULT)))
            .containsExactly("web-01=quay.io/example/os:1@" + TestRepo.DIGEST);
        assertThatThrownBy(() -> repos.files("nope")).isInstanceOf(FleetRepos.RepoException.class)
            .hasMessage("--rev nope: unknown revision (expected a branch, tag or commit)");
        assertThatThrownBy(() -> repos.files("main^{")).isInstanceOf(FleetRepos.RepoException.class)
            .hasMessage("--rev main^{: unknown revision (expected a branch, tag or commit)");
      } finally {
        repos.close();
      }
      assertThat(during.iterator().next()).doesNotExist();
    }
  }

  @Test
  void badUrl_isOneLine_andLeavesNoTemporaryFolder() throws Exception {
    Set<Path> before = clones();
    String url = "http://127.0.0.1:1/fleet.git"; // nothing listens on port 1
    assertThatThrownBy(() -> FleetRepos.open(url)).isInstanceOf(FleetRepos.RepoException.class)
        .hasMessageStartingWith("--repo " + url + ": cannot clone: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(clones()).isEqualTo(before);
  }

  @Test
  void isUrl_tellsUrlsFromPaths() {
    assertThat(FleetRepos.isUrl("https://example.org/fleet.git")).isTrue();
    assertThat(FleetRepos.isUrl("file:///srv/fleet")).isTrue();
    assertThat(FleetRepos.isUrl("git@example.org:ops/fleet.git")).isTrue();
    assertThat(FleetRepos.isUrl("/srv/fleet")).isFalse();
    assertThat(FleetRepos.isUrl("fleet")).isFalse();
    assertThat(FleetRepos.isUrl("./a:b")).isFalse();
  }
}
