package dev.bootfleet.core.plan;

import dev.bootfleet.core.status.SyncStatus;
import dev.bootfleet.core.status.PlanStatus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.Flatpaks;
import dev.bootfleet.core.manifest.HostDriverKind;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.ImageSpec;
import dev.bootfleet.core.manifest.Kargs;
import dev.bootfleet.core.manifest.Packages;
import dev.bootfleet.core.manifest.Transport;
import dev.bootfleet.core.observed.RpmOstreeStatusParser;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The planner on hosts read by {@link RpmOstreeStatusParser} from the upstream rpm-ostree fixtures: with
 * the driver detected from the document, rpm-ostree's verbs (rebase, finalize); with bootc named in Git,
 * the answers bootc's own status of the same host would give.
 */
class PlannerRpmOstreeFixturesTest {
  static final String FCOS = "quay.io/fedora/fedora-coreos";
  static final String D12DD = "@sha256:d12dd2fcb57ecfde0941be604f4dcd43ce0409b86e5ee4e362184c802b80fb84";

  static Stream<Arguments> cases() {
    return Stream.of(
        // ostree-image-signed = bootc's containerPolicy signature, which Git asks for with enforcement;
        // Zincati is registered, but there is nothing to change
        Arguments.of("zincati--rpm-ostree-status.json", FCOS + ":stable", true, SyncStatus.IN_SYNC, List.of()),
        // ... and with something to change, Zincati blocks it: held, with the fix
        Arguments.of("zincati--rpm-ostree-status.json", FCOS + ":stable", false, SyncStatus.HELD, List.of()),
        Arguments.of("rpm-ostree--oci-deployment.json", FCOS + D12DD, false, SyncStatus.IN_SYNC, List.of()),
        Arguments.of("rpm-ostree--oci-deployment.json", FCOS + ":stable", false, SyncStatus.DRIFTED,
            List.of("rebase", "finalize")),
        // the rebase to the container image is staged, only the reboot is left, and Zincati drives it
        Arguments.of("rpmostree-client-go--fcos-container-status.json", FCOS + ":testing-devel", false,
            SyncStatus.HELD, List.of()),
        // a booted ostree ref is a non-container deployment; the locked staged ref is replaced
        Arguments.of("zincati--rpm-ostree-staged.json", FCOS + ":stable", false, SyncStatus.DRIFTED,
            List.of("rebase", "finalize")),
        // an ostree-remote signature never matches a manifest (they cannot ask for one)
        Arguments.of("zincati--rpm-ostree-oci-status.json", FCOS + ":testing", false, SyncStatus.DRIFTED,
            List.of("rebase", "finalize")),
        // layered packages do not stop rpm-ostree: the rebase keeps them (Git lists no packages)
        Arguments.of("rpm-ostree--workstation-status.json", FCOS + ":stable", false, SyncStatus.DRIFTED,
            List.of("rebase", "finalize")));
  }

  @ParameterizedTest(name = "{0} wants {1} (enforce {2})")
  @MethodSource("cases")
  void plan_againstRpmOstreeFixtures(String fixture, String ref, boolean enforce, PlanStatus status,
      List<String> actions) throws Exception {
    byte[] bytes = PlannerRpmOstreeFixturesTest.class.getResourceAsStream("/fixtures/rpm-ostree/" + fixture)
        .readAllBytes();
    var observed = RpmOstreeStatusParser.parse(bytes, fixture);
    ImageSpec image = new ImageSpec(ref, Transport.REGISTRY, enforce, ImageRef.parse(ref));
    DesiredHost want = new DesiredHost("h1", Map.of(), image, List.of(), Kargs.NONE, List.of(), "h1.yaml");

    HostPlan plan = new Planner(PlannerTest.CLOCK).planHost(want, new Observation(observed, null));

    assertThat(plan.status()).as(plan.reason()).isEqualTo(status);
    assertThat(plan.actions()).extracting(Action::type).containsExactlyElementsOf(actions);
  }

  @ParameterizedTest(name = "bootc drives {0}")
  @MethodSource("bootcCases")
  void plan_withBootcNamedInGit_givesBootcAnswers(String fixture, String ref, PlanStatus status,
      List<String> actions) throws Exception {
    var observed = RpmOstreeStatusParser.parse(read(fixture), fixture);
    ImageSpec image = new ImageSpec(ref, Transport.REGISTRY, false, ImageRef.parse(ref));
    DesiredHost want = new DesiredHost("h1", Map.of(), image, List.of(), Kargs.NONE, HostDriverKind.BOOTC,
        Packages.NONE, Flatpaks.NONE, List.of(), "h1.yaml");

    HostPlan plan = new Planner(PlannerTest.CLOCK).planHost(want, new Observation(observed, null));

    assertThat(plan.status()).as(plan.reason()).isEqualTo(status);
    assertThat(plan.actions()).extracting(Action::type).containsExactlyElementsOf(actions);
  }

  static Stream<Arguments> bootcCases() {
    return Stream.of(
        Arguments.of("rpm-ostree--oci-deployment.json", FCOS + ":stable", SyncStatus.DRIFTED,
            List.of("stage", "reboot")),
        // layered packages: bootc would refuse, the planner holds
        Arguments.of("rpm-ostree--workstation-status.json", FCOS + ":stable", SyncStatus.HELD, List.of()));
  }

  @org.junit.jupiter.api.Test
  void zincati_holdsWithTheFix() throws Exception {
    String fixture = "zincati--rpm-ostree-status.json";
    var observed = RpmOstreeStatusParser.parse(read(fixture), fixture);
    String ref = FCOS + ":next";
    DesiredHost want = new DesiredHost("h1", Map.of(), new ImageSpec(ref, Transport.REGISTRY, true,
        ImageRef.parse(ref)), List.of(), Kargs.NONE, List.of(), "h1.yaml");

    HostPlan plan = new Planner(PlannerTest.CLOCK).planHost(want, new Observation(observed, null));

    assertThat(plan.status()).isEqualTo(SyncStatus.HELD);
    assertThat(plan.reason()).startsWith("Zincati (zincati.service) is registered as this host's update driver")
        .contains("/etc/zincati/config.d/90-disable-auto-updates.toml")
        .contains("Git wants quay.io/fedora/fedora-coreos:next");
  }

  private static byte[] read(String fixture) throws java.io.IOException {
    return PlannerRpmOstreeFixturesTest.class.getResourceAsStream("/fixtures/rpm-ostree/" + fixture).readAllBytes();
  }
}
