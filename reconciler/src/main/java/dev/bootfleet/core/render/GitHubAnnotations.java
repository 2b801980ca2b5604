package dev.bootfleet.core.render;

import dev.bootfleet.core.manifest.Problem;

/**
 * Problems as GitHub Actions workflow commands ({@code ::error file=…,line=…,col=…::message}), which
 * the runner shows on the pull request's diff at the line they name. The escaping is GitHub's own: in
 * the message {@code %}, CR and LF; in a property also {@code :} and {@code ,}.
 */
public final class GitHubAnnotations {
  private GitHubAnnotations() {}

  /**
   * One problem as one workflow command.
   *
   * @param path the file as the workflow sees it (relative to its workspace), or "" for none
   */
  public static String line(Problem p, String path) {
    StringBuilder b = new StringBuilder(p.isError() ? "::error " : "::warning ");
    if (!path.isEmpty()) {
      b.append("file=").append(property(path)).append(',');
      if (p.pos().known()) {
        b.append("line=").append(p.pos().line()).append(",col=").append(p.pos().column()).append(',');
      }
    }
    b.append("title=").append(property("bootfleet validate"));
    b.append("::").append(data(p.text()));
    return b.toString();
  }

  static String data(String s) {
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
  }

  static String property(String s) {
    return data(s).replace(":", "%3A").replace(",", "%2C");
  }
}
