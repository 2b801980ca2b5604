package dev.bootfleet.core.plan;

import dev.bootfleet.core.status.SyncStatus;

import static dev.bootfleet.core.plan.Hosts.NEW;
import static dev.bootfleet.core.plan.Hosts.OLD;
import static dev.bootfleet.core.plan.Hosts.OTHER;
import static dev.bootfleet.core.plan.RpmOstreeDoc.unverified;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.Flatpaks;
import dev.bootfleet.core.manifest.HostDriverKind;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.ImageSpec;
import dev.bootfleet.core.manifest.Kargs;
import dev.bootfleet.core.manifest.Packages;
import dev.bootfleet.core.manifest.Transport;
import dev.bootfleet.core.observed.EtcReport;
import dev.bootfleet.core.observed.ObservedHost;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The planner's rpm-ostree verbs, on documents read by the real rpm-ostree parser. */
class PlannerRpmOstreeTest {
  private final Planner planner = new Planner(PlannerTest.CLOCK);

  static DesiredHost want(String ref, Packages packages, Kargs kargs) {
    return new DesiredHost("h1", Map.of(), new ImageSpec(ref, Transport.REGISTRY, false, ImageRef.parse(ref)),
        List.of(), kargs, HostDriverKind.AUTO, packages, Flatpaks.NONE, List.of(), "hosts/h1.yaml");
  }

  static Packages packages(List<String> install, List<String> remove) {
    return new Packages(new TreeSet<>(install), new TreeSet<>(remove));
  }

  HostPlan plan(DesiredHost want, ObservedHost host) {
    return planner.planHost(want, new Observation(host, null));
  }

  @Test
  void newImage_oneRebaseCarriesThePackageChanges_thenFinalize() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(unverified(OLD), "htop", "vim").parse();

    HostPlan plan = plan(want(NEW, packages(List.of("htop", "tmux"), List.of()), Kargs.NONE), host);

    assertThat(plan.status()).isEqualTo(SyncStatus.DRIFTED);
    assertThat(plan.actions()).extracting(Action::type).containsExactly("rebase", "finalize");
    Action.Rebase r = (Action.Rebase) plan.actions().get(0);
    assertThat(r.ref()).isEqualTo("ostree-unverified-registry:" + NEW);
    assertThat(r.image()).isEqualTo(NEW);
    assertThat(r.from()).isEqualTo(OLD);
    assertThat(r.install()).containsExactly("tmux");
    assertThat(r.uninstall()).containsExactly("vim");
    assertThat(plan.reason()).contains("packages: layer tmux, drop layered vim");
  }

  @Test
  void signaturePolicy_rebasesToTheSignedForm() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(unverified(OLD)).parse();
    DesiredHost want = new DesiredHost("h1", Map.of(), new ImageSpec(NEW, Transport.REGISTRY, true,
        ImageRef.parse(NEW)), List.of(), Kargs.NONE, List.of(), "hosts/h1.yaml");

    HostPlan plan = plan(want, host);

    assertThat(((Action.Rebase) plan.actions().get(0)).ref()).isEqualTo("ostree-image-signed:docker://" + NEW);
  }

  @Test
  void packagesOnly_installAndRemove_thenFinalize() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(unverified(NEW), "htop", "vim").parse();

    HostPlan plan = plan(want(NEW, packages(List.of("htop", "tmux"), List.of("firefox")), Kargs.NONE), host);

    assertThat(plan.actions()).extracting(Action::type)
        .containsExactly("install-packages", "remove-packages", "finalize");
    assertThat(((Action.InstallPackages) plan.actions().get(0)).packages()).containsExactly("tmux");
    Action.RemovePackages rm = (Action.RemovePackages) plan.actions().get(1);
    assertThat(rm.layered()).containsExactly("vim");
    assertThat(rm.base()).containsExactly("firefox");
  }

  @Test
  void localLayering_isKeptWhileGitListsNoPackages() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(unverified(NEW), "htop").parse();

    HostPlan plan = plan(want(NEW, Packages.NONE, Kargs.NONE), host);

    assertThat(plan.status()).isEqualTo(SyncStatus.IN_SYNC);
    assertThat(plan.notes()).anyMatch(n -> n.startsWith("layered on the host but not in Git: htop"));
  }

  @Test
  void stagedDesiredImage_withThePackages_onlyFinalizes() throws Exception {
    ObservedHost host = new RpmOstreeDoc()
        .deployment(unverified(NEW), false, true, true, List.of("tmux"), List.of())
        .booted(unverified(OLD)).parse();

    HostPlan plan = plan(want(NEW, packages(List.of("tmux"), List.of()), Kargs.NONE), host);

    assertThat(plan.actions()).extracting(Action::type).containsExactly("finalize");
    assertThat(plan.reason()).contains("the desired image is staged");
  }

  @Test
  void stagedDesiredImage_missingAPackage_stacksOnTheStagedDeployment() throws Exception {
    ObservedHost host = new RpmOstreeDoc()
        .deployment(unverified(NEW), false, true, true, List.of("tmux"), List.of())
        .booted(unverified(OLD), "tmux").parse();

    HostPlan plan = plan(want(NEW, packages(List.of("tmux", "htop"), List.of()), Kargs.NONE), host);

    assertThat(plan.actions()).extracting(Action::type).containsExactly("install-packages", "finalize");
    assertThat(((Action.InstallPackages) plan.actions().get(0)).packages()).containsExactly("htop");
  }

  @Test
  void stagedPackageChange_onTheDesiredImage_waitsForItsReboot() throws Exception {
    ObservedHost host = new RpmOstreeDoc()
        .deployment(unverified(NEW), false, true, true, List.of("tmux"), List.of())
        .booted(unverified(NEW)).parse();

    HostPlan plan = plan(want(NEW, packages(List.of("tmux"), List.of()), Kargs.NONE), host);

    assertThat(plan.actions()).extracting(Action::type).containsExactly("finalize");
    assertThat(plan.reason()).isEqualTo("a staged deployment of the desired image waits for a reboot");
  }

  @Test
  void strayStaged_isCancelled_andPackagesCompareWithTheBooted() throws Exception {
    ObservedHost host = new RpmOstreeDoc()
        .deployment(unverified(OTHER), false, true, false, List.of(), List.of())
        .booted(unverified(NEW), "tmux").parse();

    HostPlan plan = plan(want(NEW, packages(List.of("tmux"), List.of()), Kargs.NONE), host);

    assertThat(plan.status()).isEqualTo(SyncStatus.DRIFTED);
    assertThat(plan.actions()).extracting(Action::type).containsExactly("cancel-staged");
  }

  @Test
  void kargs_areStagedAndFinalized() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(unverified(NEW)).parse();
    EtcReport report = new EtcReport("h1", List.of(), List.of("quiet", "mitigations=auto"));

    HostPlan plan = planner.planHost(want(NEW, Packages.NONE, new Kargs(new TreeSet<>(Set.of("nosmt")),
        new TreeSet<>(Set.of("quiet")))), new Observation(host, report));

    assertThat(plan.actions()).extracting(Action::type).containsExactly("set-kargs", "finalize");
  }

  @Test
  void rolledBackFromTheDesiredImage_isHeld() throws Exception {
    ObservedHost host = new RpmOstreeDoc()
        .booted(unverified(OLD))
        .deployment(unverified(NEW), false, false, false, List.of(), List.of()).parse();

    HostPlan plan = plan(want(NEW, Packages.NONE, Kargs.NONE), host);

    assertThat(plan.status()).isEqualTo(SyncStatus.HELD);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.reason()).startsWith("rolled back from the desired image");
  }

  @Test
  void queuedRollbackAwayFromTheDesiredImage_isCancelled() throws Exception {
    ObservedHost host = new RpmOstreeDoc()
        .deployment(unverified(OLD), false, false, false, List.of(), List.of())
        .booted(unverified(NEW)).parse();

    HostPlan plan = plan(want(NEW, Packages.NONE, Kargs.NONE), host);

    assertThat(plan.actions()).extracting(Action::type).containsExactly("cancel-rollback");
  }

  @Test
  void otherUpdateDriver_holdsTheOsButNotTheRest() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(unverified(OLD)).driver("Updater", "updater.service").parse();

    HostPlan plan = plan(want(NEW, packages(List.of("tmux"), List.of()), Kargs.NONE), host);

    assertThat(plan.status()).isEqualTo(SyncStatus.HELD);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.reason()).startsWith("Updater (updater.service) is registered as this host's update driver")
        .contains("systemctl disable --now updater.service");
  }

  @Test
  void bootcDriver_withPackagesInGit_saysItCannotLayerThem() throws Exception {
    ObservedHost host = new RpmOstreeDoc().booted(unverified(NEW)).parse();
    DesiredHost want = new DesiredHost("h1", Map.of(), new ImageSpec(NEW, Transport.REGISTRY, false,
        ImageRef.parse(NEW)), List.of(), Kargs.NONE, HostDriverKind.BOOTC, packages(List.of("tmux"), List.of()),
        Flatpaks.NONE, List.of(), "hosts/h1.yaml");

    HostPlan plan = plan(want, host);

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.notes()).anyMatch(n -> n.contains("bootc drives this host and cannot layer them"));
  }

  /** A plain ostree ref (no container-image-reference) is staged: Issue 14, item 11. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "OLD | booted quay.io/example/os@sha256:aaaaaaaaaaaa, Git wants quay.io/example/os@sha256:bbbbbbbbbbbb"
          + " (replacing a staged non-container deployment)",
      "NEW | a staged non-container deployment would replace the desired image at the next boot"})
  void reason_namesAStagedNonContainerDeployment_whenItHasNoImage(String booted, String reason) throws Exception {
    ObservedHost host = new RpmOstreeDoc()
        .deployment("", false, true, false, List.of(), List.of())
        .booted(unverified(booted.equals("OLD") ? OLD : NEW)).parse();

    HostPlan plan = plan(want(NEW, Packages.NONE, Kargs.NONE), host);

    assertThat(plan.reason()).isEqualTo(reason).doesNotContain("(none)");
  }
}
