package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * README's walk-throughs, run as a user runs them. The demo scripts start Debian's docker-registry on
 * loopback, check every exit code on their way and end with "NAME: OK" (a missing tool fails a script
 * with the Debian package to install). Each {@code console} block of README.md marked as checked is run
 * too, and what it shows must be what its commands print (docs/adr/0015-readme-output-is-checked.md).
 */
class WalkThroughIT {
  /** The line just before a {@code console} block whose shown output this test holds to the real one. */
  static final String MARK = "<!-- output checked by WalkThroughIT -->";
  /** In a checked block: a line of its own stands for any number of lines; inside a line, for any text. */
  static final String ELISION = "…";
  /** In a checked block, the checkout's path as README shows it. */
  static final String CHECKOUT = "/home/you/bootfleet";

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

  /** A checked block: its first line in README.md, its commands, and what README shows after each. */
  record Block(int line, List<String> commands, List<String> shown) {
    @Override
    public String toString() {
      return "README.md:" + line + ": " + commands.getFirst();
    }
  }

  static Stream<Block> checkedBlocks() throws Exception {
    List<String> lines = Files.readAllLines(CliIT.ROOT.resolve("README.md"));
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (!lines.get(i).strip().equals(MARK)) {
        continue;
      }
      assertThat(lines.get(i + 1)).as("README.md:" + (i + 2) + ": the block after the mark").isEqualTo("```console");
      List<String> commands = new ArrayList<>();
      List<String> shown = new ArrayList<>();
      int j = i + 2;
      for (; !lines.get(j).equals("```"); j++) {
        if (lines.get(j).startsWith("$ ")) {
          commands.add(lines.get(j).substring(2));
          shown.add("");
        } else {
          shown.set(shown.size() - 1, shown.getLast() + lines.get(j) + "\n");
        }
      }
      blocks.add(new Block(i + 3, commands, shown));
      i = j;
    }
    assertThat(blocks).as("README.md has checked blocks").isNotEmpty();
    return blocks.stream();
  }

  /**
   * Runs the block's commands in one shell at the checkout's root, standard error merged into standard
   * output as a terminal shows them, {@code /tmp/} standing for a fresh temporary folder.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("checkedBlocks")
  void readme_showsWhatItsCommandsPrint(Block block, @TempDir Path tmp) throws Exception {
    String separator = "@@bootfleet-readme-command@@";
    StringBuilder script = new StringBuilder("exec 2>&1\nrc=0\n");
    for (String c : block.commands()) { // $? carries over the separator, for a shown `echo $?`
      script.append("echo ").append(separator).append("\n(exit $rc)\n").append(c.replace("/tmp/", tmp + "/"))
          .append("\nrc=$?\n");
    }
    Map<String, String> env = Map.of("GIT_CONFIG_GLOBAL", "/dev/null", "GIT_CONFIG_NOSYSTEM", "1",
        "GIT_AUTHOR_NAME", "You", "GIT_AUTHOR_EMAIL", "you@example.com", "GIT_COMMITTER_NAME", "You",
        "GIT_COMMITTER_EMAIL", "you@example.com");

    CliIT.Run r = CliIT.runIn(CliIT.ROOT, env, "bash", "-c", script.toString());

    String out = r.out().replace(CliIT.ROOT.toString(), CHECKOUT).replace(tmp.toString(), "/tmp");
    List<String> printed = List.of(out.split(separator + "\n", -1)).subList(1, block.commands().size() + 1);
    for (int i = 0; i < block.commands().size(); i++) {
      String shown = block.shown().get(i);
      if (!matches(shown, printed.get(i))) {
        assertThat(printed.get(i)).as("what `%s` prints (%s)", block.commands().get(i), block).isEqualTo(shown);
      }
    }
  }

  /** Whether {@code printed} is what {@code shown} shows, elisions allowed. */
  static boolean matches(String shown, String printed) {
    StringBuilder regex = new StringBuilder();
    for (String line : shown.split("\n", -1)) {
      if (line.equals(ELISION)) {
        regex.append("(?:[^\n]*\n)*?");
        continue;
      }
      List<String> parts = List.of(line.split(Pattern.quote(ELISION), -1));
      regex.append(String.join("[^\n]*?", parts.stream().map(Pattern::quote).toList())).append('\n');
    }
    regex.setLength(regex.length() - 1); // the split's last, empty line
    return Pattern.compile(regex.toString()).matcher(printed).matches();
  }
}
