package dev.bootfleet.adapters.fs;

import dev.bootfleet.core.manifest.EtcPaths;
import dev.bootfleet.core.manifest.FileContent;
import dev.bootfleet.core.text.ByteSize;
import dev.bootfleet.core.text.Quote;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The /etc files of a host below a root folder ({@code /} on a host; a scratch folder in tests).
 *
 * <p>Every path is checked with {@link EtcPaths} and then walked one component at a time from the root
 * without following links: a component that is a symbolic link, or a file where a folder should be,
 * is refused, so no write or removal can leave {@code <root>/etc} through {@code ..} or a link. Missing
 * folders are created (0755, owned by the agent's user). Writes go through {@link AtomicFiles}.
 * Owners and groups are names (or numeric ids) of the host's user database.
 */
public final class EtcTree {
  private final Path root;
  private final UserPrincipalLookupService users;

  /** A path or file bootfleet will not touch: one line naming the path and why. */
  public static final class EtcException extends Exception {
    private static final long serialVersionUID = 1L;

    public EtcException(String message) {
      super(message);
    }
  }

  /**
   * What is at a managed path.
   *
   * @param content the bytes when the file is at most {@link FileContent#MAX_BYTES}, else null
   */
  public record Found(String sha256, long size, int mode, String owner, String group, byte[] content) {}

  public EtcTree(Path root) throws IOException {
    this.root = root.toRealPath();
    this.users = root.getFileSystem().getUserPrincipalLookupService();
  }

  public Path root() {
    return root;
  }

  /**
   * Where {@code etcPath} lives below the root, checked component by component.
   *
   * @param createFolders create missing parent folders (for a write)
   * @return the path, whose last component is absent or a regular file
   */
  public Path resolve(String etcPath, boolean createFolders) throws EtcException, IOException {
    Optional<String> bad = EtcPaths.problem(etcPath);
    if (bad.isPresent()) {
      throw new EtcException("path " + bad.get());
    }
    String[] parts = etcPath.substring(1).split("/");
    Path cur = root;
    for (int i = 0; i < parts.length; i++) {
      Path next = cur.resolve(parts[i]);
      boolean last = i == parts.length - 1;
      String shown = Quote.of("/" + String.join("/", java.util.Arrays.copyOf(parts, i + 1)));
      if (Files.isSymbolicLink(next)) {
        throw new EtcException(shown + " is a symbolic link (to " + Quote.of(Files.readSymbolicLink(next).toString())
            + "); bootfleet does not write through links under /etc" + (last ? "" : " (needed for " + Quote.of(etcPath)
            + ")"));
      }
      if (last) {
        if (AtomicFiles.exists(next) && !Files.isRegularFile(next, LinkOption.NOFOLLOW_LINKS)) {
          throw new EtcException(shown + " is " + (Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS) ? "a folder"
              : "not a regular file") + " (expected a regular file or nothing)");
        }
        return next;
      }
      if (!AtomicFiles.exists(next)) {
        if (!createFolders) {
          return root.resolve(etcPath.substring(1)); // absent: nothing below it exists either
        }
        AtomicFiles.mkdir(next, 0755);
        if (Files.isSymbolicLink(next)) {
          throw new EtcException(shown + " became a symbolic link while bootfleet created it");
        }
      }
      if (!Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) {
        throw new EtcException(shown + " is a file, not a folder (needed for " + Quote.of(etcPath) + ")");
      }
      cur = next;
    }
    throw new IllegalStateException("unreachable");
  }

  /** Writes a managed file atomically with its mode, owner and group. */
  public void write(String etcPath, byte[] content, int mode, String owner, String group)
      throws EtcException, IOException {
    if (content.length > FileContent.MAX_BYTES) {
      throw new EtcException(Quote.of(etcPath) + " is " + ByteSize.of(content.length) + ", more than the "
          + ByteSize.of(FileContent.MAX_BYTES) + " bootfleet writes under /etc (ship large files in the image)");
    }
    if ((mode & ~07777) != 0) {
      throw new EtcException(Quote.of(etcPath) + ": mode " + Integer.toOctalString(mode) + " is not a permission mode"
          + " (expected 4 octal digits such as 0644)");
    }
    UserPrincipal u = user(etcPath, owner);
    GroupPrincipal g = group(etcPath, group);
    Path target = resolve(etcPath, true);
    AtomicFiles.write(target, content, new AtomicFiles.Attributes(mode, u, g));
  }

  /** Removes a managed file; false when there was none. */
  public boolean remove(String etcPath) throws EtcException, IOException {
    Path target = resolve(etcPath, false);
    return AtomicFiles.exists(target) && AtomicFiles.delete(target);
  }

  /** What is at {@code etcPath} now, or empty when nothing is. */
  public Optional<Found> read(String etcPath) throws EtcException, IOException {
    return found(resolve(etcPath, false));
  }

  /**
   * The image's default for {@code etcPath}: {@code <root>/usr/etc/...} as the image ships it (ostree
   * keeps the image's /etc there), or empty. Links and folders there do not count.
   */
  public Optional<Found> imageDefault(String etcPath) throws IOException {
    if (EtcPaths.problem(etcPath).isPresent()) {
      return Optional.empty();
    }
    Path cur = root.resolve("usr");
    for (String part : etcPath.substring(1).split("/")) {
      if (Files.isSymbolicLink(cur) || !Files.isDirectory(cur, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      cur = cur.resolve(part);
    }
    return Files.isRegularFile(cur, LinkOption.NOFOLLOW_LINKS) ? found(cur) : Optional.empty();
  }

  /** Removes temporary files an interrupted write left beside {@code etcPath}; returns how many. */
  public int removeStaleTemps(String etcPath) throws IOException {
    try {
      Path p = resolve(etcPath, false);
      return AtomicFiles.removeStale(p.getParent());
    } catch (EtcException e) {
      return 0;
    }
  }

  private static Optional<Found> found(Path p) throws IOException {
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    byte[] content = null;
    String sha;
    if (a.size() <= FileContent.MAX_BYTES) {
      content = Files.readAllBytes(p);
      sha = FileContent.sha256(content);
    } else {
      sha = streamSha256(p);
    }
    return Optional.of(new Found(sha, a.size(), mode, a.owner().getName(), a.group().getName(), content));
  }

  private static String streamSha256(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[65536];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private UserPrincipal user(String path, String name) throws EtcException, IOException {
    try {
      return users.lookupPrincipalByName(name);
    } catch (UserPrincipalNotFoundException e) {
      throw new EtcException(Quote.of(path) + ": owner " + Quote.of(name) + " is not a user on this host");
    }
  }

  private GroupPrincipal group(String path, String name) throws EtcException, IOException {
    try {
      return users.lookupPrincipalByGroupName(name);
    } catch (UserPrincipalNotFoundException e) {
      throw new EtcException(Quote.of(path) + ": group " + Quote.of(name) + " is not a group on this host");
    }
  }
}
