package dev.bootfleet.core.plan;

import dev.bootfleet.core.status.SyncStatus;

import static dev.bootfleet.core.plan.Hosts.NEW;
import static dev.bootfleet.core.plan.Hosts.OLD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.FlatpakApp;
import dev.bootfleet.core.manifest.FlatpakInstallation;
import dev.bootfleet.core.manifest.FlatpakRemote;
import dev.bootfleet.core.manifest.Flatpaks;
import dev.bootfleet.core.manifest.HostDriverKind;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.ImageSpec;
import dev.bootfleet.core.manifest.Kargs;
import dev.bootfleet.core.manifest.Packages;
import dev.bootfleet.core.manifest.Transport;
import dev.bootfleet.core.observed.EtcReport;
import dev.bootfleet.core.observed.FlatpakState;
import dev.bootfleet.core.observed.ObservedHost;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Flatpak remotes and apps against the agent's report: live changes, for any driver, even when held. */
class PlannerFlatpakTest {
  static final String C1 = "1".repeat(64);
  static final String C2 = "2".repeat(64);
  static final FlatpakInstallation SYSTEM = FlatpakInstallation.SYSTEM;
  static final FlatpakRemote FLATHUB = new FlatpakRemote("flathub", "https://dl.flathub.org/repo/", SYSTEM);
  private final Planner planner = new Planner(PlannerTest.CLOCK);

  static DesiredHost want(String image, List<FlatpakRemote> remotes, List<FlatpakApp> apps) {
    return new DesiredHost("h1", Map.of(), new ImageSpec(image, Transport.REGISTRY, false, ImageRef.parse(image)),
        List.of(), Kargs.NONE, HostDriverKind.AUTO, Packages.NONE, new Flatpaks(remotes, apps), List.of(),
        "hosts/h1.yaml");
  }

  static FlatpakApp app(String id, String commit) {
    return new FlatpakApp(id, null, "stable", "flathub", SYSTEM, commit, false);
  }

  static FlatpakState.App installed(String id, String origin, String commit) {
    return new FlatpakState.App("system", id, "x86_64", "stable", origin, commit);
  }

  static EtcReport report(List<FlatpakState.Remote> remotes, List<FlatpakState.App> apps) {
    return new EtcReport("h1", List.of(), null, new FlatpakState(remotes, apps));
  }

  static final FlatpakState.Remote HAVE_FLATHUB =
      new FlatpakState.Remote("system", "flathub", "https://dl.flathub.org/repo");

  HostPlan plan(DesiredHost want, ObservedHost host, EtcReport report) {
    return planner.planHost(want, new Observation(host, report));
  }

  @Test
  void missingRemoteAndApp_areAddedLive_withoutReboot() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(RpmOstreeDoc.unverified(NEW)).parse();

    HostPlan plan = plan(want(NEW, List.of(FLATHUB), List.of(app("org.mozilla.firefox", null))), host,
        report(List.of(), List.of()));

    assertThat(plan.status()).isEqualTo(SyncStatus.DRIFTED);
    assertThat(plan.actions()).extracting(Action::type).containsExactly("flatpak-remote-add", "flatpak-install");
    Action.FlatpakInstall i = (Action.FlatpakInstall) plan.actions().get(1);
    assertThat(i.ref()).isEqualTo("app/org.mozilla.firefox//stable");
    assertThat(i.remote()).isEqualTo("flathub");
    assertThat(plan.reason()).isEqualTo("2 Flatpak changes");
  }

  @Test
  void sameRemoteUrlUpToATrailingSlash_andUnpinnedApp_areInSync() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(RpmOstreeDoc.unverified(NEW)).parse();

    HostPlan plan = plan(want(NEW, List.of(FLATHUB), List.of(app("org.mozilla.firefox", null))), host,
        report(List.of(HAVE_FLATHUB), List.of(installed("org.mozilla.firefox", "flathub", C1))));

    assertThat(plan.status()).isEqualTo(SyncStatus.IN_SYNC);
  }

  @Test
  void remoteWithAnotherUrl_isModified() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(RpmOstreeDoc.unverified(NEW)).parse();

    HostPlan plan = plan(want(NEW, List.of(FLATHUB), List.of()), host,
        report(List.of(new FlatpakState.Remote("system", "flathub", "https://mirror.example/repo")), List.of()));

    Action.FlatpakRemoteAdd r = (Action.FlatpakRemoteAdd) plan.actions().get(0);
    assertThat(r.previousUrl()).isEqualTo("https://mirror.example/repo");
  }

  @Test
  void remoteAddedFromARepoFile_comparesByPresence() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(RpmOstreeDoc.unverified(NEW)).parse();
    FlatpakRemote byFile = new FlatpakRemote("flathub", "https://dl.flathub.org/repo/flathub.flatpakrepo", SYSTEM);

    HostPlan present = plan(want(NEW, List.of(byFile), List.of()), host, report(List.of(HAVE_FLATHUB), List.of()));
    HostPlan missing = plan(want(NEW, List.of(byFile), List.of()), host, report(List.of(), List.of()));

    assertThat(present.status()).isEqualTo(SyncStatus.IN_SYNC);
    assertThat(missing.actions()).singleElement().isEqualTo(new Action.FlatpakRemoteAdd("flathub",
        "https://dl.flathub.org/repo/flathub.flatpakrepo", "system", null));
  }

  @Test
  void pinnedCommit_movesTheInstalledApp() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(RpmOstreeDoc.unverified(NEW)).parse();

    HostPlan plan = plan(want(NEW, List.of(FLATHUB), List.of(app("org.gnome.Calculator", C2))), host,
        report(List.of(HAVE_FLATHUB), List.of(installed("org.gnome.Calculator", "flathub", C1))));

    assertThat(plan.actions()).singleElement().isEqualTo(new Action.FlatpakUpdate(
        "app/org.gnome.Calculator/x86_64/stable", "system", C2, C1));
  }

  @Test
  void pinDroppedInGit_unmasksTheApp_andAnUnmaskedUnpinnedAppIsInSync() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(RpmOstreeDoc.unverified(NEW)).parse();
    FlatpakState.App held = new FlatpakState.App("system", "org.gnome.Calculator", "x86_64", "stable", "flathub", C1,
        true);

    HostPlan plan = plan(want(NEW, List.of(FLATHUB), List.of(app("org.gnome.Calculator", null))), host,
        report(List.of(HAVE_FLATHUB), List.of(held)));
    HostPlan free = plan(want(NEW, List.of(FLATHUB), List.of(app("org.gnome.Calculator", null))), host,
        report(List.of(HAVE_FLATHUB), List.of(installed("org.gnome.Calculator", "flathub", C1))));

    assertThat(plan.actions()).singleElement().isEqualTo(new Action.FlatpakUpdate(
        "app/org.gnome.Calculator/x86_64/stable", "system", null, C1));
    assertThat(free.status()).isEqualTo(SyncStatus.IN_SYNC);
  }

  @Test
  void otherOrigin_isReinstalled_andAbsentIsUninstalled() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(RpmOstreeDoc.unverified(NEW)).parse();
    FlatpakApp gone = new FlatpakApp("org.example.Old", null, "stable", null, SYSTEM, null, true);

    HostPlan plan = plan(want(NEW, List.of(FLATHUB), List.of(app("org.gnome.Maps", null), gone)), host,
        report(List.of(HAVE_FLATHUB), List.of(installed("org.gnome.Maps", "fedora", C1),
            installed("org.example.Old", "flathub", C2))));

    assertThat(plan.actions()).extracting(Action::type)
        .containsExactly("flatpak-uninstall", "flatpak-install", "flatpak-uninstall");
    assertThat(plan.notes()).contains("org.gnome.Maps is installed from remote fedora, Git says flathub: it is reinstalled");
  }

  @Test
  void absentApp_notInstalled_needsNothing() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(RpmOstreeDoc.unverified(NEW)).parse();
    FlatpakApp gone = new FlatpakApp("org.example.Old", null, "stable", null, SYSTEM, null, true);

    HostPlan plan = plan(want(NEW, List.of(), List.of(gone)), host, report(List.of(), List.of()));

    assertThat(plan.status()).isEqualTo(SyncStatus.IN_SYNC);
  }

  @Test
  void noFlatpakReport_isANote_notAChange() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(RpmOstreeDoc.unverified(NEW)).parse();

    HostPlan plan = plan(want(NEW, List.of(FLATHUB), List.of(app("org.mozilla.firefox", null))), host,
        new EtcReport("h1", List.of(), null));

    assertThat(plan.status()).isEqualTo(SyncStatus.IN_SYNC);
    assertThat(plan.notes()).contains("no Flatpak report from this host; Flatpaks were not compared");
  }

  @Test
  void heldHost_stillGetsItsFlatpaks_butNoOsChange() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(RpmOstreeDoc.unverified(OLD))
        .deployment(RpmOstreeDoc.unverified(NEW), false, false, false, List.of(), List.of()).parse();

    HostPlan plan = plan(want(NEW, List.of(FLATHUB), List.of(app("org.mozilla.firefox", null))), host,
        report(List.of(HAVE_FLATHUB), List.of()));

    assertThat(plan.status()).isEqualTo(SyncStatus.HELD);
    assertThat(plan.actions()).extracting(Action::type).containsExactly("flatpak-install");
  }

  @Test
  void flatpaksComeBeforeTheOsChange_andTheFinalizeIsLast() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(RpmOstreeDoc.unverified(OLD)).parse();

    HostPlan plan = plan(want(NEW, List.of(FLATHUB), List.of(app("org.mozilla.firefox", null))), host,
        report(List.of(HAVE_FLATHUB), List.of()));

    assertThat(plan.actions()).extracting(Action::type).containsExactly("flatpak-install", "rebase", "finalize");
  }
}
