package dev.bootfleet.testing;

import dev.bootfleet.adapters.fs.ObservedDir;
import dev.bootfleet.adapters.git.WorkTreeFiles;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.manifest.FleetLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's own example fleet and the paths tests need. */
public final class Example {
  private Example() {}

  /** The repository root: surefire sets bootfleet.projectRoot; else the parent of the module folder. */
  public static Path projectRoot() {
    String p = System.getProperty("bootfleet.projectRoot");
    Path root = p != null ? Path.of(p) : Path.of("").toAbsolutePath().getParent();
    return root.toAbsolutePath().normalize();
  }

  public static Path fleetRepo() {
    return projectRoot().resolve("examples/fleet-repo");
  }

  public static Fleet fleet() throws IOException {
    return FleetLoader.load(new WorkTreeFiles(fleetRepo()), FleetLoader.Options.DEFAULT);
  }

  public static ObservedDir.Result observed() throws IOException {
    return ObservedDir.read(fleetRepo().resolve("observed"));
  }

  /** Copies a folder tree (files and folders; the example has no links). */
  public static void copyTree(Path from, Path to) throws IOException {
    try (java.util.stream.Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  /** Compares with a golden file, or rewrites it when run with -Dbootfleet.updateGolden=true. */
  public static String golden(String name, String actual) throws IOException {
    Path file = projectRoot().resolve("reconciler/src/test/resources/golden").resolve(name);
    if (Boolean.getBoolean("bootfleet.updateGolden")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual);
    }
    if (!Files.exists(file)) {
      throw new AssertionError("golden file " + file + " is missing; run with -Dbootfleet.updateGolden=true");
    }
    return Files.readString(file);
  }
}
