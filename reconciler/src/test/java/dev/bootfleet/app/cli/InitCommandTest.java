package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InitCommandTest {
  @ParameterizedTest(name = "into {0} folder")
  @ValueSource(strings = {"a new", "an empty"})
  void init_writesAStarterFleet_thatValidatesAsItIs(String kind, @TempDir Path tmp) throws Exception {
    Path fleet = tmp.resolve("fleet");
    if (kind.equals("an empty")) {
      Files.createDirectory(fleet);
    }

    Cli.Run init = Cli.run("init", fleet.toString());
    Cli.Run validate = Cli.run("validate", "--repo", fleet.toString());

    assertThat(init.exit()).as(init.err()).isZero();
    assertThat(init.out()).startsWith("Wrote a starter fleet to " + fleet + ": ");
    assertThat(validate.exit()).as(validate.err()).isZero();
    assertThat(validate.out()).startsWith("valid: 1 host, 0 errors, ");
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).as("no staging folder stays beside it").containsExactly(fleet);
    }
  }

  @Test
  void init_refusesAFolderThatIsNotEmpty_andWritesNothing(@TempDir Path tmp) throws Exception {
    Path fleet = Files.createDirectories(tmp.resolve("fleet"));
    Files.writeString(fleet.resolve("notes.txt"), "mine");

    Cli.Run r = Cli.run("init", fleet.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("bootfleet: error: init " + fleet + ": the folder is not empty (expected a new or"
        + " empty folder)\n");
    try (Stream<Path> all = Files.walk(tmp)) {
      assertThat(all).containsExactlyInAnyOrder(tmp, fleet, fleet.resolve("notes.txt"));
    }
  }

  @Test
  void init_refusesAFile(@TempDir Path tmp) throws Exception {
    Path file = Files.writeString(tmp.resolve("fleet"), "x");

    Cli.Run r = Cli.run("init", file.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("bootfleet: error: init " + file + ": not a folder (expected a new or empty"
        + " folder)\n");
  }
}
