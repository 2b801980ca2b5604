package dev.bootfleet.core.manifest;

import com.networknt.schema.path.NodePath;

/** How a JSON Schema finding's instance location is written in messages. */
public final class SchemaPaths {
  private SchemaPaths() {}

  /** {@code /files/0/sha256} as {@code files[0].sha256}; the root as "". */
  public static String field(NodePath p) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < p.getNameCount(); i++) {
      Object e = p.getElement(i);
      if (e instanceof Integer index) {
        b.append('[').append(index).append(']');
      } else {
        b.append(b.isEmpty() ? "" : ".").append(e);
      }
    }
    return b.toString();
  }
}
