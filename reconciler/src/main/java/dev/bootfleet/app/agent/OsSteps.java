package dev.bootfleet.app.agent;

import dev.bootfleet.core.lifecycle.HostLifecycle;
import dev.bootfleet.core.plan.Action;
import java.io.IOException;
import java.util.List;

/**
 * One cycle's OS changes on one kind of host. bootc's ({@link BootcSteps}) and rpm-ostree's ({@link
 * RpmOstreeSteps}) are peers behind the {@code HostDriver} port; each is given the cycle's {@link
 * StepContext}, never the agent.
 */
interface OsSteps {
  /** Carries out {@code actions} in order; a failed one ends the run (the next cycle starts afresh). */
  void run(List<Action> actions) throws IOException;

  /**
   * The server rejected the digest the host boots ({@code rollout.rollbackFrom}): carries out {@code step}
   * ({@link HostLifecycle#rollbackFrom}), then the reboot into the previous deployment under the reboot policy.
   */
  void rollBack(String from, HostLifecycle.RollbackStep step) throws IOException;
}
