package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bootfleet rollout}'s own refusals, made before any request: every problem at once, one line each. */
class RolloutCommandTest {
  @TempDir
  Path tmp;

  @Test
  void status_reportsTheName_theInterval_andTheCredential_atOnce() {
    Path gone = tmp.resolve("gone.token");
    // port 9 (discard): were it reached, the error would say it cannot reach the server instead
    Result r = run("rollout", "status", "Not_A_Name", "--watch", "--interval-seconds", "0", "--server",
        "http://127.0.0.1:9", "--token-file", gone.toString());

    assertThat(r.exit).isEqualTo(1);
    assertThat(r.out).isEmpty();
    assertThat(r.err.lines()).containsExactly(
        "bootfleet: error: rollout Not_A_Name: not a rollout name (expected a DNS-1123 name, as 'bootfleet rollout"
            + " list' prints them)",
        "bootfleet: error: --interval-seconds 0: expected 1 to 3600",
        "bootfleet: error: --token-file " + gone + ": no such file (expected one line: an operator token, such as the"
            + " server's DATA/operator.token)");
  }

  @Test
  void approve_reportsTheName_theWave_andTheMissingServer_atOnce() {
    Result r = run("rollout", "approve", "Web", "Early!");

    assertThat(r.exit).isEqualTo(1);
    assertThat(r.err.lines()).containsExactly(
        "bootfleet: error: rollout Web: not a rollout name (expected a DNS-1123 name, as 'bootfleet rollout list'"
            + " prints them)",
        "bootfleet: error: wave Early!: not a wave name (expected a DNS-1123 name, as 'bootfleet rollout status ID'"
            + " prints them)",
        "bootfleet: error: missing --server URL (expected the server's base URL, e.g. https://bootfleet.example:8443)");
  }

  private record Result(int exit, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(exit, out.toString(), err.toString());
  }
}
