package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.Example;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14, defect 3: a small manifest that expands to gigabytes is one line, not an OutOfMemoryError. */
class Issue14Test {
  @ParameterizedTest
  @ValueSource(strings = {"validate", "plan"})
  void command_refusesInOneLine_whenAManifestAliasesALargeValueThousandsOfTimes(String command, @TempDir Path tmp)
      throws Exception {
    Path repo = tmp.resolve("fleet");
    Example.copyTree(Example.fleetRepo(), repo);
    StringBuilder y = new StringBuilder("""
        apiVersion: bootfleet.dev/v1alpha1
        kind: Host
        metadata:
          name: web-01
          labels: {role: web, site: fra1}
        spec:
          etc:
            - path: /etc/big0
              content: &big\s""").append("x".repeat(900_000)).append('\n');
    for (int i = 1; i <= 2000; i++) {
      y.append("    - path: /etc/big").append(i).append("\n      content: *big\n");
    }
    Files.writeString(repo.resolve("hosts/web-01.yaml"), y);

    Cli.Run r = command.equals("validate") ? Cli.run("validate", "--repo", repo.toString())
        : Cli.run("plan", "--repo", repo.toString(), "--observed", repo.resolve("observed").toString(), "--format",
            "markdown");

    assertThat(r.exit()).isEqualTo(1);
    String all = r.out() + r.err();
    assertThat(all.lines().filter(l -> l.contains(": error: "))).singleElement().asString()
        .startsWith("hosts/web-01.yaml:").contains("file expands to more than 16 MiB of text");
    assertThat(all).doesNotContain("OutOfMemoryError", "\tat ");
  }
}
