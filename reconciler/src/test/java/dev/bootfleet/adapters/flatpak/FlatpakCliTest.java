package dev.bootfleet.adapters.flatpak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.core.manifest.FlatpakInstallation;
import dev.bootfleet.core.observed.FlatpakState;
import dev.bootfleet.core.plan.Action;
import dev.bootfleet.core.port.FlatpakHost;
import dev.bootfleet.core.port.FlatpakHost.FlatpakException;
import dev.bootfleet.testing.FlatpakRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FlatpakCli} against real flatpak: a {@link FlatpakRepo} built once for the class (a runtime,
 * App1 in two commits, App2), installed into the fixture's own user and system installations.
 */
class FlatpakCliTest {
  private static final Set<FlatpakInstallation> USER = EnumSet.of(FlatpakInstallation.USER);
  private static final Set<FlatpakInstallation> BOTH = EnumSet.allOf(FlatpakInstallation.class);
  private static final String APP1 = "org.bootfleet.App1";
  private static final String APP2 = "org.bootfleet.App2";

  private static FlatpakRepo repo;
  private static String app1First;
  private static String app1Second;
  private static String app2;

  private FlatpakCli cli;

  @BeforeAll
  static void buildRepo() throws IOException {
    repo = FlatpakRepo.create();
    app1First = repo.app(APP1);
    app1Second = repo.app(APP1);
    app2 = repo.app(APP2);
  }

  @AfterAll
  static void removeRepo() {
    if (repo != null) {
      repo.close();
    }
  }

  @BeforeEach
  void emptyInstallations() throws IOException {
    repo.resetInstallations();
    cli = new FlatpakCli(List.of(FlatpakRepo.binary().toString()), repo.env(), Duration.ofMinutes(2));
  }

  private void addRemote(String installation) throws Exception {
    cli.apply(new Action.FlatpakRemoteAdd("test", repo.repoFileUrl(), installation, null));
  }

  @Test
  void theFixtureMakesRealCommitsWithHistory() {
    assertThat(List.of(app1First, app1Second, app2)).allMatch(c -> c.matches("[0-9a-f]{64}")).doesNotHaveDuplicates();
  }

  @Test
  void observesEmptyInstallations() throws Exception {
    FlatpakState s = cli.observe(BOTH);

    assertThat(s.remotes()).isEmpty();
    assertThat(s.apps()).isEmpty();
    assertThat(cli.observe(Set.of())).isEqualTo(new FlatpakState(List.of(), List.of()));
  }

  @Test
  void addsARemoteOnceAndARepeatChangesNothing() throws Exception {
    FlatpakHost.Applied first = cli.apply(new Action.FlatpakRemoteAdd("test", repo.repoFileUrl(), "user", null));
    FlatpakHost.Applied again = cli.apply(new Action.FlatpakRemoteAdd("test", repo.repoFileUrl(), "user", null));

    assertThat(first.detail()).isEqualTo("remote-add --if-not-exists; user installation");
    assertThat(again.detail()).doesNotContain("remote-modify");
    assertThat(cli.observe(USER).remotes()).containsExactly(new FlatpakState.Remote("user", "test", repo.url()));
    assertThat(cli.observe(EnumSet.of(FlatpakInstallation.SYSTEM)).remotes()).isEmpty();
  }

  @Test
  void aRemoteWithAnotherUrlGetsTheNewOne() throws Exception {
    addRemote("user");
    repo.flatpak("remote-modify", "--user", "--url=file:///srv/old-repo", "test");

    FlatpakHost.Applied added = cli.apply(new Action.FlatpakRemoteAdd("test", repo.url(), "user", null));
    assertThat(added.detail()).contains("it existed with file:///srv/old-repo: remote-modify --url");
    assertThat(cli.observe(USER).remotes()).containsExactly(new FlatpakState.Remote("user", "test", repo.url()));

    FlatpakHost.Applied moved = cli.apply(new Action.FlatpakRemoteAdd("test", "file:///srv/new-repo", "user",
        repo.url()));
    assertThat(moved.detail()).startsWith("remote-modify --url");
    assertThat(cli.observe(USER).remotes()).containsExactly(
        new FlatpakState.Remote("user", "test", "file:///srv/new-repo"));
  }

  @Test
  void installsTheLatestCommitAndReportsItInFull() throws Exception {
    addRemote("user");

    FlatpakHost.Applied done = cli.apply(new Action.FlatpakInstall(repo.ref(APP1), "test", "user", null));

    assertThat(done.commit()).isEqualTo(app1Second);
    assertThat(done.changed()).isTrue();
    assertThat(cli.observe(USER).apps()).containsExactly(
        new FlatpakState.App("user", APP1, repo.arch(), "stable", "test", app1Second));
    assertThat(cli.isMasked(FlatpakInstallation.USER, repo.ref(APP1))).isFalse();
    // a repeat is harmless: flatpak skips what is installed from the same remote
    assertThat(cli.apply(new Action.FlatpakInstall(repo.ref(APP1), "test", "user", null)).commit())
        .isEqualTo(app1Second);
  }

  @Test
  void aRefWithoutArchMeansTheHostsOwn() throws Exception {
    addRemote("user");

    FlatpakHost.Applied done = cli.apply(new Action.FlatpakInstall("app/" + APP2 + "//stable", "test", "user", null));

    assertThat(done.commit()).isEqualTo(app2);
    assertThat(cli.observe(USER).apps()).extracting(FlatpakState.App::ref).containsExactly(repo.ref(APP2));
  }

  @Test
  void installsAPinnedCommitAndMasksIt() throws Exception {
    addRemote("user");

    FlatpakHost.Applied done = cli.apply(new Action.FlatpakInstall(repo.ref(APP1), "test", "user", app1First));

    assertThat(done.commit()).isEqualTo(app1First);
    assertThat(done.detail()).contains("pinned");
    assertThat(cli.observe(USER).apps()).extracting(FlatpakState.App::commit).containsExactly(app1First);
    assertThat(cli.isMasked(FlatpakInstallation.USER, repo.ref(APP1))).isTrue();
    // what a desktop's update timer runs: the pin holds
    repo.flatpak("update", "--user", "--noninteractive", "-y");
    assertThat(cli.commitOf(FlatpakInstallation.USER, repo.ref(APP1))).isEqualTo(app1First);
  }

  @Test
  void movesAPinForwardAndBackAndKeepsItMasked() throws Exception {
    addRemote("user");
    cli.apply(new Action.FlatpakInstall(repo.ref(APP1), "test", "user", app1First));

    FlatpakHost.Applied forward = cli.apply(new Action.FlatpakUpdate(repo.ref(APP1), "user", app1Second, app1First));
    assertThat(forward.commit()).isEqualTo(app1Second);
    assertThat(cli.observe(USER).apps()).extracting(FlatpakState.App::commit).containsExactly(app1Second);
    assertThat(cli.isMasked(FlatpakInstallation.USER, repo.ref(APP1))).isTrue();

    FlatpakHost.Applied back = cli.apply(new Action.FlatpakUpdate(repo.ref(APP1), "user", app1First, app1Second));
    assertThat(back.commit()).isEqualTo(app1First);
    assertThat(cli.observe(USER).apps()).extracting(FlatpakState.App::commit).containsExactly(app1First);
    assertThat(cli.isMasked(FlatpakInstallation.USER, repo.ref(APP1))).isTrue();
  }

  @Test
  void observeReportsThePin_andDroppingItUnmasksAndFollowsTheBranch() throws Exception {
    addRemote("user");
    cli.apply(new Action.FlatpakInstall(repo.ref(APP1), "test", "user", app1First));
    assertThat(cli.observe(USER).apps()).extracting(FlatpakState.App::masked).containsExactly(true);

    FlatpakHost.Applied unpinned = cli.apply(new Action.FlatpakUpdate(repo.ref(APP1), "user", null, app1First));

    assertThat(unpinned.detail()).contains("unpinned");
    assertThat(cli.isMasked(FlatpakInstallation.USER, repo.ref(APP1))).isFalse();
    FlatpakState.App now = cli.observe(USER).apps().get(0);
    assertThat(now.masked()).isFalse();
    assertThat(now.commit()).as("the branch's newest commit").isEqualTo(app1Second);
  }

  @Test
  void aPinToACommitTheRemoteLacksFailsInOneLineAndStaysMasked() throws Exception {
    addRemote("user");
    cli.apply(new Action.FlatpakInstall(repo.ref(APP1), "test", "user", app1First));
    String missing = "0123456789abcdef".repeat(4);

    assertThatThrownBy(() -> cli.apply(new Action.FlatpakUpdate(repo.ref(APP1), "user", missing, app1First)))
        .isInstanceOf(FlatpakException.class)
        .hasMessageStartingWith("flatpak update --user --noninteractive -y --commit=" + missing + " " + repo.ref(APP1)
            + ": exit 1: ")
        .hasMessageNotContaining("\n");
    assertThat(cli.commitOf(FlatpakInstallation.USER, repo.ref(APP1))).isEqualTo(app1First);
    assertThat(cli.isMasked(FlatpakInstallation.USER, repo.ref(APP1))).isTrue();
  }

  @Test
  void uninstallsAListedAppAndLeavesAnAbsentOneAlone() throws Exception {
    addRemote("user");
    cli.apply(new Action.FlatpakInstall(repo.ref(APP1), "test", "user", null));
    cli.apply(new Action.FlatpakInstall(repo.ref(APP2), "test", "user", null));

    FlatpakHost.Applied gone = cli.apply(new Action.FlatpakUninstall(repo.ref(APP1), "user", null));
    assertThat(gone.changed()).isTrue();
    assertThat(gone.commit()).isEqualTo(app1Second);
    assertThat(cli.observe(USER).apps()).extracting(FlatpakState.App::id).containsExactly(APP2);

    // flatpak itself fails on an absent ref; the adapter does not call it
    assertThatThrownBy(() -> repo.flatpak("uninstall", "--user", "--noninteractive", "-y", repo.ref(APP1)))
        .hasMessageContaining("exit 1");
    FlatpakHost.Applied again = cli.apply(new Action.FlatpakUninstall(repo.ref(APP1), "user", null));
    assertThat(again.changed()).isFalse();
    assertThat(again.detail()).isEqualTo("not installed in the user installation; nothing to do");
    assertThat(cli.observe(USER).apps()).extracting(FlatpakState.App::id).containsExactly(APP2);
  }

  @Test
  void anUnknownRemoteIsOneLineNamingIt() throws Exception {
    addRemote("user");

    assertThatThrownBy(() -> cli.apply(new Action.FlatpakInstall(repo.ref(APP1), "nosuch", "user", null)))
        .isInstanceOf(FlatpakException.class)
        .hasMessage("flatpak install " + repo.ref(APP1) + ": remote nosuch is not configured in the user"
            + " installation (expected a flatpak-remote-add first)");
  }

  @Test
  void aRemoteThatDoesNotAnswerIsOneLine() throws Exception {
    String file = repo.dir().resolve("no-such.flatpakrepo").toUri().toString();
    String url = "file://" + repo.dir().resolve("no-such-repo");

    // a repository file that cannot be read: remote-add fails, and nothing is added
    assertThatThrownBy(() -> cli.apply(new Action.FlatpakRemoteAdd("gone", file, "user", null)))
        .isInstanceOf(FlatpakException.class)
        .hasMessageStartingWith("flatpak remote-add --user --if-not-exists gone " + file + ": exit 1: error: ")
        .hasMessageNotContaining("\n");
    assertThat(cli.observe(USER).remotes()).isEmpty();
    // a repository URL is added without being fetched: installing from it fails, in one line
    cli.apply(new Action.FlatpakRemoteAdd("broken", url, "user", null));
    assertThatThrownBy(() -> cli.apply(new Action.FlatpakInstall(repo.ref(APP1), "broken", "user", null)))
        .isInstanceOf(FlatpakException.class)
        .hasMessageStartingWith("flatpak install --user --noninteractive -y broken " + repo.ref(APP1) + ": exit 1: ")
        .hasMessageNotContaining("\n");
    assertThat(cli.observe(USER).apps()).isEmpty();
  }

  @Test
  void credentialsInAUrlStayOutOfErrors() throws Exception {
    // an unsigned http remote: flatpak's own error names the URL, with the password
    Action.FlatpakRemoteAdd add = new Action.FlatpakRemoteAdd("secret", "http://ops:s3cr3t@127.0.0.1:9/repo", "user",
        null);
    try {
      cli.apply(add);
    } catch (FlatpakException e) {
      assertThat(e.getMessage()).doesNotContain("s3cr3t").contains("http://***@127.0.0.1:9/repo");
    }
    assertThatThrownBy(() -> cli.apply(new Action.FlatpakInstall(repo.ref(APP1), "secret", "user", null)))
        .isInstanceOf(FlatpakException.class)
        .hasMessageNotContaining("s3cr3t")
        .hasMessageNotContaining("\n");
  }

  @Test
  void theSystemInstallationIsSeparate() throws Exception {
    addRemote("system");
    cli.apply(new Action.FlatpakInstall(repo.ref(APP2), "test", "system", null));

    assertThat(cli.observe(EnumSet.of(FlatpakInstallation.SYSTEM)).apps()).containsExactly(
        new FlatpakState.App("system", APP2, repo.arch(), "stable", "test", app2));
    assertThat(cli.observe(USER).apps()).isEmpty();
    assertThat(cli.observe(USER).remotes()).isEmpty();
    assertThat(Files.isDirectory(repo.systemDir().resolve("app/" + APP2))).isTrue();
  }

  @Test
  void theDeployFolderAndInfoShowCommitAgree() throws Exception {
    addRemote("user");
    cli.apply(new Action.FlatpakInstall(repo.ref(APP1), "test", "user", app1First));
    cli.apply(new Action.FlatpakInstall(repo.ref(APP2), "test", "user", null));

    List<FlatpakState.App> apps = cli.observe(USER).apps();

    assertThat(apps).hasSize(2);
    for (FlatpakState.App a : apps) {
      assertThat(a.commit()).isEqualTo(cli.commitOf(FlatpakInstallation.USER, a.ref()));
    }
    assertThat(cli.installationDir(FlatpakInstallation.USER, new FlatpakCli.Row(APP1, repo.arch(), "stable", "test",
        app1First.substring(0, 12)))).isEqualTo(repo.userDir());
  }

  @Test
  void aStaleActiveLinkFallsBackToInfoShowCommit() throws Exception {
    // list's 12 characters do not begin the link's target: the adapter asks flatpak info instead
    FlatpakCli.Row row = new FlatpakCli.Row(APP1, repo.arch(), "stable", "test", "ffffffffffff");
    assertThat(FlatpakCli.activeLink(repo.userDir(), row)).isNull();
    addRemote("user");
    cli.apply(new Action.FlatpakInstall(repo.ref(APP1), "test", "user", null));
    assertThat(FlatpakCli.activeLink(repo.userDir(), row)).isNull();
    assertThat(FlatpakCli.activeLink(repo.userDir(), new FlatpakCli.Row(APP1, repo.arch(), "stable", "test",
        app1Second.substring(0, 12)))).isEqualTo(app1Second);
  }

  @Test
  void aMissingBinaryOrAHangIsOneLine() {
    FlatpakCli missing = new FlatpakCli(List.of("/nonexistent/flatpak"), repo.env(), Duration.ofSeconds(5));
    assertThatThrownBy(() -> missing.observe(USER))
        .isInstanceOf(FlatpakException.class)
        .hasMessageStartingWith("flatpak remotes --user --columns=name,url: cannot start /nonexistent/flatpak: ")
        .hasMessageNotContaining("\n");
    FlatpakCli hangs = new FlatpakCli(List.of("/bin/sh", "-c", "sleep 30"), repo.env(), Duration.ofSeconds(1));
    assertThatThrownBy(() -> hangs.observe(USER))
        .isInstanceOf(FlatpakException.class)
        .hasMessage("flatpak remotes --user --columns=name,url: timed out after 1 s (stopped it)");
  }

  @Test
  void refusesWhatIsNotAFlatpakAction() {
    assertThatThrownBy(() -> cli.apply(new Action.RemoveFile("/etc/x", null, null)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cli.apply(new Action.FlatpakInstall("app/org.x.Y/x86_64/../stable", "test", "user",
        null))).isInstanceOf(FlatpakException.class).hasMessage(
            "flatpak ref app/org.x.Y/x86_64/../stable is not app/ID/ARCH/BRANCH");
  }

  @Test
  void redactsCredentialsInUrls() {
    assertThat(FlatpakCli.redact("https://ops:s3cr3t@example.com/repo and ftp://a@b/c"))
        .isEqualTo("https://***@example.com/repo and ftp://***@b/c");
    assertThat(FlatpakCli.redact("https://dl.flathub.org/repo/")).isEqualTo("https://dl.flathub.org/repo/");
  }
}
