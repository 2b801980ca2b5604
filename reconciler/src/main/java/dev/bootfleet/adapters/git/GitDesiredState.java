package dev.bootfleet.adapters.git;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.manifest.FleetLoader;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.port.DesiredStateSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import dev.bootfleet.core.text.Text;

/**
 * Standalone GitOps: the agent keeps a bare clone of the fleet repository in its state folder ({@link
 * FleetMirror}), fetches one branch each cycle with JGit, and reads the newest commit with the same {@link FleetLoader} (schema,
 * merge, templates) as the CLI, keeping only its own host. When a fetch fails it reads the commit it
 * fetched last and says so in a warning.
 */
public final class GitDesiredState implements DesiredStateSource {
  private final FleetMirror mirror;

  static {
    // The agent reads one small commit every few minutes: JGit's default caches (10 MiB of pack windows,
    // 10 MiB of delta bases) would sit in the heap between cycles for nothing.
    org.eclipse.jgit.storage.file.WindowCacheConfig c = new org.eclipse.jgit.storage.file.WindowCacheConfig();
    c.setPackedGitLimit(2 * 1024 * 1024);
    c.setPackedGitWindowSize(64 * 1024);
    c.setDeltaBaseCacheLimit(1024 * 1024);
    c.setStreamFileThreshold(1024 * 1024);
    c.install();
  }

  /**
   * @param subpath the fleet's folder inside the repository ('/'-separated, "" for the top)
   * @param cache where the bare clone lives, e.g. {@code /var/lib/bootfleet/fleet.git}
   */
  public GitDesiredState(String url, String branch, String subpath, Path cache) {
    this.mirror = new FleetMirror(url, branch, subpath, cache);
  }

  @Override
  public String describe() {
    return mirror.describe();
  }

  /**
   * The host's desired state at the branch's newest commit. A damaged cache (objects lost, a corrupt
   * pack) is moved aside and cloned afresh, once; when even that fails, the last good answer stands, with
   * a warning, so the agent keeps its target rather than stopping.
   */
  @Override
  public Desired fetch(String hostName) throws IOException {
    try {
      return remember(hostName, read(hostName, List.of()));
    } catch (IOException | RuntimeException e) {
      if (!FleetMirror.damaged(e)) {
        throw e;
      }
      Path aside = mirror.moveAside();
      Problem moved = Problem.warning("", null, "", "the fleet cache was damaged (" + Text.oneLine(e.getMessage(),
          e.getClass().getSimpleName()) + "); moved aside to " + aside + " and fetched afresh");
      try {
        return remember(hostName, read(hostName, List.of(moved)));
      } catch (IOException | RuntimeException again) {
        Desired last = lastGood.get(hostName);
        if (last == null) {
          throw new IOException(moved.message() + ", which failed too: " + Text.oneLine(again.getMessage(), "?"));
        }
        List<Problem> problems = new ArrayList<>(last.problems());
        problems.add(moved);
        problems.add(Problem.warning("", null, "", "fetching afresh failed (" + Text.oneLine(again.getMessage(), "?")
            + "); keeping the last good desired state, " + last.revision()));
        return new Desired(last.revision(), last.host(), problems, last.images());
      }
    }
  }

  /** The newest answer without errors, per host: what stands while the cache is being repaired. */
  private final Map<String, Desired> lastGood = new ConcurrentHashMap<>();

  private Desired remember(String hostName, Desired d) {
    if (!d.hasErrors() && d.host() != null) {
      lastGood.put(hostName, d);
    }
    return d;
  }

  private Desired read(String hostName, List<Problem> notes) throws IOException {
    List<Problem> warnings = new ArrayList<>(notes);
    try {
      mirror.fetch();
    } catch (IOException e) {
      if (FleetMirror.damaged(e) || !mirror.hasCommit()) {
        throw e;
      }
      warnings.add(Problem.warning("", null, "", e.getMessage() + "; using the commit fetched last"));
    }
    Fleet fleet = mirror.load(FleetLoader.Options.DEFAULT);
    List<Problem> problems = new ArrayList<>(warnings);
    problems.addAll(fleet.problems());
    DesiredHost host = fleet.hasErrors() ? null : fleet.host(hostName).orElse(null);
    return new Desired(fleet.revision(), host, problems, fleet.images());
  }
}
