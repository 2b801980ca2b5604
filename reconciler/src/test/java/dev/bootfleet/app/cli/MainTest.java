package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
}
