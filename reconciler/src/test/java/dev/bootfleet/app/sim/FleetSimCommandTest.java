package dev.bootfleet.app.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sim fleet}'s options: every mistake at once, one line each, before any host is made. */
class FleetSimCommandTest {
  @TempDir
  Path tmp;

  record Run(int exit, String err) {}

  Run run(String... extra) throws Exception {
    Path token = Files.writeString(tmp.resolve("operator.token"), "bfo_x\n");
    List<String> args = new ArrayList<>(List.of("--server", "http://127.0.0.1:9", "--operator-token-file",
        token.toString(), "--image", DemoImages.REPOSITORY + ":1.0", "--dir", tmp.resolve("sim").toString()));
    args.addAll(List.of(extra));
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new FleetSimCommand()).setErr(new PrintWriter(err)).setOut(new PrintWriter(
        new StringWriter())).execute(args.toArray(String[]::new));
    return new Run(exit, err.toString());
  }

  @Test
  void noHosts_orBothForms_isOneLineEach() throws Exception {
    assertThat(run().err()).contains("bootfleet: error: no hosts: expected --hosts N or --names NAME,NAME...");
    assertThat(run("--hosts", "2", "--names", "a,b").err()).contains("--hosts 2 and --names: expected one of them");
  }

  @Test
  void badNames_areEachNamed_allAtOnce() throws Exception {
    Run r = run("--names", "web-01,Web_02,web-01", "--images", "nexus", "--interval-seconds", "0");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().toList()).containsExactly(
        "bootfleet: error: --names Web_02: not a host name (expected lower-case letters, digits, '-' and '.')",
        "bootfleet: error: --names web-01: named twice (expected each host once)",
        "bootfleet: error: --images nexus: expected registry or demo",
        "bootfleet: error: --interval-seconds 0: expected 1 or more");
    assertThat(Files.exists(tmp.resolve("sim"))).isFalse();
  }

  @Test
  void unhealthyImage_theCatalogDoesNotHave_isAnError_withTheOtherProblems() throws Exception {
    Run r = run("--names", "web-01", "--images", "demo", "--unhealthy-image", DemoImages.REPOSITORY + ":9.9",
        "--unhealthy-image", "sha256:" + "a".repeat(64), "--fault", "melt");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().toList()).hasSize(2).anySatisfy(l -> assertThat(l).startsWith(
        "bootfleet: error: --unhealthy-image " + DemoImages.REPOSITORY + ":9.9: cannot be looked up (")
        .contains("manifest unknown"))
        .anySatisfy(l -> assertThat(l).startsWith("bootfleet: error: --fault melt: expected FAULT"));
  }

  @Test
  void unhealthyDigest_isTheDigestGiven_orTheOneItsReferenceResolvesTo() throws Exception {
    SimulatedFleet.Lookup demo = SimulatedFleet.lookup("demo");
    assertThat(SimulatedFleet.unhealthyDigest(DemoImages.REPOSITORY + ":1.2-broken", demo, "amd64"))
        .isEqualTo(DemoImages.digest("1.2-broken"));
    assertThat(SimulatedFleet.unhealthyDigest("sha256:" + "b".repeat(64), demo, "amd64"))
        .isEqualTo("sha256:" + "b".repeat(64));
  }

  @Test
  void failure_isOneLine_namingTheExceptionAndWhereInBootfleet() {
    RuntimeException e = new IllegalStateException("two\nlines");
    e.setStackTrace(new StackTraceElement[] {new StackTraceElement("java.util.Objects", "requireNonNull", "O.java", 1),
        new StackTraceElement("dev.bootfleet.app.agent.BootcSteps", "rollback", "BootcSteps.java", 91)});

    assertThat(SimulatedFleet.failure(e)).isEqualTo("java.lang.IllegalStateException: two lines at BootcSteps.rollback:91");
  }
}
