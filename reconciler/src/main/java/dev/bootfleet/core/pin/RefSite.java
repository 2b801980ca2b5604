package dev.bootfleet.core.pin;

import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.yaml.Pos;

/**
 * One {@code spec.image.ref} of a Host or HostGroup, where it is written.
 *
 * @param file the repository-relative manifest file
 * @param document the 0-based index of the YAML document in the file
 * @param pos where the scalar starts (1-based line and code-point column)
 * @param kind {@code Host} or {@code HostGroup}
 * @param name {@code metadata.name}, or "" when it has none
 * @param written the reference as written
 * @param ref the parsed reference
 */
public record RefSite(String file, int document, Pos pos, String kind, String name, String written, ImageRef ref) {
  public static final String FIELD = "spec.image.ref";

  /** {@code file:line:col}. */
  public String where() {
    return file + ":" + pos.line() + ":" + pos.column();
  }

  /** An error about this reference, as one line naming the file, position, field and reference. */
  public Problem error(String message) {
    return Problem.error(file, pos, FIELD, "\"" + written + "\": " + message);
  }
}
