package dev.bootfleet.adapters.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The /etc writer on a real folder: atomic writes with attributes, and every way out refused. */
class EtcTreeTest {
  @TempDir
  Path root;
  EtcTree tree;

  @BeforeEach
  void setUp() throws Exception {
    Files.createDirectories(root.resolve("etc"));
    tree = new EtcTree(root);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private int mode(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  @Test
  void write_createsFoldersAndSetsModeOwnerGroup() throws Exception {
    tree.write("/etc/ssh/sshd_config.d/50-bootfleet.conf", b("PasswordAuthentication no\n"), 0600, "root", "root");

    Path f = root.resolve("etc/ssh/sshd_config.d/50-bootfleet.conf");
    assertThat(Files.readString(f)).isEqualTo("PasswordAuthentication no\n");
    assertThat(mode(f)).isEqualTo(0600);
    assertThat(mode(f.getParent())).isEqualTo(0755);
    assertThat(Files.getOwner(f).getName()).isEqualTo("root");
    assertThat(tree.read("/etc/ssh/sshd_config.d/50-bootfleet.conf")).get()
        .satisfies(x -> assertThat(x.mode()).isEqualTo(0600))
        .satisfies(x -> assertThat(x.group()).isEqualTo("root"));
  }

  @Test
  void write_replacesTheFileAndLeavesNoTemporaryFile() throws Exception {
    tree.write("/etc/motd", b("one\n"), 0644, "root", "root");
    tree.write("/etc/motd", b("two\n"), 0640, "root", "root");

    assertThat(Files.readString(root.resolve("etc/motd"))).isEqualTo("two\n");
    assertThat(mode(root.resolve("etc/motd"))).isEqualTo(0640);
    try (Stream<Path> s = Files.list(root.resolve("etc"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("motd");
    }
  }

  @Test
  void write_setsSpecialBitsAfterTheOwner() throws Exception {
    tree.write("/etc/setgid-tool.conf", b("x"), 02750, "root", "root");

    assertThat(mode(root.resolve("etc/setgid-tool.conf"))).isEqualTo(02750);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc/../root/.ssh/authorized_keys", "/etc/./motd", "/etc//motd", "etc/motd",
      "/var/lib/x", "/etc", "/etc/"})
  void write_refusesPathsOutsideEtc(String path) {
    assertThatThrownBy(() -> tree.write(path, b("x"), 0644, "root", "root"))
        .isInstanceOf(EtcTree.EtcException.class)
        .hasMessageStartingWith("path ")
        .hasMessageContaining("(expected an absolute, normalised path under /etc/)");
    assertThat(root.resolve("root")).doesNotExist();
  }

  @Test
  void write_refusesASymlinkedFolder_andWritesNothingThere() throws Exception {
    Path outside = Files.createDirectories(root.resolve("outside"));
    Files.createSymbolicLink(root.resolve("etc/ssh"), outside);

    assertThatThrownBy(() -> tree.write("/etc/ssh/sshd_config", b("x"), 0644, "root", "root"))
        .isInstanceOf(EtcTree.EtcException.class)
        .hasMessage("\"/etc/ssh\" is a symbolic link (to \"" + outside + "\"); bootfleet does not write through"
            + " links under /etc (needed for \"/etc/ssh/sshd_config\")");
    try (Stream<Path> s = Files.list(outside)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void write_refusesASymlinkAtTheFileItself_andLeavesItsTargetAlone() throws Exception {
    Path target = Files.writeString(root.resolve("shadow"), "secret\n");
    Files.createSymbolicLink(root.resolve("etc/motd"), Path.of("../shadow"));

    assertThatThrownBy(() -> tree.write("/etc/motd", b("x"), 0644, "root", "root"))
        .hasMessage("\"/etc/motd\" is a symbolic link (to \"../shadow\"); bootfleet does not write through links"
            + " under /etc");
    assertThat(Files.readString(target)).isEqualTo("secret\n");
    assertThatThrownBy(() -> tree.remove("/etc/motd")).isInstanceOf(EtcTree.EtcException.class);
    assertThat(Files.isSymbolicLink(root.resolve("etc/motd"))).isTrue();
  }

  @Test
  void write_refusesWhenEtcItselfIsALink() throws Exception {
    Path other = Files.createDirectories(root.resolve("elsewhere"));
    Path root2 = Files.createDirectories(root.resolve("r2"));
    Files.createSymbolicLink(root2.resolve("etc"), other);

    assertThatThrownBy(() -> new EtcTree(root2).write("/etc/motd", b("x"), 0644, "root", "root"))
        .hasMessageStartingWith("\"/etc\" is a symbolic link");
  }

  @Test
  void write_refusesAFolderOrAFileInTheWay() throws Exception {
    Files.createDirectories(root.resolve("etc/motd.d"));
    Files.writeString(root.resolve("etc/hosts"), "x");

    assertThatThrownBy(() -> tree.write("/etc/motd.d", b("x"), 0644, "root", "root"))
        .hasMessage("\"/etc/motd.d\" is a folder (expected a regular file or nothing)");
    assertThatThrownBy(() -> tree.write("/etc/hosts/x", b("x"), 0644, "root", "root"))
        .hasMessage("\"/etc/hosts\" is a file, not a folder (needed for \"/etc/hosts/x\")");
  }

  @Test
  void write_refusesAnOversizedFile_withTheSizeAndTheLimit() {
    assertThatThrownBy(() -> tree.write("/etc/big.conf", new byte[2 * 1024 * 1024], 0644, "root", "root"))
        .hasMessage("\"/etc/big.conf\" is 2 MiB, more than the 1 MiB bootfleet writes under /etc (ship large files"
            + " in the image)");
    assertThat(root.resolve("etc/big.conf")).doesNotExist();
  }

  @Test
  void write_refusesAnUnknownOwner() {
    assertThatThrownBy(() -> tree.write("/etc/x.conf", b("x"), 0644, "no-such-user-bootfleet", "root"))
        .hasMessage("\"/etc/x.conf\": owner \"no-such-user-bootfleet\" is not a user on this host");
  }

  @Test
  void imageDefault_readsUsrEtc_butNotThroughLinks() throws Exception {
    Files.createDirectories(root.resolve("usr/etc/chrony"));
    Files.writeString(root.resolve("usr/etc/chrony/chrony.conf"), "pool 2.fedora.pool.ntp.org iburst\n");
    Files.createSymbolicLink(root.resolve("usr/etc/linked"), root.resolve("usr/etc/chrony"));

    assertThat(tree.imageDefault("/etc/chrony/chrony.conf")).get()
        .satisfies(f -> assertThat(new String(f.content(), StandardCharsets.UTF_8)).startsWith("pool "));
    assertThat(tree.imageDefault("/etc/linked/chrony.conf")).isEmpty();
  }

  @Test
  void removeStaleTemps_removesOnlyBootfleetTemporaryFiles() throws Exception {
    Files.writeString(root.resolve("etc/.motd.bootfleet-0011223344556677.tmp"), "half");
    Files.writeString(root.resolve("etc/.hidden"), "keep");

    assertThat(tree.removeStaleTemps("/etc/motd")).isEqualTo(1);
    try (Stream<Path> s = Files.list(root.resolve("etc"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly(".hidden");
    }
  }
}
