package dev.bootfleet.core.manifest;

import dev.bootfleet.core.yaml.Pos;

/**
 * One /etc file as a manifest declares it, before groups are merged and templates rendered.
 *
 * @param origin where the entry stands in its manifest
 * @param field the entry's YAML path, {@code spec.etc[2]}
 * @param valuePos where its content or source value stands (the entry's place when it has neither)
 * @param sourceWritten the source path as the manifest writes it, or null
 * @param source the repository-relative path of the source file (already normalised and checked to
 *     stay inside the repository), or null
 * @param content the bytes: the inline content (made once, when the manifest is parsed, and shared by
 *     every host that gets it), or the source file's once the loader has read it; else null
 * @param mode permission bits, for example {@code 0644}
 */
public record EtcEntry(String path, boolean absent, String source, FileContent content,
    boolean template, int mode, String owner, String group, Origin origin, String field, Pos valuePos,
    String sourceWritten) {

  public EtcEntry withContent(FileContent content) {
    return new EtcEntry(path, absent, source, content, template, mode, owner, group, origin, field,
        valuePos, sourceWritten);
  }

  /** The field of the content, for problems with it: {@code spec.etc[2].content} or {@code ...source}. */
  public String contentField() {
    return field + (source != null ? ".source" : ".content");
  }

  /** Whether two declarations ask for the same file (where they were written does not count). */
  public boolean sameValue(EtcEntry o) {
    return path.equals(o.path) && absent == o.absent
        && java.util.Objects.equals(content, o.content) && template == o.template
        && mode == o.mode && owner.equals(o.owner) && group.equals(o.group);
  }
}
