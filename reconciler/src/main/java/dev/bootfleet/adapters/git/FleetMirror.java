package dev.bootfleet.adapters.git;

import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.manifest.FleetLoader;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.URIish;

/**
 * A bare clone of one branch of the fleet repository, kept in a folder: {@link #fetch} brings the branch
 * up to date, {@link #load} reads the commit fetched last with the CLI's {@link FleetLoader}. The agent's
 * standalone mode ({@link GitDesiredState}) and the server ({@code bootfleet serve}) both keep one.
 */
public final class FleetMirror {
  private final String url;
  private final String branch;
  private final String subpath;
  private final Path dir;

  /**
   * @param subpath the fleet's folder inside the repository ('/'-separated, "" for the top)
   * @param dir where the bare clone lives, e.g. {@code /var/lib/bootfleet/fleet.git}
   */
  public FleetMirror(String url, String branch, String subpath, Path dir) {
    this.url = url;
    this.branch = branch;
    this.subpath = subpath.replaceAll("^/+|/+$", "");
    this.dir = dir;
  }

  /** For logs: the URL without a password, the branch and the folder. */
  public String describe() {
    return "git " + redact(url) + " branch " + branch + (subpath.isEmpty() ? "" : " folder " + subpath);
  }

  private String tracking() {
    return "refs/remotes/origin/" + branch;
  }

  /** Fetches the branch; throws one line (the URL without its password) when it cannot. */
  public void fetch() throws IOException {
    try (Repository repo = open(); Git git = new Git(repo)) {
      git.fetch().setRemote(url).setRefSpecs(new RefSpec("+refs/heads/" + branch + ":" + tracking()))
          .setRemoveDeletedRefs(false).setTimeout(60).call();
    } catch (GitAPIException | RuntimeException e) {
      throw new IOException("cannot fetch " + describe() + ": " + scrub(Text.oneLine(e.getMessage(), "unknown error")),
          e);
    }
  }

  /**
   * Whether {@code e}, or what caused it, says objects of the clone are missing or corrupt: the clone
   * cannot be trusted, the remote can (see {@link #moveAside}).
   */
  public static boolean damaged(Throwable e) {
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

  /** Moves a damaged clone to {@code <dir>.damaged} (replacing an older one), so the next fetch clones afresh. */
  public Path moveAside() throws IOException {
    Path aside = dir.resolveSibling(dir.getFileName() + ".damaged");
    if (Files.exists(aside)) {
      try (var walk = Files.walk(aside)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.move(dir, aside);
    return aside;
  }

  /** The URL without a password, for logs. */
  public static String redact(String url) {
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

  /** JGit's message without the URL's password, should it quote the URL. */
  String scrub(String message) {
    return message.replace(url, redact(url));
  }

  /** Whether a commit was ever fetched. */
  public boolean hasCommit() throws IOException {
    try (Repository repo = open()) {
      return repo.resolve(tracking() + "^{commit}") != null;
    }
  }

  /** The fleet at the commit fetched last; throws when none was. */
  public Fleet load(FleetLoader.Options options) throws IOException {
    return load(tracking(), options);
  }

  /** The fleet at a commit fetched before ({@code sha1}: its 40 hex digits); throws when it is not here. */
  public Fleet loadCommit(String sha1, FleetLoader.Options options) throws IOException {
    if (!sha1.matches("[0-9a-f]{40}")) {
      throw new IOException("\"" + sha1 + "\" is not a commit id (expected 40 hex digits)");
    }
    return load(sha1, options);
  }

  private Fleet load(String rev, FleetLoader.Options options) throws IOException {
    try (Repository repo = open()) {
      ObjectId id = repo.resolve(rev + "^{commit}");
      if (id == null) {
        throw new IOException(describe() + ": the branch does not exist");
      }
      try (RevWalk walk = new RevWalk(repo)) {
        return FleetLoader.load(new GitTreeFiles(repo, walk.parseCommit(id), branch, subpath), options);
      }
    }
  }

  private Repository open() throws IOException {
    if (!Files.isDirectory(dir.resolve("objects"))) {
      Files.createDirectories(dir);
      try {
        Git.init().setBare(true).setGitDir(dir.toFile()).setInitialBranch(branch).call().close();
      } catch (GitAPIException e) {
        throw new IOException("cannot create " + dir + ": " + Text.oneLine(e.getMessage(), "?"));
      }
    }
    Repository r = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
    try {
      new URIish(url);
    } catch (java.net.URISyntaxException e) {
      r.close();
      throw new IOException("the fleet URL " + redact(url) + " is not a Git URL");
    }
    return r;
  }
}
