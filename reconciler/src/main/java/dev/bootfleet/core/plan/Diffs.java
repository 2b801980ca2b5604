package dev.bootfleet.core.plan;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.bootfleet.core.manifest.FileContent;
import java.util.List;

/** Unified diffs of file content for people: text files only, bounded in size. */
final class Diffs {
  /** Past this many diff lines the rest is cut, with a line saying so. */
  static final int MAX_LINES = 200;

  private Diffs() {}

  /**
   * A unified diff from {@code before} (null: the file does not exist) to {@code after} (null: removed),
   * or null when either side is binary.
   */
  static String unified(String path, String before, String after) {
    if (before != null && before.equals(after)) {
      return null;
    }
    List<String> a = before == null ? List.of() : before.lines().toList();
    List<String> b = after == null ? List.of() : after.lines().toList();
    List<String> lines = UnifiedDiffUtils.generateUnifiedDiff(before == null ? "/dev/null" : "a" + path,
        after == null ? "/dev/null" : "b" + path, a, DiffUtils.diff(a, b), 3);
    StringBuilder out = new StringBuilder();
    int n = 0;
    for (String line : lines) {
      if (n++ == MAX_LINES) {
        out.append("... (").append(lines.size() - MAX_LINES).append(" more diff lines)\n");
        break;
      }
      out.append(line).append('\n');
    }
    if (before != null && after != null && before.endsWith("\n") != after.endsWith("\n")) {
      out.append("\\ No newline at end of file\n");
    }
    return out.toString();
  }

  static String text(FileContent c) {
    return c == null ? null : c.textOrNull();
  }
}
