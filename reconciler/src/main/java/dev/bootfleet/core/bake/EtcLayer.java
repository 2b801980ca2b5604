package dev.bootfleet.core.bake;

import dev.bootfleet.core.manifest.EtcFile;
import dev.bootfleet.core.port.ImageBaker.LayerFile;
import dev.bootfleet.core.text.Quote;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns desired /etc files into the files of an image layer. Pure. An image layer holds what bootc
 * keeps from a tar: permission bits and numeric owners (ostree stores uid and gid, not names), so a
 * file owned by a name other than {@code root} needs its number; a file to remove ({@code state:
 * absent}) cannot be expressed as an added layer and is refused rather than silently dropped, as are
 * setuid, setgid and sticky bits, which jib-core does not write.
 */
public final class EtcLayer {
  private EtcLayer() {}

  /** The layer's files (sorted by path), or the reasons it cannot be built (one line each). */
  public record Result(List<LayerFile> files, List<String> problems) {
    public Result {
      files = List.copyOf(files);
      problems = List.copyOf(problems);
    }
  }

  public static Result of(List<EtcFile> etc) {
    List<LayerFile> files = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (EtcFile f : etc) {
      String where = f.path() + " (" + f.from() + ")";
      if (f.absent()) {
        problems.add(where + ": state: absent cannot be baked into a layer; let the agent remove it, or drop it"
            + " from the manifest");
        continue;
      }
      if (f.mode() > 0777) {
        problems.add(where + ": mode " + f.modeString() + " has setuid, setgid or sticky bits, which bake"
            + " cannot write (expected a mode up to 0777)");
        continue;
      }
      Long uid = id(f.owner());
      Long gid = id(f.group());
      if (uid == null || gid == null) {
        String name = uid == null ? f.owner() : f.group();
        problems.add(where + ": " + (uid == null ? "owner " : "group ") + Quote.of(name) + " is a name; an image"
            + " layer keeps numbers (give the id as the image's /etc/passwd or /etc/group has it, e.g. \"993\")");
        continue;
      }
      files.add(new LayerFile(f.path(), f.content().bytes(), f.mode(), uid, gid));
    }
    files.sort(Comparator.comparing(LayerFile::path));
    return new Result(files, problems);
  }

  /** {@code root} and digits are ids; other names are not known without the image. */
  static Long id(String account) {
    if (account.equals("root")) {
      return 0L;
    }
    if (account.matches("[0-9]{1,10}")) {
      return Long.parseLong(account);
    }
    return null;
  }
}
