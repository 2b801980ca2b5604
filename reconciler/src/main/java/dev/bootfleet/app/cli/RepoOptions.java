package dev.bootfleet.app.cli;

import dev.bootfleet.adapters.git.FleetRepos;
import dev.bootfleet.adapters.git.WorkTreeFiles;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.manifest.FleetLoader;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.manifest.RepoFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import picocli.CommandLine.Option;

/** Where the fleet repository is and how strictly to read it; shared by every command. */
final class RepoOptions {
  @Option(names = "--repo", paramLabel = "PATH_OR_URL", defaultValue = ".",
      description = "The fleet repository: a folder, a Git checkout, or a Git URL (default: ${DEFAULT-VALUE}).")
  String repo;

  @Option(names = "--rev", paramLabel = "REF",
      description = "Read this branch, tag or commit instead of the files on disk (URLs default to HEAD).")
  String rev;

  @Option(names = "--require-digests",
      description = "Make an image without @sha256:<digest> an error rather than a warning.")
  boolean requireDigests;

  /** The files on disk the loads so far have read: what no output may be written over. */
  final Set<Path> filesRead = new HashSet<>();

  /** Loads the fleet at {@code rev} (null: the files on disk). */
  Fleet load(String revision) {
    return load("--rev", revision);
  }

  /** As above, for a revision given with {@code option} (the name errors give it). */
  Fleet load(String option, String revision) {
    try (FleetRepos repos = FleetRepos.open(repo)) {
      RepoFiles files = repos.files(option, revision);
      Fleet fleet = FleetLoader.load(files, new FleetLoader.Options(requireDigests));
      if (files instanceof WorkTreeFiles disk) {
        filesRead.addAll(disk.filesRead());
      }
      return fleet;
    } catch (FleetRepos.RepoException e) {
      throw new UserError(e.getMessage());
    } catch (IOException e) {
      throw new UserError("--repo " + repo + ": cannot read: " + e.getMessage());
    }
  }

  /** Prints every problem, one line each; returns whether there was an error. */
  static boolean report(Fleet fleet, PrintWriter err) {
    return report(fleet, err, true);
  }

  /** As above; without {@code warnings} only the errors are printed. */
  static boolean report(Fleet fleet, PrintWriter err, boolean warnings) {
    for (Problem p : fleet.problems()) {
      if (warnings || p.isError()) {
        err.println(p.format());
      }
    }
    err.flush();
    return fleet.hasErrors();
  }
}
