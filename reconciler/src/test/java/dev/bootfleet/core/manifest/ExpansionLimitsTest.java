package dev.bootfleet.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.adapters.git.WorkTreeFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14: what one revision may expand to, per file and in all, as the loader reports it. */
class ExpansionLimitsTest {
  @TempDir
  Path repo;

  private static final long BIG = 1L << 40;

  private void host(String name, String etc) throws IOException {
    Files.createDirectories(repo.resolve("hosts"));
    Files.writeString(repo.resolve("hosts/" + name + ".yaml"), """
        apiVersion: bootfleet.dev/v1alpha1
        kind: Host
        metadata:
          name: %s
        spec:
          image:
            ref: quay.io/example/os@sha256:%s
          etc:
        %s""".formatted(name, "a".repeat(64), etc));
  }

  /** {@code n} /etc entries from the same source file. */
  private static String fromSource(String source, int n) {
    StringBuilder y = new StringBuilder();
    for (int i = 0; i < n; i++) {
      y.append("    - path: /etc/f").append(i).append("\n      source: ").append(source).append('\n');
    }
    return y.toString();
  }

  private List<String> errors(ExpansionLimits limits) throws IOException {
    Fleet fleet = FleetLoader.load(new WorkTreeFiles(repo), new FleetLoader.Options(false, limits));
    assertThat(fleet.hosts()).as("nothing is planned past a limit").isEmpty();
    return fleet.problems().stream().filter(Problem::isError).map(Problem::format).toList();
  }

  @Test
  void load_namesTheFileAndTheLimit_whenALargeValueIsAliasedThousandsOfTimes() throws IOException {
    // The case: a 900 KB scalar behind an anchor, aliased 2,000 times, in a 1 MB manifest.
    StringBuilder etc = new StringBuilder("    - path: /etc/big0\n      content: &big " + "x".repeat(900_000)
        + "\n");
    for (int i = 1; i <= 2000; i++) {
      etc.append("    - path: /etc/big").append(i).append("\n      content: *big\n");
    }
    host("web-01", etc.toString());

    assertThat(errors(ExpansionLimits.DEFAULT)).singleElement().asString()
        .startsWith("hosts/web-01.yaml:")
        .contains(": error: file expands to more than 16 MiB of text, counting each alias at the full size of"
            + " what it names (the limit per file;");
  }

  @Test
  void load_namesTheFileThatCrossesIt_whenTheRevisionsTextIsOverTheLimit() throws IOException {
    host("a", fromSource("../files/x", 1));
    host("b", fromSource("../files/x", 1));
    Files.createDirectories(repo.resolve("files"));
    Files.writeString(repo.resolve("files/x"), "x\n");
    long oneFile = 300; // each host file has about 215 characters of scalar text

    assertThat(errors(new ExpansionLimits(oneFile, BIG, BIG))).containsExactly("hosts/b.yaml: error: with this file"
        + " the revision's manifests expand to more than 300 bytes of text, counting each alias at the full size of"
        + " what it names (the limit per revision)");
  }

  @Test
  void load_refusesTheFile_whenItUsesASourceSoOftenThatItsEtcContentIsOverTheLimit() throws IOException {
    Files.createDirectories(repo.resolve("files"));
    Files.writeString(repo.resolve("files/x"), "x".repeat(300));
    host("a", fromSource("../files/x", 4));
    host("b", fromSource("../files/x", 3));

    assertThat(errors(new ExpansionLimits(BIG, 1024, BIG))).containsExactly("hosts/a.yaml: error: spec.etc: declares"
        + " 1200 bytes of /etc content, more than 1 KiB (the limit per file; each use of a source or alias counts;"
        + " ship large files in the image)");
  }

  @Test
  void load_namesTheFileThatCrossesIt_whenTheRevisionsEtcContentIsOverTheLimit() throws IOException {
    Files.createDirectories(repo.resolve("files"));
    Files.writeString(repo.resolve("files/x"), "x".repeat(300));
    host("a", fromSource("../files/x", 2));
    host("b", fromSource("../files/x", 2));

    assertThat(errors(new ExpansionLimits(BIG, BIG, 1024))).containsExactly("hosts/b.yaml: error: spec.etc: with"
        + " this file the revision declares more than 1 KiB of /etc content (the limit per revision; each use of a"
        + " source or alias counts)");
  }
}
