package dev.bootfleet.core.plan;

import static dev.bootfleet.core.plan.Hosts.NEW;
import static dev.bootfleet.core.plan.Hosts.OLD;
import static dev.bootfleet.core.plan.Hosts.entry;
import static dev.bootfleet.core.plan.Hosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.ImageSpec;
import dev.bootfleet.core.manifest.Transport;
import dev.bootfleet.core.observed.ObservedHost;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The four situations after a boot in the bootc reference (section 10), and the two before it. */
class BootCheckTest {
  static final ImageSpec STAGED = new ImageSpec(NEW, Transport.REGISTRY, false, ImageRef.parse(NEW));

  static BootCheck.Staged record(boolean locked, boolean rebootRequested) {
    return new BootCheck.Staged(STAGED, "boot-1", locked, rebootRequested);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("nothing staged by the agent", null, "boot-2", host(entry(OLD), null, null, false),
            BootCheck.Outcome.NONE),
        Arguments.of("same boot", record(false, true), "boot-1", host(entry(OLD), entry(NEW), null, false),
            BootCheck.Outcome.PENDING),
        Arguments.of("new boot, still staged", record(false, false), "boot-2", host(entry(OLD), entry(NEW), null, false),
            BootCheck.Outcome.PENDING),
        Arguments.of("booted it", record(false, true), "boot-2", host(entry(NEW), null, entry(OLD), false),
            BootCheck.Outcome.CONVERGED),
        Arguments.of("old image, nothing staged, agent rebooted", record(true, true), "boot-2",
            host(entry(OLD), null, null, false), BootCheck.Outcome.STAGED_LOST),
        Arguments.of("old image, nothing staged, not locked", record(false, false), "boot-2",
            host(entry(OLD), null, null, false), BootCheck.Outcome.STAGED_LOST),
        Arguments.of("locked entry, a reboot the agent did not ask for", record(true, false), "boot-2",
            host(entry(OLD), null, null, false), BootCheck.Outcome.STAGED_DISCARDED),
        Arguments.of("rollback slot, queued", record(false, true), "boot-2", host(entry(OLD), null, entry(NEW), true),
            BootCheck.Outcome.BOOTLOADER_FALLBACK),
        Arguments.of("rollback slot, not queued", record(false, true), "boot-2",
            host(entry(OLD), null, entry(NEW), false), BootCheck.Outcome.EXPLICIT_ROLLBACK));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void classify(String name, BootCheck.Staged record, String bootId, ObservedHost host, BootCheck.Outcome want) {
    assertThat(BootCheck.classify(record, bootId, host)).isEqualTo(want);
  }
}
