package dev.bootfleet.app.agent;

import dev.bootfleet.core.status.SyncStatus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.adapters.flatpak.FlatpakCli;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.FlatpakApp;
import dev.bootfleet.core.manifest.FlatpakInstallation;
import dev.bootfleet.core.manifest.FlatpakRemote;
import dev.bootfleet.core.manifest.Flatpaks;
import dev.bootfleet.core.observed.EtcReport;
import dev.bootfleet.core.observed.EtcReportParser;
import dev.bootfleet.core.observed.FlatpakState;
import dev.bootfleet.core.plan.Action;
import dev.bootfleet.core.plan.HostPlan;

import dev.bootfleet.core.plan.Observation;
import dev.bootfleet.core.plan.Planner;
import dev.bootfleet.core.render.EtcReportJson;
import dev.bootfleet.testing.FlatpakRepo;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's Flatpak side against real flatpak and a {@link FlatpakRepo} built once for the class. */
class FlatpakApplierTest {
  private static final String APP1 = "org.bootfleet.App1";
  private static final String APP2 = "org.bootfleet.App2";
  private static final String APP3 = "org.bootfleet.App3";

  private static FlatpakRepo repo;
  private static String app1First;
  private static String app1Second;
  private static String app2;

  private FlatpakCli cli;
  private FlatpakApplier applier;
  private CycleReport rep;

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
    applier = new FlatpakApplier(cli);
    rep = new CycleReport("desk-01", Instant.EPOCH, "boot", new PrintStream(OutputStream.nullOutputStream()));
  }

  private static DesiredHost desired(Flatpaks flatpaks) {
    DesiredHost d = EtcKillDrill.desired(0);
    return new DesiredHost(d.name(), d.labels(), d.image(), d.etc(), d.kargs(), d.driver(), d.packages(), flatpaks,
        d.groups(), d.file());
  }

  private static Flatpaks userApps(String... ids) {
    return new Flatpaks(List.of(new FlatpakRemote("test", repo.repoFileUrl(), FlatpakInstallation.USER)),
        java.util.Arrays.stream(ids).map(id -> new FlatpakApp(id, null, "stable", "test", FlatpakInstallation.USER,
            null, false)).toList());
  }

  private static HostPlan plan(Action... actions) {
    return new HostPlan("desk-01", SyncStatus.DRIFTED, "Flatpaks differ", List.of(actions), List.of(), null, null);
  }

  @Test
  void observesNothingWhenGitDeclaresNoFlatpaks() {
    assertThat(applier.observe(desired(Flatpaks.NONE), rep)).isNull();
    assertThat(FlatpakApplier.installations(null)).isEmpty();
    assertThat(rep.problems()).isEmpty();
  }

  @Test
  void observesOnlyTheInstallationsGitUses() throws Exception {
    repo.flatpak("remote-add", "--system", "--no-gpg-verify", "sys", repo.url());
    repo.flatpak("install", "--system", "--noninteractive", "-y", "sys", repo.ref(APP2));

    FlatpakState user = applier.observe(desired(userApps(APP1)), rep);
    assertThat(user.remotes()).isEmpty();
    assertThat(user.apps()).isEmpty();

    Flatpaks both = new Flatpaks(List.of(new FlatpakRemote("sys", repo.url(), FlatpakInstallation.SYSTEM)),
        List.of(new FlatpakApp(APP1, null, "stable", "test", FlatpakInstallation.USER, null, false)));
    FlatpakState s = applier.observe(desired(both), rep);
    assertThat(s.remotes()).containsExactly(new FlatpakState.Remote("system", "sys", repo.url()));
    assertThat(s.apps()).containsExactly(new FlatpakState.App("system", APP2, repo.arch(), "stable", "sys", app2));
    assertThat(rep.problems()).isEmpty();
  }

  @Test
  void anUnreadableFlatpakIsAProblemAndNoState() {
    FlatpakApplier broken = new FlatpakApplier(new FlatpakCli(List.of("/nonexistent/flatpak"), repo.env(),
        Duration.ofSeconds(5)));

    assertThat(broken.observe(desired(userApps(APP1)), rep)).isNull();
    assertThat(rep.problems()).singleElement().asString()
        .startsWith("flatpak remotes --user --columns=name,url: cannot start /nonexistent/flatpak");
  }

  @Test
  void carriesOutThePlansFlatpakActionsAndReportsFullCommits() throws Exception {
    HostPlan plan = plan(
        new Action.RemoveFile("/etc/motd", null, null),
        new Action.FlatpakRemoteAdd("test", repo.repoFileUrl(), "user", null),
        new Action.FlatpakInstall(repo.ref(APP1), "test", "user", app1First),
        new Action.FlatpakInstall("app/" + APP2 + "//stable", "test", "user", null),
        new Action.FlatpakUninstall(repo.ref(APP3), "user", null));

    boolean changed = applier.apply(plan, rep);

    assertThat(changed).isTrue();
    assertThat(rep.problems()).isEmpty();
    assertThat(rep.steps()).extracting(CycleReport.Step::type, CycleReport.Step::target, CycleReport.Step::result)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("flatpak-remote-add", "test " + repo.repoFileUrl(), "done"),
            org.assertj.core.groups.Tuple.tuple("flatpak-install", repo.ref(APP1), "done"),
            org.assertj.core.groups.Tuple.tuple("flatpak-install", "app/" + APP2 + "//stable", "done"),
            org.assertj.core.groups.Tuple.tuple("flatpak-uninstall", repo.ref(APP3), "skipped"));
    assertThat(rep.steps().get(1).detail()).startsWith("commit " + app1First + "; installed from test;")
        .contains("pinned");
    assertThat(rep.steps().get(2).detail()).startsWith("commit " + app2 + ";");
    assertThat(rep.steps().get(3).detail()).isEqualTo("not installed in the user installation; nothing to do");

    FlatpakState now = applier.observe(desired(userApps(APP1, APP2)), rep);
    assertThat(now.apps()).containsExactlyInAnyOrder(
        new FlatpakState.App("user", APP1, repo.arch(), "stable", "test", app1First, true), // pinned: masked
        new FlatpakState.App("user", APP2, repo.arch(), "stable", "test", app2));
  }

  @Test
  void movesAPinAndRemovesAnAppInALaterCycle() throws Exception {
    applier.apply(plan(new Action.FlatpakRemoteAdd("test", repo.repoFileUrl(), "user", null),
        new Action.FlatpakInstall(repo.ref(APP1), "test", "user", app1First),
        new Action.FlatpakInstall(repo.ref(APP2), "test", "user", null)), rep);

    CycleReport next = new CycleReport("desk-01", Instant.EPOCH, "boot", new PrintStream(OutputStream.nullOutputStream()));
    boolean changed = applier.apply(plan(new Action.FlatpakUpdate(repo.ref(APP1), "user", app1Second, app1First),
        new Action.FlatpakUninstall(repo.ref(APP2), "user", app2)), next);

    assertThat(changed).isTrue();
    assertThat(next.steps()).extracting(CycleReport.Step::result).containsExactly("done", "done");
    assertThat(next.steps().get(0).detail()).startsWith("commit " + app1Second + "; updated from " + app1First);
    assertThat(next.steps().get(1).detail()).startsWith("commit " + app2 + "; uninstalled");
    assertThat(applier.observe(desired(userApps(APP1)), next).apps()).containsExactly(
        new FlatpakState.App("user", APP1, repo.arch(), "stable", "test", app1Second, true));
  }

  @Test
  void aFailedRemoteSkipsItsInstallsAndTheOthersGoOn() throws Exception {
    applier.apply(plan(new Action.FlatpakRemoteAdd("test", repo.repoFileUrl(), "user", null)), rep);
    String nowhere = repo.dir().resolve("nowhere.flatpakrepo").toUri().toString(); // remote-add fails

    boolean changed = applier.apply(plan(
        new Action.FlatpakRemoteAdd("broken", nowhere, "user", null),
        new Action.FlatpakInstall(repo.ref(APP1), "broken", "user", null),
        new Action.FlatpakInstall(repo.ref(APP2), "nosuch", "user", null),
        new Action.FlatpakInstall(repo.ref(APP1), "test", "user", null)), rep);

    assertThat(changed).isTrue();
    assertThat(rep.steps()).extracting(CycleReport.Step::result)
        .containsExactly("done", "failed", "skipped", "failed", "done");
    assertThat(rep.steps().get(2).detail()).isEqualTo("adding remote broken failed in this cycle");
    assertThat(rep.problems()).hasSize(2).allSatisfy(p -> assertThat(p).doesNotContain("\n"));
    assertThat(rep.problems().get(1)).isEqualTo("flatpak install " + repo.ref(APP2) + ": remote nosuch is not"
        + " configured in the user installation (expected a flatpak-remote-add first)");
    assertThat(applier.observe(desired(userApps(APP1)), rep).apps()).extracting(FlatpakState.App::commit)
        .containsExactly(app1Second);
  }

  @Test
  void theObservedStateGoesIntoTheEtcReportAndBack() throws Exception {
    applier.apply(plan(new Action.FlatpakRemoteAdd("test", repo.repoFileUrl(), "user", null),
        new Action.FlatpakInstall(repo.ref(APP1), "test", "user", app1First)), rep);
    FlatpakState s = applier.observe(desired(userApps(APP1)), rep);

    EtcReport report = new EtcReport("desk-01", List.of(), null, s);
    EtcReport back = EtcReportParser.parse(EtcReportJson.render(report), "desk-01.etc.json");

    assertThat(back).isEqualTo(report);
    assertThat(back.flatpak().apps()).singleElement().extracting(FlatpakState.App::commit).isEqualTo(app1First);
  }

  /** One agent cycle's Flatpak part: observe, plan with the real planner, apply; returns the plan. */
  private HostPlan cycle(DesiredHost want, CycleReport r) {
    FlatpakState s = applier.observe(want, r);
    HostPlan p = new Planner(Clock.systemUTC()).planHost(want, new Observation(BootcHosts.bootedDesired(want),
        new EtcReport(want.name(), List.of(), null, s)));
    applier.apply(p, r);
    return p;
  }

  private static List<Action> flatpakActions(HostPlan p) {
    return p.actions().stream().filter(Action::isFlatpak).toList();
  }

  @Test
  void convergesWithThePlannerAndThenPlansNothing() throws Exception {
    DesiredHost want = desired(new Flatpaks(List.of(new FlatpakRemote("test", repo.repoFileUrl(), FlatpakInstallation.USER)),
        List.of(new FlatpakApp(APP1, null, "stable", "test", FlatpakInstallation.USER, app1First, false),
            new FlatpakApp(APP2, null, "stable", "test", FlatpakInstallation.USER, null, false))));

    HostPlan first = cycle(want, rep);
    assertThat(flatpakActions(first)).extracting(Action::type)
        .containsExactly("flatpak-remote-add", "flatpak-install", "flatpak-install");
    assertThat(rep.problems()).isEmpty();
    assertThat(flatpakActions(cycle(want, rep))).isEmpty();

    // Git moves the pin and drops App2
    DesiredHost next = desired(new Flatpaks(want.flatpak().remotes(),
        List.of(new FlatpakApp(APP1, null, "stable", "test", FlatpakInstallation.USER, app1Second, false),
            new FlatpakApp(APP2, null, "stable", null, FlatpakInstallation.USER, null, true))));
    HostPlan moved = cycle(next, rep);
    assertThat(flatpakActions(moved)).extracting(Action::type).containsExactly("flatpak-update", "flatpak-uninstall");
    assertThat(rep.problems()).isEmpty();
    assertThat(flatpakActions(cycle(next, rep))).isEmpty();
    assertThat(applier.observe(next, rep).apps()).containsExactly(
        new FlatpakState.App("user", APP1, repo.arch(), "stable", "test", app1Second, true));
    assertThat(repo.flatpak("mask", "--user")).contains(repo.ref(APP1));
  }

  @Test
  void stepsNeverShowUrlCredentials() {
    assertThat(FlatpakApplier.redact("https://ops:s3cr3t@repo.example/x")).isEqualTo("https://***@repo.example/x");
  }
}
