package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.Example;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where --out may write: a file is replaced, a device or FIFO written to, an input of the run refused. */
class OutputTargetTest {
  private static final String REPO = Example.fleetRepo().toString();
  private static final String OBSERVED = Example.fleetRepo().resolve("observed").toString();

  @Test
  void out_isOneLineErrorAndExitOne_whenTheDeviceIsFull() {
    Cli.Run r = Cli.run("plan", "--repo", REPO, "--observed", OBSERVED, "--out", "/dev/full");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().filter(l -> !l.contains(": warning: ")))
        .containsExactly("bootfleet: error: --out /dev/full: cannot write: No space left on device");
    assertThat(Files.isRegularFile(Path.of("/dev/full"))).isFalse();
  }

  @Test
  void out_writesThroughTheFifo_whenOutIsAFifo(@TempDir Path tmp) throws Exception {
    Path fifo = tmp.resolve("plan.pipe");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Path got = tmp.resolve("got");
    Process reader = new ProcessBuilder("cat", fifo.toString()).redirectOutput(got.toFile()).start();
    Cli.Run r;
    try {
      r = Cli.run("drift", "--repo", REPO, "--observed", OBSERVED, "--format", "json", "--out", fifo.toString());
      assertThat(reader.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      reader.destroy();
    }

    assertThat(r.exit()).isZero();
    assertThat(Files.readString(got)).startsWith("{");
    assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).as("still a FIFO").isFalse();
  }

  @Test
  void out_replacesTheLinksTarget_whenOutIsALink(@TempDir Path tmp) throws Exception {
    Path real = Files.writeString(tmp.resolve("plan.md"), "old");
    Path link = Files.createSymbolicLink(tmp.resolve("latest.md"), real.getFileName());

    Cli.Run r = Cli.run("plan", "--repo", REPO, "--observed", OBSERVED, "--format", "markdown", "--out",
        link.toString());

    assertThat(r.exit()).isZero();
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(real)).startsWith("<!-- bootfleet:plan -->");
  }
}
