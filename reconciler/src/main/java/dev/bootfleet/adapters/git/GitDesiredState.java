package dev.bootfleet.adapters.git;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.manifest.FleetLoader;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.port.DesiredStateSource;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.URIish;

/**
 * Standalone GitOps: the agent keeps a bare clone of the fleet repository in its state folder, fetches
 * one branch each cycle with JGit, and reads the newest commit with the same {@link FleetLoader} (schema,
 * merge, templates) as the CLI, keeping only its own host. When a fetch fails it reads the commit it
 * fetched last and says so in a warning.
 */
public final class GitDesiredState implements DesiredStateSource {
  private final String url;
  private final String branch;
  private final String subpath;
  private final Path cache;

  /**
   * @param subpath the fleet's folder inside the repository ('/'-separated, "" for the top)
   * @param cache where the bare clone lives, e.g. {@code /var/lib/bootfleet/fleet.git}
   */
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

  public GitDesiredState(String url, String branch, String subpath, Path cache) {
    this.url = url;
    this.branch = branch;
    this.subpath = subpath.replaceAll("^/+|/+$", "");
    this.cache = cache;
  }

  @Override
  public String describe() {
    return "git " + redact(url) + " branch " + branch + (subpath.isEmpty() ? "" : " folder " + subpath);
  }

  /** The URL without a password, for logs. */
  static String redact(String url) {
    try {
      URI u = URI.create(url);
      if (u.getUserInfo() != null) {
        return url.replace(u.getRawUserInfo() + "@", "***@");
      }
    } catch (IllegalArgumentException e) {
      // scp-like user@host:path has no password to hide
    }
    return url;
  }

  /**
   * The host's desired state at the branch's newest commit. A damaged cache (objects lost, a corrupt
   * pack) is moved aside and cloned afresh, once; when even that fails, the last good answer stands, with
   * a warning, so the agent keeps its target rather than stopping.
   */
  @Override
  public Desired fetch(String hostName) throws IOException {
    try {
      return remember(hostName, fetchFromCache(hostName, List.of()));
    } catch (DamagedCache e) {
      Path aside = moveAside();
      Problem moved = Problem.warning("", null, "", "the fleet cache " + cache + " was damaged (" + e.getMessage()
          + "); moved aside to " + aside + " and fetched afresh");
      try {
        return remember(hostName, fetchFromCache(hostName, List.of(moved)));
      } catch (DamagedCache | IOException again) {
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
  private final java.util.Map<String, Desired> lastGood = new java.util.concurrent.ConcurrentHashMap<>();

  private Desired remember(String hostName, Desired d) {
    if (!d.hasErrors() && d.host() != null) {
      lastGood.put(hostName, d);
    }
    return d;
  }

  /** Objects or packs of the cache are missing or corrupt: the cache cannot be trusted, the remote can. */
  private static final class DamagedCache extends Exception {
    private static final long serialVersionUID = 1L;

    DamagedCache(String message) {
      super(message);
    }
  }

  /** Moves the cache to {@code <cache>.damaged} (replacing an older one) and returns where it went. */
  private Path moveAside() throws IOException {
    Path aside = cache.resolveSibling(cache.getFileName() + ".damaged");
    if (Files.exists(aside)) {
      try (var walk = Files.walk(aside)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.move(cache, aside);
    return aside;
  }

  private Desired fetchFromCache(String hostName, List<Problem> notes) throws IOException, DamagedCache {
    try {
      return read(hostName, notes);
    } catch (IOException | RuntimeException e) {
      if (damaged(e)) {
        throw new DamagedCache(Text.oneLine(e.getMessage(), e.getClass().getSimpleName()));
      }
      throw e;
    }
  }

  private Desired read(String hostName, List<Problem> notes) throws IOException, DamagedCache {
    String tracking = "refs/remotes/origin/" + branch;
    List<Problem> warnings = new ArrayList<>(notes);
    try (Repository repo = open(); Git git = new Git(repo)) {
      try {
        git.fetch().setRemote(url).setRefSpecs(new RefSpec("+refs/heads/" + branch + ":" + tracking))
            .setRemoveDeletedRefs(false).setTimeout(60).call();
      } catch (GitAPIException | RuntimeException e) {
        if (damaged(e)) {
          throw new DamagedCache(Text.oneLine(e.getMessage(), e.getClass().getSimpleName()));
        }
        if (repo.resolve(tracking) == null) {
          throw new IOException("cannot fetch " + describe() + ": " + Text.oneLine(e.getMessage(), "unknown error"));
        }
        warnings.add(Problem.warning("", null, "", "cannot fetch " + describe() + " ("
            + Text.oneLine(e.getMessage(), "unknown error") + "); using the commit fetched last"));
      }
      ObjectId id = repo.resolve(tracking + "^{commit}");
      if (id == null) {
        throw new IOException(describe() + ": the branch does not exist");
      }
      Fleet fleet;
      try (RevWalk walk = new RevWalk(repo)) {
        fleet = FleetLoader.load(new GitTreeFiles(repo, walk.parseCommit(id), branch, subpath),
            FleetLoader.Options.DEFAULT);
      } catch (IOException | RuntimeException e) {
        if (damaged(e)) {
          throw new DamagedCache(Text.oneLine(e.getMessage(), e.getClass().getSimpleName()));
        }
        throw e;
      }
      List<Problem> problems = new ArrayList<>(warnings);
      problems.addAll(fleet.problems());
      DesiredHost host = fleet.hasErrors() ? null : fleet.host(hostName).orElse(null);
      return new Desired(fleet.revision(), host, problems, fleet.images());
    }
  }

  /** Whether {@code e}, or what caused it, says objects of the cache are missing or corrupt. */
  private static boolean damaged(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.eclipse.jgit.errors.MissingObjectException
          || t instanceof org.eclipse.jgit.errors.CorruptObjectException
          || t instanceof org.eclipse.jgit.errors.CorruptPackIndexException
          || t instanceof org.eclipse.jgit.errors.PackInvalidException) {
        return true;
      }
    }
    return false;
  }

  private Repository open() throws IOException {
    if (!Files.isDirectory(cache.resolve("objects"))) {
      Files.createDirectories(cache);
      try {
        Git.init().setBare(true).setGitDir(cache.toFile()).setInitialBranch(branch).call().close();
      } catch (GitAPIException e) {
        throw new IOException("cannot create " + cache + ": " + Text.oneLine(e.getMessage(), "?"));
      }
    }
    Repository r = new FileRepositoryBuilder().setGitDir(cache.toFile()).setMustExist(true).build();
    try {
      new URIish(url);
    } catch (java.net.URISyntaxException e) {
      r.close();
      throw new IOException("the fleet URL " + redact(url) + " is not a Git URL");
    }
    return r;
  }
}
