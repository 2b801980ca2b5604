package dev.bootfleet.core.plan;

import dev.bootfleet.core.status.SyncStatus;
import dev.bootfleet.core.status.PlanStatus;

import static dev.bootfleet.core.plan.Hosts.REPO;
import static dev.bootfleet.core.plan.Hosts.desired;
import static dev.bootfleet.core.plan.Hosts.host;
import static dev.bootfleet.core.plan.Hosts.obs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.image.Digest;
import dev.bootfleet.core.image.ImageLock;
import dev.bootfleet.core.observed.BootEntry;
import dev.bootfleet.core.observed.ImageReference;
import dev.bootfleet.core.observed.ImageStatus;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Multi-architecture images: Git pins an index, bootc reports the digest of the manifest it pulled for
 * its own architecture. With the lock's index-to-children knowledge, such a host is in sync.
 */
class PlannerImageLockTest {
  static final String INDEX = "sha256:" + "1".repeat(64);
  static final String AMD64 = "sha256:" + "2".repeat(64);
  static final String ARM64 = "sha256:" + "3".repeat(64);
  static final String STRANGER = "sha256:" + "4".repeat(64);
  static final String SINGLE = "sha256:" + "5".repeat(64);
  static final ImageLock LOCK = new ImageLock(Map.of(ImageLock.key(REPO, Digest.parse(INDEX)),
      new ImageLock.Index(ImageLock.OCI_INDEX, List.of(
          new ImageLock.Child(Digest.parse(AMD64), "linux/amd64"),
          new ImageLock.Child(Digest.parse(ARM64), "linux/arm64")))));

  final Planner withLock = new Planner(PlannerTest.CLOCK, LOCK);
  final Planner withoutLock = new Planner(PlannerTest.CLOCK);

  /** A deployment of {@code ref} whose pulled manifest is {@code digest} for {@code arch}. */
  static BootEntry pulled(String ref, String digest, String arch) {
    return new BootEntry(new ImageStatus(new ImageReference(ref, "registry", null), "42", null, digest, arch),
        null, false, false, false, false, null, null, null);
  }

  static Stream<Arguments> situations() {
    DesiredHost index = desired(REPO + ":42@" + INDEX);
    return Stream.of(
        Arguments.of("booted by tag, the amd64 child", index, pulled(REPO + ":42", AMD64, "amd64"),
            SyncStatus.IN_SYNC, List.of()),
        Arguments.of("booted by tag, the arm64 child", index, pulled(REPO + ":42", ARM64, "arm64"),
            SyncStatus.IN_SYNC, List.of()),
        Arguments.of("booted by the child's digest", index, pulled(REPO + "@" + ARM64, ARM64, "arm64"),
            SyncStatus.IN_SYNC, List.of()),
        Arguments.of("the amd64 child on an arm64 host is not this host's image", index,
            pulled(REPO + ":42", AMD64, "arm64"), SyncStatus.DRIFTED, List.of("stage", "reboot")),
        Arguments.of("a manifest the index does not list", index, pulled(REPO + ":42", STRANGER, "amd64"),
            SyncStatus.DRIFTED, List.of("stage", "reboot")),
        Arguments.of("the child digest in another repository", index,
            pulled("quay.io/example/other:42", AMD64, "amd64"), SyncStatus.DRIFTED, List.of("stage", "reboot")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("situations")
  void plan_indexChildren_withLock(String situation, DesiredHost want, BootEntry booted, PlanStatus status,
      List<String> actions) {
    HostPlan plan = withLock.planHost(want, obs(host(booted, null, null, false)));

    assertThat(plan.status()).as(situation).isEqualTo(status);
    assertThat(plan.actions()).extracting(Action::type).as(situation).containsExactlyElementsOf(actions);
  }

  @Test
  void plan_bootedOnTheChild_withoutLock_isDrifted() {
    HostPlan plan = withoutLock.planHost(desired(REPO + ":42@" + INDEX),
        obs(host(pulled(REPO + ":42", AMD64, "amd64"), null, null, false)));

    assertThat(plan.status()).isEqualTo(SyncStatus.DRIFTED);
    assertThat(plan.actions()).extracting(Action::type).containsExactly("stage", "reboot");
  }

  @Test
  void plan_bootedOnTheChild_notesThatItMatchesByContent() {
    HostPlan plan = withLock.planHost(desired(REPO + ":42@" + INDEX),
        obs(host(pulled(REPO + ":42", AMD64, "amd64"), null, null, false)));

    assertThat(plan.reason()).isEqualTo("booted the desired image");
    assertThat(plan.notes()).singleElement().asString()
        .contains("amd64 manifest of the index Git pins", "bootfleet.lock.json", "sha256:222222222222");
  }

  @Test
  void plan_gitPinsTheSingleManifest_hostBootedItByTag_isInSyncWithoutLock() {
    HostPlan plan = withoutLock.planHost(desired(REPO + "@" + SINGLE),
        obs(host(pulled(REPO + ":42", SINGLE, "amd64"), null, null, false)));

    assertThat(plan.status()).isEqualTo(SyncStatus.IN_SYNC);
    assertThat(plan.notes()).singleElement().asString().contains("the manifest Git pins");
  }

  @Test
  void plan_rolledBackFromTheChild_isHeld() {
    HostPlan plan = withLock.planHost(desired(REPO + ":42@" + INDEX),
        obs(host(pulled(REPO + ":41", STRANGER, "amd64"), null, pulled(REPO + ":42", AMD64, "amd64"), false)));

    assertThat(plan.status()).isEqualTo(SyncStatus.HELD);
    assertThat(plan.actions()).isEmpty();
  }

  @Test
  void plan_theChildIsStaged_needsOnlyAReboot() {
    HostPlan plan = withLock.planHost(desired(REPO + ":42@" + INDEX),
        obs(host(pulled(REPO + ":41", STRANGER, "amd64"), pulled(REPO + ":42", AMD64, "amd64"), null, false)));

    assertThat(plan.status()).isEqualTo(SyncStatus.DRIFTED);
    assertThat(plan.actions()).extracting(Action::type).containsExactly("reboot");
  }
}
