package dev.bootfleet.adapters.git;

import dev.bootfleet.core.manifest.RepoPaths;
import dev.bootfleet.core.manifest.RepoFiles;
import dev.bootfleet.core.text.ByteSize;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The files of one commit, read straight from the object database with JGit: no checkout, so CI can
 * read two revisions side by side. The tree is indexed once; symbolic links are followed inside it
 * and refused when they leave it. A fleet may live in a folder of a larger repository ({@code prefix});
 * that folder is then the root. Thread-safe for reads.
 */
final class GitTreeFiles implements RepoFiles {
  private static final int MAX_LINK_HOPS = 40;
  static final String LINK_LOOP = "has too many levels of symbolic links (a loop?)";
  private final Repository repo;
  private final String revision;
  private final Map<String, Blob> blobs = new HashMap<>();
  private final Set<String> folders = new HashSet<>();

  private record Blob(ObjectId id, boolean link) {}

  /**
   * @param prefix the fleet's folder inside the repository ('/'-separated), or "" for the whole tree
   */
  GitTreeFiles(Repository repo, RevCommit commit, String label, String prefix) throws IOException {
    this.repo = repo;
    this.revision = (label.isEmpty() ? "" : label + "@") + "sha1:" + commit.name();
    String under = prefix.isEmpty() ? "" : prefix + "/";
    try (TreeWalk walk = new TreeWalk(repo)) {
      walk.addTree(commit.getTree());
      walk.setRecursive(false);
      while (walk.next()) {
        FileMode mode = walk.getFileMode(0);
        String full = walk.getPathString();
        boolean inside = full.startsWith(under);
        if (mode == FileMode.TREE) {
          if (inside) {
            folders.add(full.substring(under.length()));
            walk.enterSubtree();
          } else if (under.startsWith(full + "/")) {
            walk.enterSubtree();
          }
          continue;
        }
        if (!inside) {
          continue;
        }
        String path = full.substring(under.length());
        if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE || mode == FileMode.SYMLINK) {
          blobs.put(path, new Blob(walk.getObjectId(0), mode == FileMode.SYMLINK));
        }
      }
    }
  }

  @Override
  public String revision() {
    return revision;
  }

  @Override
  public List<String> manifestFiles() throws IOException {
    Blob ignore = blobs.get(ManifestFilter.IGNORE_FILE);
    ManifestFilter filter = ManifestFilter.of(ignore == null || ignore.link() ? null
        : repo.open(ignore.id()).getBytes(1024 * 1024));
    List<String> out = new ArrayList<>();
    for (String path : blobs.keySet()) {
      if (filter.isManifest(path) && foldersEntered(filter, path)) {
        out.add(path);
      }
    }
    out.sort(null);
    return out;
  }

  private static boolean foldersEntered(ManifestFilter filter, String path) {
    for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
      if (!filter.enterFolder(path.substring(0, i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public byte[] read(String path, int maxBytes) throws IOException, FileProblem {
    String resolved = resolveLinks(path);
    Blob blob = blobs.get(resolved);
    if (blob == null) {
      if (folders.contains(resolved) || resolved.isEmpty()) {
        throw new FileProblem("is a folder, not a file");
      }
      throw new FileProblem("does not exist in " + revision, true);
    }
    ObjectLoader loader = repo.open(blob.id());
    if (loader.getSize() > maxBytes) {
      throw new FileProblem("is larger than " + ByteSize.of(maxBytes) + " (" + loader.getSize() + " bytes)");
    }
    return loader.getBytes();
  }

  /** Whether {@code target}, seen from the folder {@code dir}, is the top of the tree itself. */
  private static boolean isRoot(String dir, String target) {
    try {
      RepoPaths.resolve(dir, target + "/x"); // one level below it would be inside
      return !target.startsWith("/");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Follows symbolic links component by component, refusing any that leave the tree. */
  private String resolveLinks(String path) throws IOException, FileProblem {
    String current = path;
    for (int hops = 0; hops <= MAX_LINK_HOPS; hops++) {
      String[] parts = current.split("/");
      String prefix = "";
      String next = null;
      for (int i = 0; i < parts.length && next == null; i++) {
        prefix = prefix.isEmpty() ? parts[i] : prefix + "/" + parts[i];
        Blob b = blobs.get(prefix);
        if (b == null || !b.link()) {
          continue;
        }
        String target = new String(repo.open(b.id()).getBytes(4096), StandardCharsets.UTF_8);
        String escape = "leaves the repository through a symbolic link (" + prefix + " -> " + target + ")";
        if (target.startsWith("/")) {
          throw new FileProblem(escape);
        }
        String rest = String.join("/", Arrays.copyOfRange(parts, i + 1, parts.length));
        String dir = RepoPaths.dirOf(prefix);
        String base;
        try {
          base = RepoPaths.resolve(dir, target);
        } catch (IllegalArgumentException e) {
          if (!isRoot(dir, target)) {
            throw new FileProblem(escape);
          }
          base = ""; // a link to the top of the tree, as "files/top -> .." is: inside, and followed
        }
        next = base.isEmpty() ? rest : rest.isEmpty() ? base : base + "/" + rest;
      }
      if (next == null) {
        return current;
      }
      current = next;
    }
    throw new FileProblem(LINK_LOOP);
  }
}
