package dev.bootfleet.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bootfleet.adapters.git.WorkTreeFiles;
import dev.bootfleet.testing.Example;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus: every folder under {@code src/test/resources/bad/} is a small fleet repository
 * that is wrong in one way (or a few), and its {@code expect.txt} lists the exact problem lines
 * {@link FleetLoader} must print for it, in order, message and position both.
 *
 * <p>{@code expect.txt}: one formatted problem per line; {@code loaded: a b} names the hosts that must
 * still load (none when the line is missing); blank lines and {@code #} comments are ignored.
 *
 * <p>{@code setup.txt} (optional) prepares what a resource folder cannot carry, in a copy of the case
 * under a temporary folder whose parent also holds {@code outside.txt}, a file outside the repository:
 * {@code link <path> <target>} makes a symbolic link ({@code ${OUTSIDE}} stands for the absolute
 * path of outside.txt, here and in expect.txt), {@code fill <path> <bytes>} writes a file of that size, {@code grow <path>
 * <bytes> <line>} appends the rest of the directive as lines until the file has that size, and
 * {@code require-digests} loads with {@code Options(true)}. The expected lines are what the loader
 * printed when the case was written, each read and judged; a change to one is a change of message.
 */
class BadInputTest {
  /** What the corpus must keep covering; lowering it needs a reason. */
  private static final int MIN_CASES = 60;

  static Path corpus() {
    try {
      return Path.of(BadInputTest.class.getResource("/bad").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> cases() throws IOException {
    try (Stream<Path> s = Files.list(corpus())) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void corpus_isLargeAndEveryCaseDeclaresItsProblems() throws IOException {
    List<String> cases = cases();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(MIN_CASES);
    assertThat(cases).allSatisfy(c -> assertThat(corpus().resolve(c).resolve("expect.txt")).isRegularFile());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void loader_reportsExactlyTheExpectedProblems(String name, @TempDir Path tmp) throws IOException {
    Path source = corpus().resolve(name);
    Path repo = tmp.resolve("repo");
    copy(source, repo);
    Path outside = tmp.resolve("outside.txt");
    Files.writeString(outside, "a file outside the repository\n");
    boolean requireDigests = setUp(source.resolve("setup.txt"), repo, outside);

    Fleet fleet = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> FleetLoader.load(new WorkTreeFiles(repo), new FleetLoader.Options(requireDigests)));

    List<String> actual = fleet.problems().stream().map(Problem::format).toList();
    writeActual(name, actual, fleet, outside);
    Expected expected = Expected.read(source.resolve("expect.txt"), outside);
    assertThat(actual).as("problems of %s, as printed:%n%s", name, String.join("\n", actual))
        .containsExactlyElementsOf(expected.problems());
    assertThat(fleet.hosts()).extracting(DesiredHost::name).as("hosts loaded from %s", name)
        .containsExactlyElementsOf(expected.loaded());
    assertThat(fleet.hasErrors()).isEqualTo(expected.problems().stream().anyMatch(l -> l.contains(": error: ")));
  }

  /**
   * With {@code -Dbad.actual=DIR}, writes what each case printed to {@code DIR/<case>.txt} in the
   * expect.txt format, to compare with {@code diff} after changing a message. Never writes expect.txt.
   */
  private static void writeActual(String name, List<String> problems, Fleet fleet, Path outside)
      throws IOException {
    String dir = System.getProperty("bad.actual");
    if (dir == null || dir.isBlank()) {
      return;
    }
    List<String> lines = new ArrayList<>(problems.stream()
        .map(l -> l.replace(outside.toString(), "${OUTSIDE}")).toList());
    if (!fleet.hosts().isEmpty()) {
      lines.add("loaded: " + String.join(" ", fleet.hosts().stream().map(DesiredHost::name).toList()));
    }
    Files.createDirectories(Path.of(dir));
    Files.write(Path.of(dir, name + ".txt"), lines, StandardCharsets.UTF_8);
  }

  private record Expected(List<String> problems, List<String> loaded) {
    static Expected read(Path file, Path outside) throws IOException {
      List<String> problems = new ArrayList<>();
      List<String> loaded = new ArrayList<>();
      for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String line = raw.replace("${OUTSIDE}", outside.toString());
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        if (line.startsWith("loaded:")) {
          String names = line.substring("loaded:".length()).trim();
          loaded.addAll(names.isEmpty() ? List.of() : Arrays.asList(names.split("\\s+")));
        } else {
          problems.add(line);
        }
      }
      return new Expected(problems, loaded);
    }
  }

  /** Copies the case, leaving out its expect.txt and setup.txt. */
  private static void copy(Path from, Path to) throws IOException {
    Example.copyTree(from, to);
    Files.deleteIfExists(to.resolve("expect.txt"));
    Files.deleteIfExists(to.resolve("setup.txt"));
  }

  /** Applies setup.txt; returns whether to require digests. */
  private static boolean setUp(Path setup, Path repo, Path outside) throws IOException {
    boolean requireDigests = false;
    if (!Files.exists(setup)) {
      return false;
    }
    for (String line : Files.readAllLines(setup, StandardCharsets.UTF_8)) {
      String[] w = line.replace("${OUTSIDE}", outside.toString()).trim().split("\\s+");
      switch (w[0]) {
        case "" -> { }
        case "require-digests" -> requireDigests = true;
        case "link" -> {
          Path link = repo.resolve(w[1]);
          Files.createDirectories(link.getParent());
          Files.createSymbolicLink(link, Path.of(w[2]));
        }
        case "fill" -> grow(repo.resolve(w[1]), Long.parseLong(w[2]), FILLER);
        case "grow" -> grow(repo.resolve(w[1]), Long.parseLong(w[2]),
            line.substring(line.indexOf(w[2]) + w[2].length() + 1) + "\n");
        default -> throw new IllegalArgumentException(setup + ": unknown directive " + line);
      }
    }
    return requireDigests;
  }

  private static final String FILLER =
      "# padding padding padding padding padding padding padding padding padding\n";

  /**
   * Appends {@code text} to {@code file} until it holds at least {@code size} bytes; ASCII text is cut
   * to the exact size, other text is written in whole copies (never half a character).
   */
  private static void grow(Path file, long size, String text) {
    byte[] line = text.getBytes(StandardCharsets.UTF_8);
    try {
      Files.createDirectories(file.getParent());
      long left = size - (Files.exists(file) ? Files.size(file) : 0);
      try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        while (left > 0) {
          int n = line.length == text.length() ? (int) Math.min(left, line.length) : line.length;
          out.write(line, 0, n);
          left -= n;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
