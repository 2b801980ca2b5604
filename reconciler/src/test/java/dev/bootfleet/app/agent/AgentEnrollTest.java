package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code bootfleet agent enroll}'s refusals: one line each, exit 1, nothing written (AgentServerIT: the exchange). */
class AgentEnrollTest {
  @TempDir
  Path tmp;

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      fleet: {url: /srv/fleet.git}                                  | bfe_token | CONFIG: error: server: is not set (expected server: {url: https://<server>, tokenFile: /etc/bootfleet/host.token}; enrollment is for server mode)
      server: {url: "http://127.0.0.1:9", tokenFile: TMP/host.token} |           | TMP/enroll.token: error: no such file (expected the enrollment token 'bootfleet host enroll' printed)
      server: {url: "http://127.0.0.1:9", tokenFile: TMP/host.token} | two words | TMP/enroll.token: error: is not an enrollment token (expected the one line 'bootfleet host enroll' printed)
      server: {url: "http://127.0.0.1:9", tokenFile: TMP/host.token} | bfe_token | bootfleet: error: server http://127.0.0.1:9 is unreachable: connection refused
      """)
  void enroll_refuses_inOneLine_andWritesNothing(String server, String token, String expected) throws Exception {
    Path config = Files.writeString(tmp.resolve("agent.yaml"), "host: web-01\n" + server.replace("TMP", tmp.toString())
        + "\n");
    Path enrollment = tmp.resolve("enroll.token");
    if (token != null) {
      Files.writeString(enrollment, token + "\n");
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit = new CommandLine(new AgentCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute("enroll", "--config", config.toString(), "--token-file", enrollment.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString().lines().toList()).singleElement().asString()
        .startsWith(expected.replace("CONFIG", config.toString()).replace("TMP", tmp.toString()))
        .doesNotContain("bfe_token").doesNotContain("Exception");
    assertThat(out.toString()).isEmpty();
    assertThat(tmp.resolve("host.token")).doesNotExist();
  }
}
