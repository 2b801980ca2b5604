package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a cycle's report says of health when the cycle itself rebooted the host (the fleet simulator's hosts). */
class CycleReportTest {
  static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  @Test
  void bootNow_aCycleThatRebooted_reportsNoHealth_forTheVerdictWasOnTheBootBefore() {
    CycleReport rep = new CycleReport("web-01", Instant.EPOCH, "boot-1", QUIET);
    rep.health(new HealthChecks.Result("healthy", List.of()));

    rep.bootNow("boot-2");

    assertThat(rep.health()).isNull();
    assertThat(rep.notes).anySatisfy(n -> assertThat(n).contains("not reported"));
  }

  @Test
  void bootNow_theSameBoot_keepsTheVerdict() {
    CycleReport rep = new CycleReport("web-01", Instant.EPOCH, "boot-1", QUIET);
    rep.health(new HealthChecks.Result("failed", List.of()));

    rep.bootNow("boot-1");

    assertThat(rep.health()).isEqualTo("failed");
  }
}
