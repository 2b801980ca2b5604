package dev.bootfleet.core.observed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The copied upstream bootc fixtures (src/test/resources/fixtures/bootc, see SOURCES.txt there). */
final class Fixtures {
  private Fixtures() {}

  static Path dir() {
    try {
      return Path.of(Fixtures.class.getResource("/fixtures/bootc").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** File names of the {@code bootc status} documents (everything but schemas and SOURCES.txt). */
  static List<String> statusDocuments() {
    try (Stream<Path> files = Files.list(dir())) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> (n.endsWith(".yaml") || n.endsWith(".json")) && !n.endsWith(".schema.json"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(String name) {
    try {
      return Files.readString(dir().resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
