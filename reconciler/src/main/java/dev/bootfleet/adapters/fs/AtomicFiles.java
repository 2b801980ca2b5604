package dev.bootfleet.adapters.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
 * renamed over the target, then the folder fsynced so the rename itself survives a power cut.
 */
public final class AtomicFiles {
  /** Temporary files are {@code .<name>.bootfleet-<16 hex>.tmp}; {@link #removeStale} cleans them up. */
  static final String TMP_MARK = ".bootfleet-";
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  /** Mode and owner to give a file before it takes the target's place; a null owner or group is left as is. */
  public record Attributes(int mode, UserPrincipal owner, GroupPrincipal group) {
    public static Attributes mode(int mode) {
      return new Attributes(mode, null, null);
    }
  }

  /** Writes {@code bytes} to {@code target} atomically (the folder must exist and not be a link). */
  public static void write(Path target, byte[] bytes, Attributes attrs) throws IOException {
    Path dir = target.getParent();
    Path tmp = temp(dir, target.getFileName().toString());
    try {
      try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
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
      Files.setAttribute(tmp, "unix:mode", attrs.mode() & 07777, LinkOption.NOFOLLOW_LINKS);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
      fsyncDir(dir);
    } finally {
      if (tmp != null) {
        Files.deleteIfExists(tmp);
      }
    }
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
