package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.bootfleet.core.port.DesiredStateSource;
import dev.bootfleet.testing.Example;
import dev.bootfleet.testing.WebOsImages;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollout's {@code rebootMode: soft-reboot} on a bootc host (ADR 0021, "Agent: soft reboot"), with the bootc
 * simulator: a soft-reboot capable staged entry is prepared ({@code bootc upgrade --from-downloaded
 * --soft-reboot=required}) and entered by {@code systemctl soft-reboot} (the simulator's), the kernel's boot id
 * kept and systemd's soft reboot count telling the boots apart; an entry whose kernel arguments changed gets a
 * full reboot, and the report says which it was.
 */
class SoftRebootIT {
  @RegisterExtension
  static final WebOsImages IMAGES = new WebOsImages();

  @TempDir
  Path tmp;

  final AtomicReference<DesiredStateSource.Rollout> part =
      new AtomicReference<>(new DesiredStateSource.Rollout(true, null, null, null, false, "soft-reboot"));

  private AgentWorld world() throws Exception {
    AgentWorld w = new AgentWorld(tmp);
    assertThat(w.sim.run("init", IMAGES.v1().byDigest()).exit()).isZero();
    w.commit(IMAGES.v1().pinned(), "hello v1");
    String sim = Example.projectRoot().resolve("bin/bootc-sim") + ", --state-dir, " + w.simDir;
    return w.startWithRollout("softCommand: [" + sim + ", soft-reboot]\nsoftRebootsCommand: [" + sim
        + ", soft-reboots]", part::get);
  }

  @Test
  void softRebootAsked_capableEntry_isPreparedAndSoftRebooted_thenConverged() throws Exception {
    try (AgentWorld w = world()) {
      w.cycle();
      w.commit(IMAGES.v2().pinned(), "hello v2");

      CycleReport r = w.cycle();

      assertThat(r.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result).containsExactly(
          tuple("write-file", "done"), tuple("stage", "done"), tuple("prepare-soft-reboot", "done"),
          tuple("reboot", "requested"));
      assertThat(r.rebootMode).isEqualTo("soft-reboot");
      assertThat(r.steps().getLast().detail()).contains("soft-reboot").contains("soft-reboot capable");
      assertThat(w.booted()).isEqualTo(IMAGES.v2().byDigest());
      assertThat(w.reboots()).as("no full reboot").isZero();
      assertThat(w.commands("soft-reboot")).isEqualTo(1);
      assertThat(w.commands("upgrade --quiet --from-downloaded --soft-reboot=required")).isEqualTo(1);

      CycleReport after = w.cycle(); // the same kernel boot id, one soft reboot later: a new boot all the same
      assertThat(after.bootOutcome()).isEqualTo("converged");
      assertThat(after.status()).as(after.reason()).isEqualTo("in-sync");
      assertThat(w.cycle().steps()).isEmpty();
      assertThat(AgentReportSchemaTest.errors(r)).isEmpty();
    }
  }

  @Test
  void softRebootAsked_kernelArgumentsChanged_fullReboot_andTheReportSaysWhy() throws Exception {
    try (AgentWorld w = world()) {
      w.cycle();
      assertThat(w.sim.run("fault", "kargs-change").exit()).isZero(); // v2's image changes a kernel argument
      w.commit(IMAGES.v2().pinned(), "hello v2");

      CycleReport r = w.cycle();

      assertThat(r.steps()).extracting(CycleReport.Step::type, CycleReport.Step::result).containsExactly(
          tuple("write-file", "done"), tuple("stage", "done"), tuple("reboot", "requested"));
      assertThat(r.rebootMode).isEqualTo("reboot");
      assertThat(r.notes()).anyMatch(n -> n.contains("full reboot: the rollout asks for soft-reboot, but the staged"
          + " entry is not soft-reboot capable"));
      assertThat(w.reboots()).isEqualTo(1);
      assertThat(w.commands("soft-reboot")).isZero();
      assertThat(w.booted()).isEqualTo(IMAGES.v2().byDigest());
      assertThat(w.cycle().bootOutcome()).isEqualTo("converged");
    }
  }
}
