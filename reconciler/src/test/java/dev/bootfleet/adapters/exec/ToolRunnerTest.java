package dev.bootfleet.adapters.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The process runner both OS drivers use: argument lists, LC_ALL=C, exit codes and one-line errors. */
class ToolRunnerTest {
  @Test
  void run_setsLcAllC_andPassesArgumentsWithoutAShell() throws Exception {
    ToolRunner sh = new ToolRunner("sh", List.of("/bin/sh", "-c", "echo \"$LC_ALL|$1\"", "sh"), Duration.ofSeconds(10));

    ToolRunner.Result r = sh.run("a b; echo injected");

    assertThat(r.exit()).isZero();
    assertThat(r.stdout()).isEqualTo("C|a b; echo injected\n");
  }

  @Test
  void check_acceptsTheGivenExitCodes_andFailsWithTheErrorLine() throws Exception {
    ToolRunner sh = new ToolRunner("tool", List.of("/bin/sh", "-c",
        "echo 'error: Updates are driven by X' >&2; echo 'See the docs' >&2; exit \"$1\"", "sh"), Duration.ofSeconds(10));

    assertThat(sh.check(new String[] {"77"}, 0, 77).exit()).isEqualTo(77);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> sh.check(new String[] {"1"}))
        .hasMessage("tool 1: exit 1: error: Updates are driven by X");
  }
}
