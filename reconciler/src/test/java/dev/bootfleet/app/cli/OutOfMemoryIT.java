package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.Example;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14: a revision within the limits on a JVM too small for it is one line and exit 1, never a trace. */
class OutOfMemoryIT {
  @Test
  void plan_isOneLineAndExitOne_whenTheJvmRunsOutOfMemory(@TempDir Path tmp) throws Exception {
    Path repo = tmp.resolve("fleet");
    Example.copyTree(Example.fleetRepo(), repo);
    String line = "x".repeat(99) + "\n";
    String block = ("        " + line).repeat(10_000); // 1,000,000 bytes, within every limit
    for (int h = 1; h <= 8; h++) {
      StringBuilder y = new StringBuilder("apiVersion: bootfleet.dev/v1alpha1\nkind: Host\nmetadata:\n  name: big-0"
          + h + "\n  labels: {role: web, site: fra1}\nspec:\n  etc:\n    - path: /etc/big/0.conf\n      content: &big |\n"
          + block);
      for (int f = 1; f < 16; f++) {
        y.append("    - path: /etc/big/").append(f).append(".conf\n      content: *big\n");
      }
      Files.writeString(repo.resolve("hosts/big-0" + h + ".yaml"), y);
      Files.copy(repo.resolve("observed/web-01.json"), repo.resolve("observed/big-0" + h + ".json"));
    }

    CliIT.Run r = CliIT.bootfleet(Map.of("BOOTFLEET_JAVA_OPTS", "-Xmx64m"), "plan", "--repo", repo.toString(),
        "--observed", repo.resolve("observed").toString(), "--format", "markdown");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().filter(l -> !l.contains(": warning: "))).singleElement().asString()
        .startsWith("bootfleet: error: the Java VM ran out of memory (OutOfMemoryError");
    CliIT.assertNoStackTrace(r);
  }
}
