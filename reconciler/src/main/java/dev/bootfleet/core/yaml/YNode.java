package dev.bootfleet.core.yaml;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML node that remembers where it came from, so that every error can name a line and column.
 * Built by {@link YamlReader}; immutable once built.
 */
public sealed interface YNode permits YNode.YMap, YNode.YSeq, YNode.YScalar {

  Pos pos();

  /**
   * The node's local tag without its '!' ({@code !ostreeRemote "x"} gives {@code ostreeRemote}), or null.
   * Standard tags ({@code !!str}) are not kept here.
   */
  String tag();

  /** The YAML kind, as a user would name it in an error message. */
  String kindName();

  /** A mapping with string keys, in document order. */
  record YMap(Pos pos, Map<String, Entry> entries, String tag) implements YNode {
    public YMap {
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    public YMap(Pos pos, Map<String, Entry> entries) {
      this(pos, entries, null);
    }

    public YNode get(String key) {
      Entry e = entries.get(key);
      return e == null ? null : e.value();
    }

    public Pos keyPos(String key) {
      Entry e = entries.get(key);
      return e == null ? pos : e.keyPos();
    }

    @Override
    public String kindName() {
      return "mapping";
    }
  }

  /** One key of a mapping: where the key stands, and its value. */
  record Entry(Pos keyPos, YNode value) {}

  record YSeq(Pos pos, List<YNode> items, String tag) implements YNode {
    public YSeq {
      items = List.copyOf(items);
    }

    public YSeq(Pos pos, List<YNode> items) {
      this(pos, items, null);
    }

    @Override
    public String kindName() {
      return "sequence";
    }
  }

  /**
   * A scalar as written. {@code plain} scalars are typed by the YAML 1.2 core schema ({@link #type()});
   * quoted and block scalars are always strings. The original text is kept, so {@code mode: 0644} can
   * still be read as octal.
   */
  record YScalar(Pos pos, String text, boolean plain, String tag) implements YNode {
    public enum Type { NULL, BOOL, INT, FLOAT, STRING }

    public YScalar(Pos pos, String text, boolean plain) {
      this(pos, text, plain, null);
    }

    public Type type() {
      if (!plain) {
        return Type.STRING;
      }
      return CoreSchema.resolve(text);
    }

    @Override
    public String kindName() {
      return switch (type()) {
        case NULL -> "null";
        case BOOL -> "boolean";
        case INT -> "integer";
        case FLOAT -> "number";
        case STRING -> "string";
      };
    }
  }
}
