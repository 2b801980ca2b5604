package dev.bootfleet.adapters.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes several files all or nothing, as far as a file system allows: every new text goes to a
 * temporary file beside its target first (flushed to disk, the target's permissions copied); only when
 * all of them are written are they renamed over their targets, one atomic rename each. A failure while
 * writing leaves every target untouched and removes the temporary files.
 */
public final class FileBatch {
  private final Map<Path, String> files = new LinkedHashMap<>();

  /** Adds a file to write (an earlier text for the same path is replaced). */
  public FileBatch put(Path target, String text) {
    files.put(target.toAbsolutePath().normalize(), text);
    return this;
  }

  public boolean isEmpty() {
    return files.isEmpty();
  }

  /** The targets, in the order added. */
  public List<Path> targets() {
    return List.copyOf(files.keySet());
  }

  /** Writes every file; on an exception nothing has been replaced. */
  public void commit() throws IOException {
    Map<Path, Path> temps = new LinkedHashMap<>();
    try {
      for (Map.Entry<Path, String> e : files.entrySet()) {
        Path target = e.getKey();
        Path dir = target.getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".bootfleet-tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        temps.put(target, tmp);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
          ch.write(java.nio.ByteBuffer.wrap(e.getValue().getBytes(StandardCharsets.UTF_8)));
          ch.force(true);
        }
        if (Files.exists(target)) {
          PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
          if (view != null) {
            Files.setPosixFilePermissions(tmp, view.readAttributes().permissions());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      deleteAll(temps.values());
      throw e;
    }
    List<Path> left = new ArrayList<>(temps.values());
    for (Map.Entry<Path, Path> e : temps.entrySet()) {
      try {
        Files.move(e.getValue(), e.getKey(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException notAtomic) {
        Files.move(e.getValue(), e.getKey(), StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException failed) {
        deleteAll(left);
        throw new IOException("renaming " + e.getValue().getFileName() + " over " + e.getKey() + " failed after "
            + (temps.size() - left.size()) + " of " + temps.size() + " files were replaced: " + failed.getMessage(),
            failed);
      }
      left.remove(e.getValue());
    }
  }

  private static void deleteAll(Iterable<Path> paths) {
    for (Path p : paths) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // best effort: a stray temporary file is named after its target and ends in .bootfleet-tmp
      }
    }
  }
}
