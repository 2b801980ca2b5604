package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void hostEnroll_isOneLine_whenTheServerCannotBeReached() throws Exception {
    Path token = tmp.resolve("operator.token");
    Files.writeString(token, "bfo_secret-value\n");
    Cli.Run r = Cli.run("host", "enroll", "web-01", "--server", "http://127.0.0.1:9", "--token-file", token.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err()).startsWith("bootfleet: error: --server http://127.0.0.1:9: cannot reach").doesNotContain("bfo_secret");
  }
}
