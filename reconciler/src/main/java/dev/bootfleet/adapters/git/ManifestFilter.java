package dev.bootfleet.adapters.git;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.eclipse.jgit.ignore.IgnoreNode;

/**
 * Which repository files are manifests: {@code *.yaml} and {@code *.yml}, outside dot-folders, and not
 * excluded by the root {@code .bootfleetignore} (gitignore syntax, read with JGit's own matcher).
 */
final class ManifestFilter {
  static final String IGNORE_FILE = ".bootfleetignore";
  /** The ignore file's rules, or null without one (JGit's matcher then is not even loaded). */
  private final IgnoreNode ignore;

  private ManifestFilter(IgnoreNode ignore) {
    this.ignore = ignore;
  }

  static ManifestFilter of(byte[] ignoreFile) throws IOException {
    if (ignoreFile == null) {
      return new ManifestFilter(null);
    }
    IgnoreNode node = new IgnoreNode();
    node.parse(new ByteArrayInputStream(ignoreFile));
    return new ManifestFilter(node);
  }

  /** Whether to descend into a folder (repository-relative, '/'-separated). */
  boolean enterFolder(String dir) {
    String name = dir.substring(dir.lastIndexOf('/') + 1);
    return !name.startsWith(".") && (ignore == null || !Boolean.TRUE.equals(ignore.checkIgnored(dir, true)));
  }

  /** Whether a file is a manifest candidate. */
  boolean isManifest(String file) {
    String name = file.substring(file.lastIndexOf('/') + 1);
    if (name.startsWith(".") || !(name.endsWith(".yaml") || name.endsWith(".yml"))) {
      return false;
    }
    return ignore == null || !Boolean.TRUE.equals(ignore.checkIgnored(file, false));
  }
}
