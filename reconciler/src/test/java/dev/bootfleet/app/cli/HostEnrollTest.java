package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.TestCa;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostEnrollTest {
  @TempDir
  Path tmp;

  @Test
  void enroll_reportsEveryBadTlsFileAtOnce_beforeReachingTheServer() throws Exception {
    TestCa ca = TestCa.create(tmp.resolve("ca"));
    TestCa.Issued one = ca.issueClient("one");
    TestCa.Issued two = ca.issueClient("two");
    Path token = Files.writeString(tmp.resolve("operator.token"), "bfo_x\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    // port 9 (discard): were it reached, the error would say it cannot reach the server instead
    int exit = Main.run(new PrintWriter(out), new PrintWriter(err), "host", "enroll", "web-01", "--server",
        "https://127.0.0.1:9", "--token-file", token.toString(), "--server-ca", tmp.resolve("gone.pem").toString(),
        "--client-cert", one.certFile().toString(), "--client-key", two.keyFile().toString());

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines()).containsExactly(
        "bootfleet: error: --server-ca " + tmp.resolve("gone.pem") + ": no such file (expected certificates in PEM)",
        "bootfleet: error: --client-key " + two.keyFile() + ": is not the key of the first certificate in "
            + one.certFile() + " (expected the private key of that certificate)");
  }
}
