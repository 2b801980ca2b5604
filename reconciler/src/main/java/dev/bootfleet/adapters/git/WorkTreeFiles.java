package dev.bootfleet.adapters.git;

import dev.bootfleet.core.manifest.RepoFiles;
import dev.bootfleet.core.text.ByteSize;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The files of a folder on disk (a checkout's working tree, or any folder): what you have not committed too. */
public final class WorkTreeFiles implements RepoFiles {
  private final Path root;
  private final Path realRoot;
  /** The root's text ending in a separator: what every path below it starts with. */
  private final String rootPrefix;
  /** Real paths of the folders files were read from, inside the repository: one lookup per folder. */
  private final Map<Path, Path> realFolders = new ConcurrentHashMap<>();
  /** Every file read, as named: what a command must not write its output over. */
  private final Set<Path> read = ConcurrentHashMap.newKeySet();

  public WorkTreeFiles(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.realRoot = this.root.toRealPath();
    String r = this.root.toString();
    this.rootPrefix = r.endsWith(java.io.File.separator) ? r : r + java.io.File.separator;
  }

  /** The files read so far (manifests, sources, the lock file, {@code .bootfleetignore}), as named. */
  public Set<Path> filesRead() {
    return Set.copyOf(read);
  }

  @Override
  public String revision() {
    return "worktree:" + root;
  }

  @Override
  public List<String> manifestFiles() throws IOException {
    Path ignorePath = root.resolve(ManifestFilter.IGNORE_FILE);
    read.add(ignorePath);
    ManifestFilter filter = ManifestFilter.of(Files.isRegularFile(ignorePath, LinkOption.NOFOLLOW_LINKS)
        ? Files.readAllBytes(ignorePath) : null);
    List<String> out = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        return dir.equals(root) || filter.enterFolder(rel(dir)) ? FileVisitResult.CONTINUE
            : FileVisitResult.SKIP_SUBTREE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        String rel = rel(file);
        if ((attrs.isRegularFile() || attrs.isSymbolicLink()) && filter.isManifest(rel)) {
          out.add(rel);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    Collections.sort(out);
    return out;
  }

  /** {@code p} (the root or a path below it) relative to the root: plain string work, once per file walked. */
  private String rel(Path p) {
    String s = p.toString();
    if (s.length() <= rootPrefix.length()) {
      return "";
    }
    return s.substring(rootPrefix.length()).replace(java.io.File.separatorChar, '/');
  }

  /**
   * The first link on {@code rel}'s way that takes it out of the repository, as {@code " (a/b -> ../..)"}
   * (the same words as {@link GitTreeFiles}), or "" when none can be named.
   */
  private String linkLeaving(Path rel) {
    Path at = root;
    for (Path part : rel) {
      at = at.resolve(part);
      try {
        if (Files.isSymbolicLink(at) && !at.toRealPath().startsWith(realRoot)) {
          return " (" + rel(at) + " -> " + Files.readSymbolicLink(at) + ")";
        }
      } catch (IOException e) {
        return "";
      }
    }
    return "";
  }

  /**
   * The common case cheaply: a regular file (not a link) in a folder whose real path is inside the
   * repository. Null when that is not so; the caller then takes the careful path, which explains why.
   * (Resolving every file's real path cost a system call per path segment, per file.)
   */
  private byte[] readPlainFile(Path p, int maxBytes) throws IOException {
    Path folder = p.getParent();
    if (folder == null) {
      return null;
    }
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
    if (!a.isRegularFile() || a.size() > maxBytes) {
      return null;
    }
    Path realFolder = realFolders.get(folder);
    if (realFolder == null) {
      try {
        realFolder = folder.toRealPath();
      } catch (IOException e) {
        return null;
      }
      realFolders.put(folder, realFolder);
    }
    if (!realFolder.startsWith(realRoot)) {
      return null;
    }
    byte[] bytes = Files.readAllBytes(p);
    return bytes.length > maxBytes ? null : bytes;
  }

  @Override
  public byte[] read(String path, int maxBytes) throws IOException, FileProblem {
    Path p = root.resolve(path).normalize();
    if (!p.startsWith(root)) {
      throw new FileProblem("leaves the repository");
    }
    read.add(p);
    byte[] plain = readPlainFile(p, maxBytes);
    if (plain != null) {
      return plain;
    }
    Path real;
    try {
      real = p.toRealPath();
    } catch (NoSuchFileException e) {
      if (Files.isSymbolicLink(p)) {
        throw new FileProblem("is a broken symbolic link");
      }
      throw new FileProblem("does not exist", true);
    } catch (FileSystemException e) {
      if (e.getReason() != null && e.getReason().contains("levels of symbolic links")) { // ELOOP
        throw new FileProblem(GitTreeFiles.LINK_LOOP);
      }
      throw e;
    }
    if (!real.startsWith(realRoot)) {
      throw new FileProblem("leaves the repository through a symbolic link" + linkLeaving(root.relativize(p)));
    }
    if (Files.isDirectory(real)) {
      throw new FileProblem("is a folder, not a file");
    }
    if (!Files.isRegularFile(real)) {
      throw new FileProblem("is not a regular file");
    }
    long size = Files.size(real);
    if (size > maxBytes) {
      throw new FileProblem("is larger than " + ByteSize.of(maxBytes) + " (" + size + " bytes)");
    }
    return Files.readAllBytes(real);
  }
}
