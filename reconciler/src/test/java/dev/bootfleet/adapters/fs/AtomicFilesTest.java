package dev.bootfleet.adapters.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the atomic write does with each kind of thing at the target: only a regular file is replaced. */
class AtomicFilesTest {
  @TempDir
  Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void assertNoTemporaryFile() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(AtomicFiles.TMP_MARK));
    }
  }

  @Test
  void write_replacesTheFile_whenItIsRegular() throws Exception {
    Path f = dir.resolve("plan.txt");
    Files.writeString(f, "old\n");

    AtomicFiles.write(f, b("new\n"), AtomicFiles.Attributes.mode(0640));

    assertThat(Files.readString(f)).isEqualTo("new\n");
    assertThat((Integer) Files.getAttribute(f, "unix:mode") & 07777).isEqualTo(0640);
    assertNoTemporaryFile();
  }

  @Test
  void write_followsTheLinkAndKeepsIt_whenTargetIsASymbolicLink() throws Exception {
    Files.createDirectories(dir.resolve("reports"));
    Path real = dir.resolve("reports/plan.txt");
    Files.writeString(real, "old\n");
    Path link = Files.createSymbolicLink(dir.resolve("latest"), Path.of("reports/plan.txt"));

    AtomicFiles.write(link, b("new\n"), AtomicFiles.Attributes.userFile());

    assertThat(Files.isSymbolicLink(link)).as("the link is still a link").isTrue();
    assertThat(Files.readString(real)).isEqualTo("new\n");
    assertNoTemporaryFile();
  }

  @Test
  void write_createsTheLinksTarget_whenTheLinkDangles() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("latest"), Path.of("plan.txt"));

    AtomicFiles.write(link, b("new\n"), AtomicFiles.Attributes.userFile());

    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(dir.resolve("plan.txt"))).isEqualTo("new\n");
  }

  @Test
  void write_writesThrough_whenTargetIsAFifo() throws Exception {
    Path fifo = dir.resolve("pipe");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Path got = dir.resolve("got");
    Process reader = new ProcessBuilder("cat", fifo.toString()).redirectOutput(got.toFile()).start();
    try {
      AtomicFiles.write(fifo, b("through the pipe\n"), AtomicFiles.Attributes.userFile());
      assertThat(reader.waitFor(60, TimeUnit.SECONDS)).as("the reader saw the end").isTrue();
    } finally {
      reader.destroy();
    }

    assertThat(Files.readString(got)).isEqualTo("through the pipe\n");
    assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).as("still a FIFO").isFalse();
    assertThat(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS)).isTrue();
  }

  @Test
  void write_writesThrough_whenTargetIsACharacterDevice() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("null"), Path.of("/dev/null"));

    AtomicFiles.write(link, b("gone\n"), AtomicFiles.Attributes.userFile());

    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.isRegularFile(Path.of("/dev/null"))).isFalse();
    assertNoTemporaryFile();
    Files.delete(link); // JUnit would warn about a link leaving its folder
  }

  @Test
  void write_failsAndLeavesTheDevice_whenTheDeviceIsFull() throws Exception {
    // Through a link of our own: the code before the fix renamed over the path, and as root it would have
    // replaced the machine's /dev/full itself.
    Path link = Files.createSymbolicLink(dir.resolve("full"), Path.of("/dev/full"));

    assertThatThrownBy(() -> AtomicFiles.write(link, b("x\n"), AtomicFiles.Attributes.userFile()))
        .isInstanceOf(IOException.class).hasMessageContaining("No space left on device");
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.isRegularFile(Path.of("/dev/full"))).as("still a device").isFalse();
    Files.delete(link);
  }

  @Test
  void write_refusesAndLeavesIt_whenTargetIsAFolder() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("plan.txt"));
    Path link = Files.createSymbolicLink(dir.resolve("latest"), folder.getFileName());

    assertThatThrownBy(() -> AtomicFiles.write(link, b("x\n"), AtomicFiles.Attributes.userFile()))
        .isInstanceOf(AtomicFiles.NotWritable.class).hasMessageEndingWith("is a folder (expected a file, a"
            + " character device or a FIFO)");
    assertThat(Files.isDirectory(folder)).isTrue();
    assertNoTemporaryFile();
  }

  @org.junit.jupiter.api.Test
  void write_thatFails_namesTheFileAskedFor_andWhy_notTheTemporaryFile(@org.junit.jupiter.api.io.TempDir Path tmp) {
    Path target = tmp.resolve("missing-folder/plan.json");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AtomicFiles.write(target, new byte[] {1},
            AtomicFiles.Attributes.mode(0644)))
        .isInstanceOf(java.nio.file.FileSystemException.class)
        .hasMessage(target + ": no such file or folder");
  }
}
