package dev.bootfleet.adapters.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.UserConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Commits files of a working tree with JGit: only those files (other staged or unstaged changes stay
 * as they are), authored and committed by the user the Git configuration names (user.name and
 * user.email, or GIT_AUTHOR_NAME and friends).
 */
public final class Committer {
  private Committer() {}

  /** Why a commit could not be made, in one line. */
  public static final class CommitException extends Exception {
    private static final long serialVersionUID = 1L;

    public CommitException(String message) {
      super(message, null, false, false);
    }
  }

  /** Which repository holds {@code folder}, and whether Git knows who commits; null when all is well. */
  public static String problem(Path folder) {
    try (Repository repo = open(folder)) {
      UserConfig user = repo.getConfig().get(UserConfig.KEY);
      if (user.isAuthorNameImplicit() || user.isAuthorEmailImplicit()) {
        return "Git does not know who commits: set git config user.name and user.email (or GIT_AUTHOR_NAME"
            + " and GIT_AUTHOR_EMAIL)";
      }
      return null;
    } catch (CommitException e) {
      return e.getMessage();
    }
  }

  /**
   * Commits {@code files} (absolute, inside the working tree of the repository around {@code folder}).
   *
   * @return the new commit's id
   */
  public static String commit(Path folder, List<Path> files, String message) throws CommitException {
    try (Repository repo = open(folder); Git git = new Git(repo)) {
      Path top = repo.getWorkTree().toPath().toRealPath();
      var add = git.add();
      var commit = git.commit().setMessage(message);
      for (Path f : files) {
        Path real = f.toAbsolutePath().getParent().toRealPath().resolve(f.getFileName());
        if (!real.startsWith(top)) {
          throw new CommitException(f + " is outside the Git working tree " + top);
        }
        String rel = top.relativize(real).toString().replace('\\', '/');
        add.addFilepattern(rel);
        commit.setOnly(rel);
      }
      add.call();
      UserConfig user = repo.getConfig().get(UserConfig.KEY);
      PersonIdent me = new PersonIdent(user.getAuthorName(), user.getAuthorEmail());
      RevCommit c = commit.setAuthor(me).setCommitter(new PersonIdent(user.getCommitterName(),
          user.getCommitterEmail())).call();
      return c.getId().name();
    } catch (GitAPIException | IOException e) {
      throw new CommitException("git commit failed: " + e.getMessage());
    }
  }

  private static Repository open(Path folder) throws CommitException {
    FileRepositoryBuilder b = new FileRepositoryBuilder().readEnvironment().findGitDir(folder.toAbsolutePath().toFile());
    if (b.getGitDir() == null) {
      throw new CommitException(folder + " is not inside a Git repository (--commit needs one)");
    }
    try {
      return b.build();
    } catch (IOException e) {
      throw new CommitException("cannot open the Git repository around " + folder + ": " + e.getMessage());
    }
  }
}
