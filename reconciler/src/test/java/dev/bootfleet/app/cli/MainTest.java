package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {
  @ParameterizedTest(name = "bootfleet {0} --version")
  @ValueSource(strings = {"", "validate", "plan", "drift", "pin", "bake", "agent"})
  void everyCommand_printsTheVersion(String command) {
    Cli.Run r = command.isEmpty() ? Cli.run("--version") : Cli.run(command, "--version");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).matches("bootfleet \\S+\\R");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aMistypedCommand_isNamed_withTheCommandMeant() {
    Cli.Run r = Cli.run("plna", "--repo", ".");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("bootfleet: error: 'plna' is not a command (expected validate, plan, drift, pin,"
        + " bake or agent); did you mean plan?\n").contains("Try 'bootfleet --help'");
  }

  @Test
  void aMistypedOption_getsTheOptionMeant() {
    Cli.Run r = Cli.run("pin", "--chek");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("bootfleet: error: Unknown option: '--chek'; did you mean --check?\n")
        .contains("Try 'bootfleet pin --help'");
  }

  @Test
  void aMistypedOption_amongManyWithTheSameStart_getsTheClosest() {
    Cli.Run r = Cli.run("pin", "--repoo", "x");

    assertThat(r.err()).startsWith("bootfleet: error: Unknown options: '--repoo', 'x'; did you mean --repo?\n");
  }
}
