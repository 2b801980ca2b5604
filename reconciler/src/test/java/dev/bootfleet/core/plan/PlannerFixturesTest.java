package dev.bootfleet.core.plan;

import dev.bootfleet.core.status.SyncStatus;
import dev.bootfleet.core.status.PlanStatus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.ImageSpec;
import dev.bootfleet.core.manifest.Kargs;
import dev.bootfleet.core.manifest.Transport;
import dev.bootfleet.core.observed.BootcStatusParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Plans against bootc's own status fixtures (src/test/resources/fixtures/bootc, copied upstream). */
class PlannerFixturesTest {
  static final String CENTOS = "quay.io/centos-bootc/centos-bootc";
  static final String EXAMPLE = "quay.io/example/someimage";
  static final String PINNED = "@sha256:" + "5".repeat(64);

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("spec-only-booted.yaml", CENTOS + ":stream9", Transport.REGISTRY, SyncStatus.IN_SYNC, List.of()),
        Arguments.of("spec-only-booted.yaml", CENTOS + PINNED, Transport.REGISTRY, SyncStatus.DRIFTED,
            List.of("stage", "reboot")),
        Arguments.of("spec-booted-pinned.yaml", CENTOS + ":stream9", Transport.REGISTRY, SyncStatus.IN_SYNC, List.of()),
        Arguments.of("spec-booted-with-update.yaml", CENTOS + ":stream9", Transport.REGISTRY, SyncStatus.IN_SYNC,
            List.of()),
        // the same tag staged with a newer digest: an update to apply, not a stray deployment
        Arguments.of("spec-staged-booted.yaml", EXAMPLE + ":latest", Transport.REGISTRY, SyncStatus.DRIFTED,
            List.of("reboot")),
        Arguments.of("spec-staged-download-only.yaml", EXAMPLE + ":latest", Transport.REGISTRY, SyncStatus.DRIFTED,
            List.of("unlock-staged", "reboot")),
        Arguments.of("spec-v1a1-orig.yaml", EXAMPLE + ":latest", Transport.REGISTRY, SyncStatus.DRIFTED,
            List.of("reboot")),
        // Git pins a digest; the staged pull of the tag is not it
        Arguments.of("spec-staged-booted.yaml", EXAMPLE + PINNED, Transport.REGISTRY, SyncStatus.DRIFTED,
            List.of("stage", "reboot")),
        Arguments.of("spec-v1a1.yaml", "quay.io/otherexample/otherimage:latest", Transport.REGISTRY,
            SyncStatus.IN_SYNC, List.of()),
        // only spec carries the ostree-remote signature; the booted entry has none, as Git asks
        Arguments.of("spec-ostree-remote.yaml", "quay.io/otherexample/otherimage:latest", Transport.REGISTRY,
            SyncStatus.IN_SYNC, List.of()),
        Arguments.of("spec-rfe-ostree-deployment.yaml", CENTOS + PINNED, Transport.REGISTRY, SyncStatus.DRIFTED,
            List.of("stage", "reboot")),
        Arguments.of("spec-via-local-oci.yaml", "/var/mnt/osupdate", Transport.OCI, SyncStatus.IN_SYNC, List.of()),
        Arguments.of("spec-v1-null.json", CENTOS + PINNED, Transport.REGISTRY, SyncStatus.UNKNOWN, List.of()));
  }

  @ParameterizedTest(name = "{0} wants {1}")
  @MethodSource("cases")
  void plan_againstBootcFixtures(String fixture, String ref, Transport transport, PlanStatus status,
      List<String> actions) throws Exception {
    String text = new String(PlannerFixturesTest.class.getResourceAsStream("/fixtures/bootc/" + fixture).readAllBytes(),
        StandardCharsets.UTF_8);
    var observed = BootcStatusParser.parse(text, fixture);
    ImageSpec image = new ImageSpec(ref, transport, false, transport == Transport.OCI ? null : ImageRef.parse(ref));
    DesiredHost want = new DesiredHost("h1", Map.of(), image, List.of(), Kargs.NONE, List.of(), "h1.yaml");

    HostPlan plan = new Planner(PlannerTest.CLOCK).planHost(want, new Observation(observed, null));

    assertThat(plan.status()).as(plan.reason()).isEqualTo(status);
    assertThat(plan.actions()).extracting(Action::type).containsExactlyElementsOf(actions);
  }
}
