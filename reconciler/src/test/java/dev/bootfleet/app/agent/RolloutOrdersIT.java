package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.bootfleet.core.port.DesiredStateSource;
import dev.bootfleet.testing.WebOsImages;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent under the server's rollout part ({@code reboot}, {@code unstage}) with a real registry, Git and the
 * bootc simulator. The part is laid over Git's target here (how the agent reads it from the server's
 * HostTarget is ServerDesiredStateTest's): what the agent does with it is the subject.
 */
class RolloutOrdersIT {
  @RegisterExtension
  static final WebOsImages IMAGES = new WebOsImages();

  @TempDir
  Path tmp;

  final AtomicReference<DesiredStateSource.Rollout> part = new AtomicReference<>();

  private AgentWorld world() throws Exception {
    AgentWorld w = new AgentWorld(tmp);
    assertThat(w.sim.run("init", IMAGES.v1().byDigest()).exit()).isZero();
    w.commit(IMAGES.v1().pinned(), "hello v1");
    return w.startWithRollout("", part::get);
  }


  @Test
  void rebootFalse_stagesLockedAndWaitsWithTheReason_thenRebootsWhenAllowed() throws Exception {
    try (AgentWorld w = world()) {
      part.set(new DesiredStateSource.Rollout(false, null, null, null, false));
      w.cycle();
      w.commit(IMAGES.v2().pinned(), "hello v2");
      CycleReport staged = w.cycle();
      assertThat(staged.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
          .contains(tuple("stage", "done"), tuple("lock-staged", "done"), tuple("reboot", "waiting"));
      assertThat(staged.reboot()).isEqualTo("waiting: the rollout does not allow a reboot yet");
      assertThat(w.reboots()).isZero();
      assertThat(w.host().staged().downloadOnly()).isTrue();

      CycleReport still = w.cycle();
      assertThat(still.steps()).extracting(CycleReport.Step::type).doesNotContain("stage");
      assertThat(w.reboots()).isZero();

      part.set(new DesiredStateSource.Rollout(true, null, null, null, false));
      CycleReport allowed = w.cycle();
      assertThat(allowed.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
          .contains(tuple("unlock-staged", "done"), tuple("reboot", "requested"));
      assertThat(w.reboots()).isEqualTo(1);
      assertThat(w.cycle().bootOutcome()).isEqualTo("converged");
      assertThat(w.booted()).isEqualTo(IMAGES.v2().byDigest());
    }
  }

  @Test
  void unstage_neverStagesOrReboots_andTheLockedEntryIsNotBooted() throws Exception {
    try (AgentWorld w = world()) {
      part.set(new DesiredStateSource.Rollout(false, "WaitingForWave", "keeps v1", null, false));
      w.cycle();
      w.commit(IMAGES.v2().pinned(), "hello v2");
      w.cycle(); // staged, locked, waiting
      assertThat(w.host().staged()).isNotNull();

      part.set(new DesiredStateSource.Rollout(true, null, null, null, true));
      CycleReport r = w.cycle();
      assertThat(r.steps()).extracting(CycleReport.Step::type).doesNotContain("stage", "reboot", "unlock-staged");
      assertThat(r.notes()).anyMatch(n -> n.startsWith("rollout: the server says unstage"));
      assertThat(w.reboots()).isZero();
      assertThat(w.host().staged().downloadOnly()).as("still locked: the next boot discards it").isTrue();
      assertThat(w.commands("switch")).isEqualTo(1L);
    }
  }
}
