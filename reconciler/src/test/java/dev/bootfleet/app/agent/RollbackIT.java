package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.bootfleet.core.port.DesiredStateSource;
import dev.bootfleet.testing.TestImages;
import dev.bootfleet.testing.WebOsImages;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rollout.rollbackFrom}: a host booting a digest the server rejected runs {@code bootc rollback} once
 * (the bootc simulator counts it) and reboots into the previous deployment, under the reboot policy.
 */
class RollbackIT {
  @RegisterExtension
  static final WebOsImages IMAGES = new WebOsImages();

  @TempDir
  Path tmp;

  final AtomicReference<DesiredStateSource.Rollout> part = new AtomicReference<>();

  private AgentWorld world(String reboot) throws Exception {
    AgentWorld w = new AgentWorld(tmp);
    assertThat(w.sim.run("init", IMAGES.v1().byDigest()).exit()).isZero();
    w.commit(IMAGES.v1().pinned(), "hello v1");
    return w.startWithRollout(reboot, part::get);
  }


  private static String digest(TestImages.Image i) {
    return i.byDigest().substring(i.byDigest().indexOf('@') + 1);
  }

  @Test
  void rejectedDigest_rollsBackOnce_andRebootsIntoThePreviousDeployment() throws Exception {
    try (AgentWorld w = world("")) {
      part.set(new DesiredStateSource.Rollout(true, null, null, null, false));
      w.cycle();
      w.commit(IMAGES.v2().pinned(), "hello v2");
      w.cycle();
      assertThat(w.cycle().bootOutcome()).isEqualTo("converged");
      assertThat(w.booted()).isEqualTo(IMAGES.v2().byDigest());

      part.set(new DesiredStateSource.Rollout(false, "DigestRejected", "rejected", digest(IMAGES.v2()), false));
      CycleReport r = w.cycle();
      assertThat(r.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
          .containsExactly(tuple("rollback", "done"), tuple("reboot", "requested"));
      assertThat(r.status()).isEqualTo("held");
      assertThat(w.booted()).isEqualTo(IMAGES.v1().byDigest());

      for (int i = 0; i < 3; i++) {
        CycleReport after = w.cycle();
        assertThat(after.steps()).extracting(CycleReport.Step::type).doesNotContain("rollback");
      }
      assertThat(w.commands("rollback")).isEqualTo(1L);
      assertThat(w.booted()).isEqualTo(IMAGES.v1().byDigest());
    }
  }

  @Test
  void rollbackQueued_butTheRebootWaits_neverASecondRollback() throws Exception {
    try (AgentWorld w = world(AgentWorld.MONDAY_WINDOW)) {
      part.set(new DesiredStateSource.Rollout(true, null, null, null, false));
      w.cycle();
      w.commit(IMAGES.v2().pinned(), "hello v2");
      w.clock.set(java.time.Instant.parse("2026-11-30T02:10:00Z")); // inside Monday's window: v2 is booted
      w.cycle();
      assertThat(w.cycle().bootOutcome()).isEqualTo("converged");
      w.clock.set(java.time.Instant.parse("2026-11-30T03:30:00Z")); // the window closed
      part.set(new DesiredStateSource.Rollout(false, null, null, digest(IMAGES.v2()), false));

      CycleReport first = w.cycle();
      assertThat(first.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
          .containsExactly(tuple("rollback", "done"), tuple("reboot", "waiting"));
      CycleReport second = w.cycle();
      assertThat(second.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result)
          .containsExactly(tuple("reboot", "waiting"));
      assertThat(w.commands("rollback")).isEqualTo(1L);
      assertThat(w.reboots()).as("only the reboot into v2").isEqualTo(1);
      assertThat(w.host().rollbackQueued()).isTrue();
    }
  }
}
