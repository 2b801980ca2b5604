package dev.bootfleet.core.plan;

import dev.bootfleet.core.status.SyncStatus;

import static dev.bootfleet.core.plan.Hosts.NEW;
import static dev.bootfleet.core.plan.Hosts.OLD;
import static dev.bootfleet.core.plan.Hosts.desired;
import static dev.bootfleet.core.plan.Hosts.entry;
import static dev.bootfleet.core.plan.Hosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.observed.ObservedHost;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ADR 0003: the agent's history tells a Git revert from a rollback; without it the engine holds. */
class HostHistoryPlanTest {
  final Planner planner = new Planner(PlannerTest.CLOCK);
  // Git names OLD; the host booted NEW and has OLD in its rollback slot.
  final ObservedHost revertedOrRolledBack = host(entry(NEW), null, entry(OLD), false);

  @Test
  void withoutHistory_theHostIsHeld() {
    HostPlan p = planner.planHost(desired(OLD), new Observation(revertedOrRolledBack, null));

    assertThat(p.status()).isEqualTo(SyncStatus.HELD);
    assertThat(p.actions()).isEmpty();
  }

  @Test
  void historyThatDoesNotVouch_stillHolds() {
    HostPlan p = planner.planHost(desired(OLD), new Observation(revertedOrRolledBack, null,
        new HostHistory(Set.of(NEW))));

    assertThat(p.status()).isEqualTo(SyncStatus.HELD);
  }

  @Test
  void historyThatLeftTheImageOnPurpose_switchesBack() {
    HostPlan p = planner.planHost(desired(OLD), new Observation(revertedOrRolledBack, null,
        new HostHistory(Set.of(OLD))));

    assertThat(p.status()).isEqualTo(SyncStatus.DRIFTED);
    assertThat(p.actions()).extracting(Action::type).containsExactly("stage", "reboot");
    assertThat(p.reason()).contains("again (the agent left it on purpose or an operator cleared its hold)");
  }

  @Test
  void aBootloaderFallback_isHeldWhateverTheHistory() {
    HostPlan p = planner.planHost(desired(OLD), new Observation(host(entry(NEW), null, entry(OLD), true), null,
        new HostHistory(Set.of(OLD))));

    assertThat(p.status()).isEqualTo(SyncStatus.HELD);
  }
}
