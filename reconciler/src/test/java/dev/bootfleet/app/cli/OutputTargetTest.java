package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.Example;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where --out may write: a file is replaced, a device or FIFO written to, an input of the run refused. */
class OutputTargetTest {
  private static final String REPO = Example.fleetRepo().toString();
  private static final String OBSERVED = Example.fleetRepo().resolve("observed").toString();

  @Test
  void out_isOneLineErrorAndExitOne_whenTheDeviceIsFull(@TempDir Path tmp) throws Exception {
    // A link of our own to /dev/full: before the fix, a run as root renamed its report over the path.
    Path full = Files.createSymbolicLink(tmp.resolve("full"), Path.of("/dev/full"));

    Cli.Run r = Cli.run("plan", "--repo", REPO, "--observed", OBSERVED, "--out", full.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().filter(l -> !l.contains(": warning: ")))
        .containsExactly("bootfleet: error: --out " + full + ": cannot write: No space left on device");
    assertThat(Files.isSymbolicLink(full)).isTrue();
    assertThat(Files.isRegularFile(Path.of("/dev/full"))).isFalse();
    Files.delete(full);
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

  @ParameterizedTest
  @ValueSource(strings = {"hosts/web-01.yaml", "groups/web.yaml", "files/chrony.conf", "observed/web-01.json",
      "observed/web-01.etc.json",
      "link-to-manifest"})
  void out_isRefusedAndNothingWritten_whenItIsAFileTheRunReads(String out, @TempDir Path tmp) throws Exception {
    Path repo = tmp.resolve("fleet");
    Example.copyTree(Example.fleetRepo(), repo);
    Files.createSymbolicLink(repo.resolve("link-to-manifest"), Path.of("hosts/web-01.yaml"));
    Path target = repo.resolve(out);
    assertThat(target).as("the example fleet has " + out).exists();
    byte[] before = Files.readAllBytes(target);

    Cli.Run r = Cli.run("plan", "--repo", repo.toString(), "--observed", repo.resolve("observed").toString(),
        "--out", target.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().filter(l -> !l.contains(": warning: ")))
        .singleElement().asString().startsWith("bootfleet: error: --out " + target + ": is a file this run reads (");
    assertThat(Files.readAllBytes(target)).isEqualTo(before);
  }

  @Test
  void out_isWritten_whenItIsInTheRepositoryButNotRead(@TempDir Path tmp) throws Exception {
    Path repo = tmp.resolve("fleet");
    Example.copyTree(Example.fleetRepo(), repo);
    Path target = Files.writeString(repo.resolve("plan.md"), "old");

    Cli.Run r = Cli.run("drift", "--repo", repo.toString(), "--observed", repo.resolve("observed").toString(),
        "--out", target.toString());

    assertThat(r.exit()).isZero();
    assertThat(Files.readString(target)).isNotEqualTo("old");
  }
}
