package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** bootfleet serve's bad options: every problem at once, one line each, exit 1, nothing started or written. */
class ServeOptionsTest {
  @TempDir
  Path tmp;

  @Test
  void serve_listsEveryBadOption_andStartsNothing() throws Exception {
    Path data = tmp.resolve("data");
    Files.writeString(tmp.resolve("empty.secret"), "\n");
    Cli.Run r = Cli.run("serve", "--repo", "file:///nowhere", "--data", data.toString(), "--listen", "localhost",
        "--poll-seconds", "0", "--stale-seconds", "-5", "--webhook-secret-file", tmp.resolve("empty.secret").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().toList()).containsExactly(
        "bootfleet: error: --listen localhost: not HOST:PORT (expected for example 127.0.0.1:8080)",
        "bootfleet: error: --poll-seconds 0: not a number of seconds (expected 1 or more)",
        "bootfleet: error: --stale-seconds -5: not a number of seconds (expected 1 or more)",
        "bootfleet: error: --webhook-secret-file " + tmp.resolve("empty.secret") + ": the file is empty (expected the secret)");
    assertThat(data).doesNotExist();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a password parameter | jdbc:postgresql://127.0.0.1:5432/fleet?user=u&password=hunter2"
          + " | --database jdbc:postgresql://127.0.0.1:5432/fleet?user=u&password=***: the URL carries a password"
          + " (expected it in --database-password-file FILE or the environment's BOOTFLEET_DATABASE_PASSWORD)",
      "a password before the host | jdbc:postgresql://u:hunter2@127.0.0.1/fleet"
          + " | --database jdbc:postgresql://u:***@127.0.0.1/fleet: the URL carries a password"
          + " (expected it in --database-password-file FILE or the environment's BOOTFLEET_DATABASE_PASSWORD)",
      "another engine | jdbc:mysql://127.0.0.1/fleet"
          + " | --database jdbc:mysql://127.0.0.1/fleet: not a PostgreSQL JDBC URL (expected jdbc:postgresql://HOST:PORT/DB)",
      "no database name | jdbc:postgresql://127.0.0.1:5432"
          + " | --database jdbc:postgresql://127.0.0.1:5432: not a PostgreSQL JDBC URL (expected jdbc:postgresql://HOST:PORT/DB)"})
  void serve_refusesADatabaseUrl_withAPasswordOrNotPostgres(String what, String url, String line) {
    Path data = tmp.resolve("data");
    Cli.Run r = Cli.run("serve", "--repo", "file:///nowhere", "--data", data.toString(), "--database", url);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().toList()).containsExactly("bootfleet: error: " + line);
    assertThat(r.err()).doesNotContain("hunter2");
    assertThat(data).doesNotExist();
  }

  @Test
  void serve_listsDatabaseProblems_withTheOthers() throws Exception {
    Path data = tmp.resolve("data");
    Files.writeString(tmp.resolve("empty.pw"), "");
    Cli.Run r = Cli.run("serve", "--repo", "file:///nowhere", "--data", data.toString(), "--poll-seconds", "0",
        "--database-user", "fleet", "--database-password-file", tmp.resolve("empty.pw").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().toList()).containsExactly(
        "bootfleet: error: --poll-seconds 0: not a number of seconds (expected 1 or more)",
        "bootfleet: error: --database-user fleet: only with --database (expected --database jdbc:postgresql://HOST:PORT/DB)",
        "bootfleet: error: --database-password-file " + tmp.resolve("empty.pw")
            + ": only with --database (expected --database jdbc:postgresql://HOST:PORT/DB)");
    r = Cli.run("serve", "--repo", "file:///nowhere", "--data", data.toString(), "--database",
        "jdbc:postgresql://127.0.0.1:5432/fleet", "--database-password-file", tmp.resolve("empty.pw").toString());
    assertThat(r.err().lines().toList()).containsExactly("bootfleet: error: --database-password-file "
        + tmp.resolve("empty.pw") + ": the file is empty (expected the secret)");
    assertThat(data).doesNotExist();
  }

  @Test
  void serve_isOneLine_whenTheDatabaseCannotBeReached() throws Exception {
    Path data = tmp.resolve("data");
    Files.writeString(tmp.resolve("db.pw"), "hunter2\n");
    Cli.Run r = Cli.run("serve", "--repo", "file:///nowhere", "--data", data.toString(), "--listen", "127.0.0.1:0",
        "--database", "jdbc:postgresql://127.0.0.1:9/fleet", "--database-user", "fleet",
        "--database-password-file", tmp.resolve("db.pw").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err()).startsWith("bootfleet: error: --database jdbc:postgresql://127.0.0.1:9/fleet: cannot connect (")
        .doesNotContain("hunter2", "Exception");
    assertThat(data).doesNotExist();
  }

  @Test
  void hostEnroll_isOneLine_whenTheServerCannotBeReached() throws Exception {
    Path token = tmp.resolve("operator.token");
    Files.writeString(token, "bfo_secret-value\n");
    Cli.Run r = Cli.run("host", "enroll", "web-01", "--server", "http://127.0.0.1:9", "--token-file", token.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err()).startsWith("bootfleet: error: server http://127.0.0.1:9 is unreachable: ").doesNotContain("bfo_secret");
  }
}
