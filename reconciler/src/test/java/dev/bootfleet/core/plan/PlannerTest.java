package dev.bootfleet.core.plan;

import dev.bootfleet.core.status.SyncStatus;
import dev.bootfleet.core.status.PlanStatus;

import static dev.bootfleet.core.plan.Hosts.NEW;
import static dev.bootfleet.core.plan.Hosts.OLD;
import static dev.bootfleet.core.plan.Hosts.OTHER;
import static dev.bootfleet.core.plan.Hosts.desired;
import static dev.bootfleet.core.plan.Hosts.entry;
import static dev.bootfleet.core.plan.Hosts.host;
import static dev.bootfleet.core.plan.Hosts.obs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.Kargs;
import dev.bootfleet.core.manifest.Transport;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table tests of the plan engine: one row per situation in the bootc reference (docs/spec/plan.md). */
class PlannerTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
  final Planner planner = new Planner(CLOCK);

  static Stream<Arguments> imageSituations() {
    DesiredHost want = desired(NEW);
    return Stream.of(
        Arguments.of("no observed state", want, null, SyncStatus.UNKNOWN, List.of(), "no observed state"),
        Arguments.of("not a bootc host (booted null)", want, obs(host(null, null, null, false)),
            SyncStatus.UNKNOWN, List.of(), "no booted deployment"),
        Arguments.of("booted the desired image", want, obs(host(entry(NEW), null, entry(OLD), false)),
            SyncStatus.IN_SYNC, List.of(), "booted the desired image"),
        Arguments.of("booted with a tag in the reference, same digest", want,
            obs(host(entry(Hosts.REPO + ":42@sha256:" + "b".repeat(64)), null, null, false)),
            SyncStatus.IN_SYNC, List.of(), "booted the desired image"),
        Arguments.of("booted an older digest", want, obs(host(entry(OLD), null, null, false)),
            SyncStatus.DRIFTED, List.of("stage", "reboot"), "Git wants quay.io/example/os@sha256:bbbbbbbbbbbb"),
        Arguments.of("booted the tag only, Git pins a digest", want,
            obs(host(entry(Hosts.REPO + ":42"), null, null, false)),
            SyncStatus.DRIFTED, List.of("stage", "reboot"), "booted quay.io/example/os:42"),
        Arguments.of("booted a non-container deployment", want, obs(host(entry(null), null, null, false)),
            SyncStatus.DRIFTED, List.of("stage", "reboot"), "booted a non-container deployment"),
        Arguments.of("another image is staged, booted old", want,
            obs(host(entry(OLD), entry(OTHER), null, false)),
            SyncStatus.DRIFTED, List.of("stage", "reboot"), "replacing staged quay.io/example/os@sha256:cccccccccccc"),
        Arguments.of("the desired image is staged", want, obs(host(entry(OLD), entry(NEW), null, false)),
            SyncStatus.DRIFTED, List.of("reboot"), "a reboot applies it"),
        Arguments.of("the desired image is staged download-only", want,
            obs(host(entry(OLD), entry(NEW, "registry", null, true), null, false)),
            SyncStatus.DRIFTED, List.of("unlock-staged", "reboot"), "download-only"),
        Arguments.of("booted desired, another image staged", want,
            obs(host(entry(NEW), entry(OLD), entry(OLD), false)),
            SyncStatus.DRIFTED, List.of("cancel-staged"), "would replace the desired image"),
        Arguments.of("booted desired, rollback queued", want, obs(host(entry(NEW), null, entry(OLD), true)),
            SyncStatus.DRIFTED, List.of("cancel-rollback"), "rollback is queued"),
        Arguments.of("explicit rollback from the desired image", want,
            obs(host(entry(OLD), null, entry(NEW), false)),
            SyncStatus.HELD, List.of(), "rolled back from the desired image"),
        Arguments.of("bootloader fallback from the desired image", want,
            obs(host(entry(OLD), null, entry(NEW), true)),
            SyncStatus.HELD, List.of(), "bootloader fell back"),
        Arguments.of("rpm-ostree layering makes the deployment incompatible", want,
            obs(host(Hosts.incompatible(OLD), null, null, false)),
            SyncStatus.HELD, List.of(), "incompatible"),
        Arguments.of("read-only sysroot", want, obs(Hosts.readOnly(host(entry(OLD), null, null, false))),
            SyncStatus.HELD, List.of(), "read-only"),
        Arguments.of("transport differs", want,
            obs(host(entry(NEW, "containers-storage", null, false), null, null, false)),
            SyncStatus.DRIFTED, List.of("stage", "reboot"), "Git wants"),
        Arguments.of("signature policy wanted, booted without", desired(NEW, Transport.REGISTRY, true, List.of(), Kargs.NONE),
            obs(host(entry(NEW), null, null, false)), SyncStatus.DRIFTED, List.of("stage", "reboot"), "Git wants"),
        Arguments.of("signature policy wanted and booted with it",
            desired(NEW, Transport.REGISTRY, true, List.of(), Kargs.NONE),
            obs(host(entry(NEW, "registry", "containerPolicy", false), null, null, false)),
            SyncStatus.IN_SYNC, List.of(), "booted the desired image"),
        Arguments.of("booted verified by an ostree remote, Git asks for no signature", want,
            obs(host(entry(NEW, "registry", "ostreeRemote:fedora", false), null, null, false)),
            SyncStatus.DRIFTED, List.of("stage", "reboot"), "Git wants"),
        Arguments.of("insecure signature equals absent", want,
            obs(host(entry(NEW, "registry", "insecure", false), null, null, false)),
            SyncStatus.IN_SYNC, List.of(), "booted the desired image"),
        Arguments.of("oci layout path, same", desired("/mnt/usb/os.oci", Transport.OCI, false, List.of(), Kargs.NONE),
            obs(host(entry("/mnt/usb/os.oci", "oci", null, false), null, null, false)),
            SyncStatus.IN_SYNC, List.of(), "booted the desired image"),
        Arguments.of("a different repository with the same digest", want,
            obs(host(entry("quay.io/example/other@sha256:" + "b".repeat(64)), null, null, false)),
            SyncStatus.DRIFTED, List.of("stage", "reboot"), "Git wants"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("imageSituations")
  void plan_imageSituations(String situation, DesiredHost want, Observation seen, PlanStatus status,
      List<String> actionTypes, String reasonPart) {
    HostPlan plan = planner.planHost(want, seen);

    assertThat(plan.status()).as(situation).isEqualTo(status);
    assertThat(plan.actions()).extracting(Action::type).as(situation).containsExactlyElementsOf(actionTypes);
    assertThat(plan.reason()).as(situation).contains(reasonPart);
  }

  @Test
  void plan_stageCarriesWhatTheAgentNeeds() {
    HostPlan plan = planner.planHost(desired(NEW, Transport.REGISTRY, true, List.of(), Kargs.NONE),
        obs(host(entry(OLD), null, null, false)));

    Action.Stage stage = (Action.Stage) plan.actions().get(0);
    assertThat(stage.ref()).isEqualTo(NEW);
    assertThat(stage.transport()).isEqualTo("registry");
    assertThat(stage.enforceSignaturePolicy()).isTrue();
    assertThat(stage.digest()).isEqualTo("sha256:" + "b".repeat(64));
    assertThat(stage.from()).isEqualTo(OLD);
    assertThat(((Action.Reboot) plan.actions().get(1)).ref()).isEqualTo(NEW);
  }

  @Test
  void plan_switchTargetDropsTheTag() {
    HostPlan plan = planner.planHost(desired(Hosts.REPO + ":42@sha256:" + "b".repeat(64)),
        obs(host(entry(OLD), null, null, false)));

    assertThat(((Action.Stage) plan.actions().get(0)).ref()).isEqualTo(NEW);
  }

  @Test
  void plan_notesUsrOverlay() {
    HostPlan plan = planner.planHost(desired(NEW), obs(Hosts.withOverlay(host(entry(NEW), null, null, false))));

    assertThat(plan.status()).isEqualTo(SyncStatus.IN_SYNC);
    assertThat(plan.notes()).singleElement().asString().contains("transient readWrite overlay");
  }

  @Test
  void plan_listsUnmanagedHostsAndSortsHosts() {
    DesiredHost a = new DesiredHost("b-host", Map.of(), desired(NEW).image(), List.of(), Kargs.NONE, List.of(), "x");
    DesiredHost b = new DesiredHost("a-host", Map.of(), desired(NEW).image(), List.of(), Kargs.NONE, List.of(), "y");

    Plan plan = planner.plan("rev", List.of(a, b), Map.of("stray", obs(host(entry(NEW), null, null, false))));

    assertThat(plan.hosts()).extracting(HostPlan::name).containsExactly("a-host", "b-host");
    assertThat(plan.unmanagedHosts()).containsExactly("stray");
    assertThat(plan.generatedAt()).isEqualTo(CLOCK.instant());
    assertThat(plan.hasChanges()).isTrue();
  }

  @Test
  void summary_countsLikeTerraform() {
    Plan plan = planner.plan("rev", List.of(
        named("stage-me"), named("reboot-me"), named("ok"), named("held"), named("gone")),
        Map.of("stage-me", obs(host(entry(OLD), null, null, false)),
            "reboot-me", obs(host(entry(OLD), entry(NEW), null, false)),
            "ok", obs(host(entry(NEW), null, null, false)),
            "held", obs(host(entry(OLD), null, entry(NEW), false))));

    assertThat(plan.summary().line(Plan.Mode.OBSERVED))
        .isEqualTo("Plan: 1 to stage, 2 to reboot, 0 /etc changes, 1 in sync, 1 held, 1 unknown");
  }

  @Test
  void summary_countsAHostThatStagesAndReboots_underBoth() {
    HostPlan stageAndReboot = new HostPlan("web-02", SyncStatus.DRIFTED, "new image", List.of(
        new Action.Stage("r", "registry", false, "sha256:1", null), new Action.Reboot("r")), List.of(), "r", "o");
    HostPlan rebootOnly = new HostPlan("web-03", SyncStatus.DRIFTED, "staged", List.of(new Action.Reboot("r")),
        List.of(), "r", "o");

    Summary s = Summary.of(List.of(stageAndReboot, rebootOnly));

    assertThat(s.toStage()).isEqualTo(1);
    assertThat(s.toReboot()).isEqualTo(2);
  }

  private static DesiredHost named(String name) {
    return new DesiredHost(name, Map.of(), desired(NEW).image(), List.of(), Kargs.NONE, List.of(), name + ".yaml");
  }
}
