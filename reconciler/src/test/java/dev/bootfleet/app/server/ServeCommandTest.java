package dev.bootfleet.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class ServeCommandTest {
  static final String OPERATOR = "bfo_" + "A".repeat(43);

  @TempDir
  Path tmp;

  @ParameterizedTest
  @CsvSource({"127.0.0.1, true", "127.0.0.2, true", "::1, true", "localhost, true", "0.0.0.0, false",
      "10.1.2.3, false", "::, false"})
  void loopback_isTrue_onlyForLoopbackAddresses(String host, boolean loopback) {
    assertThat(ServeCommand.loopback(host)).isEqualTo(loopback);
  }

  @Test
  void help_documentsEveryVariableServeReads() {
    String help = new CommandLine(new ServeCommand()).getUsageMessage();
    for (String name : ServeCommand.ENVIRONMENT) {
      assertThat(help).as(name).containsPattern("(?m)^  " + name + " ");
    }
  }

  @Test
  void env_refusesAVariableNotInTheList() {
    ServeCommand c = new ServeCommand();
    c.environment = Map.of("HOME", "/root")::get;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.env("HOME")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void call_namesEveryProblemOfTheEnvironmentAtOnce_withoutItsSecrets() {
    Run r = run(Map.of("BOOTFLEET_OPERATOR_TOKEN", "bfh_" + "S".repeat(43),
        "BOOTFLEET_DATABASE_URL", "jdbc:postgresql://db:5432/fleet?password=hunter2"), "--data", tmp.toString());
    assertThat(r.exit).isEqualTo(1);
    assertThat(r.err.lines()).containsExactly(
        "bootfleet: error: --repo: missing (expected the fleet repository's Git URL, or the environment's BOOTFLEET_REPO)",
        "bootfleet: error: BOOTFLEET_OPERATOR_TOKEN: not an operator credential (not repeated here; expected bfo_ and 43"
            + " base64url characters, e.g. printf bfo_%s \"$(openssl rand -base64 32 | tr '+/' '-_' | tr -d =)\")",
        "bootfleet: error: BOOTFLEET_DATABASE_URL jdbc:postgresql://db:5432/fleet?password=***: the URL carries a"
            + " password (expected it in --database-password-file FILE or the environment's BOOTFLEET_DATABASE_PASSWORD)");
    assertThat(r.err).doesNotContain("SSSS", "hunter2");
    assertThat(tmp.toFile().list()).isEmpty(); // nothing written
  }

  @Test
  void call_takesTheRepositoryFromTheEnvironment_whenNoFlagGivesIt() {
    Run r = run(Map.of("BOOTFLEET_REPO", "https://fleet:t0ken@git.example.com/fleet.git", "BOOTFLEET_OPERATOR_TOKEN",
        OPERATOR), "--data", tmp.toString(), "--poll-seconds", "0");
    assertThat(r.err.lines()).containsExactly(
        "bootfleet: error: --poll-seconds 0: not a number of seconds (expected 1 or more)");
    assertThat(r.command.repo).isEqualTo("https://fleet:t0ken@git.example.com/fleet.git");
  }

  @Test
  void call_prefersTheFlags_toTheEnvironment() {
    Run r = run(Map.of("BOOTFLEET_REPO", "https://env.example.com/fleet.git", "BOOTFLEET_DATABASE_URL",
        "not-a-url"), "--repo", "https://flag.example.com/fleet.git", "--database", "jdbc:postgresql://db/fleet",
        "--data", tmp.toString(), "--poll-seconds", "0");
    assertThat(r.err.lines()).containsExactly(
        "bootfleet: error: --poll-seconds 0: not a number of seconds (expected 1 or more)");
    assertThat(r.command.repo).isEqualTo("https://flag.example.com/fleet.git");
    assertThat(r.command.database).isEqualTo("jdbc:postgresql://db/fleet");
  }

  record Run(int exit, String err, ServeCommand command) {}

  static Run run(Map<String, String> env, String... args) {
    ServeCommand c = new ServeCommand();
    c.environment = env::get;
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(c);
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, err.toString(), c);
  }
}
