package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The completion script, sourced by a real bash and asked to complete what a user typed. */
class CompletionCommandTest {
  @ParameterizedTest(name = "bootfleet {0}<TAB>")
  @CsvSource(delimiter = '|', value = {
      "val                  | validate",
      "plan --for           | --format",
      "agent cl             | clear-hold",
      "drift --detailed-e   | --detailed-exitcode",
      "comp                 | completion"})
  void completionBash_completesCommandsAndOptions_inBash(String typed, String completed, @TempDir Path tmp)
      throws Exception {
    Cli.Run r = Cli.run("completion", "bash");
    Path script = Files.writeString(tmp.resolve("bootfleet.bash"), r.out());
    String line = "bootfleet " + typed;

    Process bash = new ProcessBuilder("bash", "-c", "source \"$1\" 2>/dev/null; read -ra COMP_WORDS <<<\"$2\";"
        + " COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE=\"$2\"; COMP_POINT=${#COMP_LINE};"
        + " _complete_bootfleet 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"", "bash", script.toString(), line)
        .redirectErrorStream(true).start();
    String out = new String(bash.getInputStream().readAllBytes());

    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(r.exit()).isZero();
    assertThat(out.lines()).contains(completed);
  }

  @Test
  void completion_ofAnotherShell_isOneLine_namingTheShellsThereAre() {
    Cli.Run r = Cli.run("completion", "fish");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("bootfleet: error: Invalid value for positional parameter at index 0 (SHELL):"
        + " expected one of [bash] (case-sensitive) but was 'fish'\n");
  }
}
