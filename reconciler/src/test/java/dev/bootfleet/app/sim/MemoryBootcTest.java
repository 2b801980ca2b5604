package dev.bootfleet.app.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.core.observed.BootcStatusParser;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.port.HostDriver;
import dev.bootfleet.testing.BootcSchema;
import dev.bootfleet.testing.WebOsImages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fleet simulator's in-memory bootc host against a real registry: the same state machine as
 * bin/bootc-sim (they share BootcSim), driven through the agent's ports, with its faults and the
 * staged events the simulator prints.
 */
class MemoryBootcTest {
  @RegisterExtension
  static final WebOsImages IMAGES = new WebOsImages();

  final List<String> staged = new ArrayList<>();

  MemoryBootc host() throws Exception {
    return new MemoryBootc("sim-001", IMAGES.v1().pinned(), "amd64", new SharedImageLookup(new RegistryImageLookup()),
        h -> staged.add(h.name() + " " + h.stagedDigest()));
  }

  @Test
  void switchLockAndReboot_followBootcsStateMachine() throws Exception {
    MemoryBootc h = host();
    String boot = h.bootId();

    h.switchTo(IMAGES.v2().pinned(), "registry", false);
    h.lockStaged();
    ObservedHost locked = BootcStatusParser.parse(h.status(), "sim");
    assertThat(locked.staged().image().imageDigest()).isEqualTo(IMAGES.v2().digest());
    assertThat(locked.staged().downloadOnly()).isTrue();
    assertThat(staged).containsExactly("sim-001 " + IMAGES.v2().digest());
    assertThat(BootcSchema.errors(h.status())).isEmpty(); // upstream's host-IMAGES.v1().schema.json

    h.switchTo(IMAGES.v2().pinned(), "registry", false); // the spec is unchanged: nothing staged again
    assertThat(staged).hasSize(1);

    h.unlockStaged();
    h.reboot();
    assertThat(h.bootId()).isEqualTo(boot); // asked for: the machine goes down after the agent's cycle
    assertThat(BootcStatusParser.parse(h.status(), "sim").staged()).isNotNull();
    assertThat(h.restart()).isTrue();
    assertThat(h.restart()).isFalse(); // once per reboot asked for
    ObservedHost after = BootcStatusParser.parse(h.status(), "sim");
    assertThat(after.booted().image().imageDigest()).isEqualTo(IMAGES.v2().digest());
    assertThat(after.rollback().image().imageDigest()).isEqualTo(IMAGES.v1().digest());
    assertThat(after.staged()).isNull();
    assertThat(h.bootId()).isNotEqualTo(boot);
    assertThat(h.revertQueuedRollback()).isFalse(); // none queued: the toggle is not touched
  }

  @Test
  void faults_fireAsInTheFileSimulator() throws Exception {
    MemoryBootc h = host();
    h.fault("switch-fails", 1, 0);

    assertThatThrownBy(() -> h.switchTo(IMAGES.v2().pinned(), "registry", false)).isInstanceOf(HostDriver.HostException.class)
        .hasMessageContaining("(simulated fault) failed to fetch layer");
    h.switchTo(IMAGES.v2().pinned(), "registry", false); // the fault fired once
    assertThat(h.stagedDigest()).isEqualTo(IMAGES.v2().digest());

    h.fault("bootloader-fallback", 1, 0);
    h.reboot();
    h.restart();
    ObservedHost fell = BootcStatusParser.parse(h.status(), "sim");
    assertThat(fell.booted().image().imageDigest()).isEqualTo(IMAGES.v1().digest());
    assertThat(h.revertQueuedRollback()).isTrue(); // the fallback queued a return to the failed image
    assertThatThrownBy(() -> h.fault("no-such-fault", 1, 0)).isInstanceOf(SimError.class)
        .hasMessageContaining("unknown fault no-such-fault");
  }

  @Test
  void anImageTheRegistryLacks_failsTheSwitch_inOneLine() throws Exception {
    MemoryBootc h = host();

    assertThatThrownBy(() -> h.switchTo(IMAGES.registry().host() + "/fleet/absent@sha256:" + "0".repeat(64), "registry",
        false)).isInstanceOf(HostDriver.HostException.class).hasMessageStartingWith("bootc (simulated) failed: error:"
        + " Switching: Pulling: ").hasMessageNotContaining("\n");
    assertThat(h.stagedDigest()).isNull();
  }
}
