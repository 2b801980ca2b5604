package dev.bootfleet.adapters.git;

import dev.bootfleet.core.manifest.RepoFiles;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Opens a fleet repository given as the CLI takes it: a local folder (read as it is on disk, unless a
 * revision is asked for), a local Git repository at a revision, or a URL (cloned bare into a temporary
 * folder that {@link #close()} removes).
 */
public final class FleetRepos implements AutoCloseable {
  private Repository repository;
  /** The local repository found around the folder, opened only when a revision is read from it. */
  private final FileRepositoryBuilder local;
  private final Path workTree;
  private final Path tempClone;

  private FleetRepos(Repository repository, FileRepositoryBuilder local, Path workTree, Path tempClone) {
    this.repository = repository;
    this.local = local;
    this.workTree = workTree;
    this.tempClone = tempClone;
  }

  /** A problem with the --repo or --rev the user gave: one line, no stack trace. */
  public static final class RepoException extends Exception {
    private static final long serialVersionUID = 1L;

    public RepoException(String message) {
      super(message);
    }
  }

  public static boolean isUrl(String repo) {
    return repo.contains("://") || repo.matches("^[\\w.-]+@[\\w.-]+:.*");
  }

  public static FleetRepos open(String repo) throws RepoException, IOException {
    if (isUrl(repo)) {
      Path dir = Files.createTempDirectory("bootfleet-clone-");
      try {
        Git git = Git.cloneRepository().setURI(repo).setDirectory(dir.toFile()).setBare(true)
            .setCloneAllBranches(true).call();
        return new FleetRepos(git.getRepository(), null, null, dir);
      } catch (GitAPIException | RuntimeException e) {
        deleteTree(dir);
        throw new RepoException("--repo " + repo + ": " + cloneProblem(repo, e));
      }
    }
    Path path = Path.of(repo);
    if (!Files.isDirectory(path)) {
      throw new RepoException("--repo " + repo + ": " + (Files.exists(path) ? "not a folder" : "no such folder")
          + " (expected a folder, a Git repository or a URL)");
    }
    // Absolute: JGit looks for .git in the given path's parents only, so a relative path such as
    // examples/fleet-repo would never reach the repository around the working directory.
    FileRepositoryBuilder b = new FileRepositoryBuilder().findGitDir(path.toAbsolutePath().toFile());
    // Opening the repository is a tenth of a second of JGit start-up, which reading the work tree
    // (the default) does not need.
    return new FleetRepos(null, b.getGitDir() == null ? null : b.setMustExist(true), path, null);
  }

  /**
   * Why a clone failed, in the user's terms. JGit says {@code Invalid remote: origin} of any source it
   * cannot open: a {@code file:} URL is checked on disk instead (which path, missing or not a
   * repository), and for other URLs the reason JGit wraps is told.
   */
  private static String cloneProblem(String repo, Exception e) {
    Path local = null;
    try {
      local = repo.startsWith("file:") ? Path.of(java.net.URI.create(repo)) : null;
    } catch (RuntimeException notAPath) {
      // a malformed file: URL: JGit's own message below
    }
    if (local != null && !Files.exists(local)) {
      return local + " does not exist (expected a Git repository)";
    }
    if (local != null && org.eclipse.jgit.lib.RepositoryCache.FileKey.resolve(local.toFile(),
        org.eclipse.jgit.util.FS.DETECTED) == null) {
      return local + " is not a Git repository";
    }
    Throwable why = e instanceof org.eclipse.jgit.api.errors.InvalidRemoteException && e.getCause() != null
        ? e.getCause() : e;
    return "cannot clone: " + Text.oneLine(why.getMessage(), "unknown error");
  }

  /**
   * The files to read: the folder on disk when {@code rev} is null and there is one, else the commit
   * {@code rev} names (default HEAD).
   */
  public RepoFiles files(String rev) throws RepoException, IOException {
    return files("--rev", rev);
  }

  /** As above, for a revision given with {@code option}: errors name it ({@code --base main~1: …}). */
  public RepoFiles files(String option, String rev) throws RepoException, IOException {
    if (rev == null && workTree != null) {
      return new WorkTreeFiles(workTree);
    }
    if (repository == null && local != null) {
      repository = local.build();
    }
    if (repository == null) {
      throw new RepoException(option + " " + rev + ": " + workTree + " is not a Git repository");
    }
    String name = rev == null ? "HEAD" : rev;
    ObjectId id;
    try {
      id = repository.resolve(name + "^{commit}");
    } catch (IOException | RuntimeException e) {
      id = null;
    }
    if (id == null && tempClone != null && !name.startsWith("refs/")) {
      try {
        id = repository.resolve("refs/heads/" + name + "^{commit}"); // a bare clone keeps branches as heads
      } catch (IOException | RuntimeException e) {
        id = null; // not a revision at all (main^{): said below in the same words as any unknown one
      }
    }
    if (id == null) {
      throw new RepoException(option + " " + name + ": unknown revision (expected a branch, tag or commit)");
    }
    try (RevWalk walk = new RevWalk(repository)) {
      // A commit given by its hash is labelled by the hash alone: sha1:<hex>, not <hex>@sha1:<hex>.
      String label = id.name().startsWith(name.toLowerCase(java.util.Locale.ROOT)) ? "" : name;
      return new GitTreeFiles(repository, walk.parseCommit(id), label, prefix());
    }
  }

  /** The fleet folder's path inside the repository's work tree, "" when it is the top. */
  private String prefix() throws IOException {
    if (workTree == null || repository.isBare()) {
      return "";
    }
    Path top = repository.getWorkTree().toPath().toRealPath();
    Path here = workTree.toRealPath();
    return top.relativize(here).toString().replace(java.io.File.separatorChar, '/');
  }

  @Override
  public void close() {
    if (repository != null) {
      repository.close();
    }
    if (tempClone != null) {
      deleteTree(tempClone);
    }
  }

  private static void deleteTree(Path dir) {
    dev.bootfleet.adapters.fs.Trees.deleteQuietly(dir);
  }
}
