package dev.bootfleet.core.plan;

import dev.bootfleet.core.status.SyncStatus;
import dev.bootfleet.core.status.PlanStatus;

import static dev.bootfleet.core.plan.Hosts.NEW;
import static dev.bootfleet.core.plan.Hosts.OLD;
import static dev.bootfleet.core.plan.Hosts.desired;
import static dev.bootfleet.core.plan.Hosts.entry;
import static dev.bootfleet.core.plan.Hosts.host;
import static dev.bootfleet.core.plan.Hosts.obs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.observed.BootEntry;
import dev.bootfleet.core.observed.ObservedHost;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Applies planned actions the way bootc would (switch stages, a reboot boots the staged entry and keeps
 * the old one as rollback) and plans again: a host converges, and a host whose new image fails to boot
 * ends held — never in a switch, reboot, rollback loop.
 */
class ConvergenceTest {
  final Planner planner = new Planner(PlannerTest.CLOCK);

  /** bootc, reduced to what the plan touches. */
  private static ObservedHost apply(ObservedHost h, Action a, boolean newImageFailsToBoot) {
    return switch (a) {
      case Action.Stage s -> host(h.booted(), entry(s.ref()), h.rollback(), false);
      case Action.UnlockStaged u -> host(h.booted(), entry(u.ref()), h.rollback(), false);
      case Action.CancelStaged c -> host(h.booted(), null, h.rollback(), h.rollbackQueued());
      case Action.CancelRollback c -> host(h.booted(), h.staged(), h.rollback(), false);
      case Action.Reboot r -> {
        BootEntry next = h.staged() != null ? h.staged() : h.booted();
        ObservedHost booted = host(next, null, h.booted(), false);
        // greenboot-style failure: the bootloader falls back, then the admin makes it permanent
        yield newImageFailsToBoot && next != h.booted() ? host(h.booted(), null, next, false) : booted;
      }
      default -> h;
    };
  }

  private List<PlanStatus> run(ObservedHost start, DesiredHost want, boolean fails, int rounds) {
    List<PlanStatus> seen = new ArrayList<>();
    ObservedHost h = start;
    for (int i = 0; i < rounds; i++) {
      HostPlan p = planner.planHost(want, obs(h));
      seen.add(p.status());
      for (Action a : p.actions()) {
        h = apply(h, a, fails);
      }
    }
    return seen;
  }

  @Test
  void hostConverges_afterStageAndReboot() {
    List<PlanStatus> statuses = run(host(entry(OLD), null, null, false), desired(NEW), false, 4);

    assertThat(statuses).containsExactly(SyncStatus.DRIFTED, SyncStatus.IN_SYNC, SyncStatus.IN_SYNC,
        SyncStatus.IN_SYNC);
  }

  @Test
  void hostConverges_fromDownloadOnlyStaged() {
    List<PlanStatus> statuses = run(host(entry(OLD), entry(NEW, "registry", null, true), null, false),
        desired(NEW), false, 3);

    assertThat(statuses).containsExactly(SyncStatus.DRIFTED, SyncStatus.IN_SYNC, SyncStatus.IN_SYNC);
  }

  @Test
  void failingImage_endsHeld_andIsNeverStagedAgain() {
    ObservedHost h = host(entry(OLD), null, null, false);
    int stages = 0;
    for (int i = 0; i < 10; i++) {
      HostPlan p = planner.planHost(desired(NEW), obs(h));
      for (Action a : p.actions()) {
        if (a instanceof Action.Stage) {
          stages++;
        }
        h = apply(h, a, true);
      }
    }

    assertThat(stages).isEqualTo(1);
    assertThat(planner.planHost(desired(NEW), obs(h)).status()).isEqualTo(SyncStatus.HELD);
  }

  @Test
  void heldHost_followsANewDigest() {
    ObservedHost rolledBack = host(entry(OLD), null, entry(NEW), false);
    String newer = Hosts.REPO + "@sha256:" + "e".repeat(64);

    HostPlan p = planner.planHost(desired(newer), obs(rolledBack));

    assertThat(p.status()).isEqualTo(SyncStatus.DRIFTED);
    assertThat(p.actions()).extracting(Action::type).containsExactly("stage", "reboot");
  }
}
