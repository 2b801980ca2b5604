package dev.bootfleet.adapters.fs;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NotDirectoryException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Replaces a file so that a reader, or the file after a crash at any instant, sees the old bytes or the
 * new ones, never a mix: a temporary file in the same folder, written and fsynced, its mode and owner set,
 * renamed over the target, then the folder fsynced so the rename itself survives a power cut. Only a
 * regular file is ever replaced: a link is followed, a device or FIFO written to, anything else refused.
 */
public final class AtomicFiles {
  /** Temporary files are {@code .<name>.bootfleet-<16 hex>.tmp}; {@link #removeStale} cleans them up. */
  static final String TMP_MARK = ".bootfleet-";
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  /**
   * Mode and owner to give a file before it takes the target's place; a null owner or group is left as is.
   *
   * @param umask whether {@code mode} is asked for at creation and so narrowed by the process's umask, as a
   *     shell's {@code >} does (a report the user asked for), rather than set exactly (an /etc file)
   */
  public record Attributes(int mode, UserPrincipal owner, GroupPrincipal group, boolean umask) {
    public Attributes(int mode, UserPrincipal owner, GroupPrincipal group) {
      this(mode, owner, group, false);
    }

    public static Attributes mode(int mode) {
      return new Attributes(mode, null, null);
    }

    /** {@code rw-r--r--} less the umask: a new file as a user's shell would make it. */
    public static Attributes userFile() {
      return new Attributes(0644, null, null, true);
    }
  }

  /** What fills a file, streamed: a large report is never held in memory twice. */
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** A target that is neither a file to replace nor a device or FIFO to write to: nothing was written. */
  public static final class NotWritable extends IOException {
    private static final long serialVersionUID = 1L;
    private final String what;

    NotWritable(Path target, String what) {
      super(target + " " + what);
      this.what = what;
    }

    /** What is wrong, without the path: "is a folder (expected ...)". */
    public String what() {
      return what;
    }
  }

  /** Writes {@code bytes} to {@code target} as {@link #write(Path, Content, Attributes)} does. */
  public static void write(Path target, byte[] bytes, Attributes attrs) throws IOException {
    write(target, out -> out.write(bytes), attrs);
  }

  /**
   * Writes to {@code target} as {@code >} would, but never leaving a torn file: a regular file, or a new
   * path, is replaced atomically; a symbolic link is followed and its target treated the same way; a
   * character device or a FIFO is written straight through (there is nothing to rename over:
   * {@code /dev/stdout}, {@code /dev/null}, a pipe); anything else (a folder, a block device, a socket)
   * is refused with {@link NotWritable} and left as it was.
   */
  public static void write(Path target, Content content, Attributes attrs) throws IOException {
    Path at = followLinks(target);
    Integer type = typeOf(at);
    if (type == null || type == S_IFREG) {
      try {
        replace(at, content, attrs);
      } catch (FileSystemException e) {
        throw new FileSystemException(at.toString(), null, reason(e)); // the file asked for, not the temporary one
      }
    } else if (type == S_IFCHR || type == S_IFIFO) {
      writeThrough(at, content);
    } else {
      throw new NotWritable(target, "is " + (type == S_IFDIR ? "a folder" : type == S_IFBLK ? "a block device"
          : type == S_IFSOCK ? "a socket" : "not a regular file") + " (expected a file, a character device or a"
          + " FIFO)");
    }
  }

  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFIFO = 0010000;
  /** As many links as Linux follows in one path before it says ELOOP. */
  private static final int MAX_LINKS = 40;

  /** The file type bits of what {@code p} leads to, or null when nothing is there. */
  private static Integer typeOf(Path p) throws IOException {
    try {
      return (Integer) Files.getAttribute(p, "unix:mode") & S_IFMT;
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * Where {@code target} leads once its links are followed: the last link's target, which may not exist
   * yet (a dangling link makes its target, as {@code >} does). A link the kernel resolves by itself
   * ({@code /proc/self/fd/1 -> pipe:[123]}) is kept as the link: it is opened, never renamed over.
   */
  private static Path followLinks(Path target) throws IOException {
    Path at = target.toAbsolutePath();
    for (int i = 0; i < MAX_LINKS; i++) {
      if (!Files.isSymbolicLink(at)) {
        return at;
      }
      Path next = at.getParent().resolve(Files.readSymbolicLink(at));
      if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS) && Files.exists(at)) {
        return at; // a magic link: what it names opens, but has no path of its own
      }
      at = next.normalize();
    }
    throw new FileSystemException(target.toString(), null, "Too many levels of symbolic links");
  }

  /** Writes into an existing character device or FIFO: no temporary file, no rename, no fsync. */
  private static void writeThrough(Path at, Content content) throws IOException {
    try (OutputStream out = Files.newOutputStream(at, StandardOpenOption.WRITE)) {
      fill(out, content);
    }
  }

  /** Streams {@code content} into {@code out} and flushes it; {@code out} stays open for the caller. */
  private static void fill(OutputStream out, Content content) throws IOException {
    BufferedOutputStream b = new BufferedOutputStream(out, 1 << 16) {
      @Override
      public void close() throws IOException {
        flush(); // a content that closes its stream must not close the file before it is fsynced
      }
    };
    content.writeTo(b);
    b.flush();
  }

  private static void replace(Path target, Content content, Attributes attrs) throws IOException {
    Path dir = target.getParent();
    Path tmp = temp(dir, target.getFileName().toString());
    try {
      try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(attrs.umask()
              ? PosixFilePermissions.fromString("rw-r--r--") : PosixFilePermissions.fromString("rw-------")))) {
        fill(Channels.newOutputStream(ch), content);
        ch.force(true);
      }
      // Owner first: changing the owner clears set-user-ID and set-group-ID bits, so the mode comes after.
      PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class,
          LinkOption.NOFOLLOW_LINKS);
      if (attrs.owner() != null) {
        view.setOwner(attrs.owner());
      }
      if (attrs.group() != null) {
        view.setGroup(attrs.group());
      }
      if (!attrs.umask()) {
        Files.setAttribute(tmp, "unix:mode", attrs.mode() & 07777, LinkOption.NOFOLLOW_LINKS);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
      fsyncDir(dir);
    } finally {
      if (tmp != null) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Why a file system call failed, in words: the JDK gives some exceptions (permission denied, no such
   * file, a read-only file system) only a path, and the path alone reads as if it were the reason.
   */
  static String reason(FileSystemException e) {
    if (e.getReason() != null && !e.getReason().isBlank()) {
      return e.getReason();
    }
    return switch (e) {
      case AccessDeniedException a -> "permission denied";
      case NoSuchFileException n -> "no such file or folder";
      case FileAlreadyExistsException x -> "already exists";
      case DirectoryNotEmptyException d -> "folder not empty";
      case NotDirectoryException d -> "not a folder";
      default -> e.getClass().getSimpleName();
    };
  }

  /** Deletes a file and fsyncs its folder; false when there was none. */
  public static boolean delete(Path target) throws IOException {
    boolean gone = Files.deleteIfExists(target);
    if (gone) {
      fsyncDir(target.getParent());
    }
    return gone;
  }

  /** Flushes a folder's entries (a rename or delete in it) to disk. */
  public static void fsyncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Removes temporary files a killed writer left in {@code dir}; returns how many. */
  public static int removeStale(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    int n = 0;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(".") && name.contains(TMP_MARK) && name.endsWith(".tmp")
            && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(p);
          n++;
        }
      }
    }
    return n;
  }

  private static Path temp(Path dir, String name) {
    byte[] r = new byte[8];
    RANDOM.nextBytes(r);
    String base = name.length() > 200 ? name.substring(0, 200) : name;
    return dir.resolve("." + base + TMP_MARK + HexFormat.of().formatHex(r) + ".tmp");
  }

  /** Writes with {@link #write} unless a file with exactly these bytes is already there. */
  public static void writeIfChanged(Path target, byte[] bytes, Attributes attrs) throws IOException {
    if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && java.util.Arrays.equals(Files.readAllBytes(target),
        bytes)) {
      return;
    }
    write(target, bytes, attrs);
  }

  static boolean exists(Path p) {
    return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
  }

  /** Creates {@code dir} (not its parents), tolerating a concurrent creation. */
  static void mkdir(Path dir, int mode) throws IOException {
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.setAttribute(dir, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
      fsyncDir(dir.getParent());
    } catch (FileAlreadyExistsException e) {
      // made meanwhile: the caller checks what it is
    }
  }
}
