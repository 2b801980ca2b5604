package dev.bootfleet.core.manifest;

import java.io.IOException;
import java.util.List;

/**
 * Read access to one revision of a fleet repository: a Git commit or a working tree. Implementations
 * must refuse any path that leaves the repository, whether by {@code ..} or through a symbolic link.
 */
public interface RepoFiles {

  /** What is being read, for reports: {@code main@sha1:<40 hex>}, or {@code worktree:<path>}. */
  String revision();

  /**
   * The manifest candidates: every {@code *.yaml} and {@code *.yml} file, repository-relative with '/'
   * separators, sorted, leaving out dot-folders and what the root {@code .bootfleetignore} excludes.
   */
  List<String> manifestFiles() throws IOException;

  /**
   * Reads a repository file.
   *
   * @throws FileProblem when the file is missing, not a regular file, larger than {@code maxBytes}, or
   *     reached through a link that leaves the repository
   */
  byte[] read(String path, int maxBytes) throws IOException, FileProblem;

  /** A file the repository cannot give, with a one-line reason ("does not exist", "leaves the ..."). */
  final class FileProblem extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean missing;

    public FileProblem(String message) {
      this(message, false);
    }

    /** @param missing whether the file does not exist at all (an optional file may simply be absent) */
    public FileProblem(String message, boolean missing) {
      super(message);
      this.missing = missing;
    }

    public boolean missing() {
      return missing;
    }
  }
}
