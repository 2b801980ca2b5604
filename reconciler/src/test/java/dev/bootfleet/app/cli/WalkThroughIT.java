package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * README's walk-throughs, run as a user runs them: each script starts Debian's docker-registry on
 * loopback, checks every exit code on its way and ends with "NAME: OK". A missing tool fails the
 * script with the Debian package to install.
 */
class WalkThroughIT {
  @ParameterizedTest(name = "examples/{0}.sh")
  @ValueSource(strings = {"images-demo", "agent-demo"})
  void walkThrough_endsOk(String name, @TempDir Path tmp) throws Exception {
    Path work = tmp.resolve("work");

    CliIT.Run r = CliIT.run(Map.of(), CliIT.ROOT.resolve("examples/" + name + ".sh").toString(),
        "--dir", work.toString());

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out().strip()).endsWith(name + ": OK");
    assertThat(work).as("the work folder is removed at the end").doesNotExist();
  }
}
