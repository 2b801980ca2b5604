package dev.bootfleet.core.manifest;

import dev.bootfleet.core.yaml.Pos;

/** Where a manifest or one of its values was declared: a repository file and a position in it. */
public record Origin(String file, Pos pos) {
  public Origin {
    if (file == null) {
      throw new IllegalArgumentException("file");
    }
    pos = pos == null ? Pos.NONE : pos;
  }

  @Override
  public String toString() {
    return pos.known() ? file + ":" + pos.line() : file;
  }
}
