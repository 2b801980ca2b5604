package dev.bootfleet.core.observed;

import dev.bootfleet.core.yaml.JsonView;
import dev.bootfleet.core.yaml.Pos;
import dev.bootfleet.core.yaml.YNode;
import dev.bootfleet.core.yaml.YamlLimits;
import java.util.HashMap;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The local tags of a YAML document ({@code signature: !ostreeRemote "fedora"}), which {@link
 * dev.bootfleet.core.yaml.YamlReader} does not keep, found by position in a second pass over the
 * parser's events.
 *
 * <p>bootc writes YAML with serde_yaml, which encodes an enum variant carrying a value as a local tag
 * on that value; JSON encodes the same variant as {@code {"ostreeRemote": "fedora"}}. {@link
 * #toJson} builds that JSON form, so both inputs read alike. Other tags ({@code !!str}, global tags)
 * are left as {@link JsonView} reads them.
 */
final class YamlTags {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private enum Kind { SCALAR, MAPPING, SEQUENCE }

  private record Key(Kind kind, Pos pos) {}

  private final Map<Key, String> tags;

  private YamlTags(Map<Key, String> tags) {
    this.tags = tags;
  }

  /** Collects the local tags of {@code text}, which {@code YamlReader} has already read. */
  static YamlTags of(String text) {
    Map<Key, String> tags = new HashMap<>();
    if (text.indexOf('!') < 0) {
      return new YamlTags(tags);
    }
    LoadSettings settings = LoadSettings.builder()
        .setCodePointLimit(YamlLimits.DEFAULT.maxChars() + 1)
        .setUseMarks(true)
        .build();
    try {
      for (Event e : new Parse(settings).parseString(text)) {
        Kind kind = switch (e.getEventId()) {
          case Scalar -> Kind.SCALAR;
          case MappingStart -> Kind.MAPPING;
          case SequenceStart -> Kind.SEQUENCE;
          default -> null;
        };
        if (kind == null || e.getStartMark().isEmpty()) {
          continue;
        }
        String tag = tagOf((NodeEvent) e);
        if (tag != null) {
          var m = e.getStartMark().get();
          tags.put(new Key(kind, new Pos(m.getLine() + 1, m.getColumn() + 1)), tag);
        }
      }
    } catch (YamlEngineException e) {
      // Not reached: YamlReader read the same text without error. Keep the tags found so far.
    }
    return new YamlTags(tags);
  }

  /** The name of a local tag ({@code !ostreeRemote} gives {@code ostreeRemote}), else null. */
  private static String tagOf(NodeEvent e) {
    String tag = switch (e) {
      case ScalarEvent s -> s.getTag().orElse(null);
      case CollectionStartEvent c -> c.getTag().orElse(null);
      default -> null;
    };
    return tag != null && tag.length() > 1 && tag.startsWith("!") && !tag.startsWith("!!")
        ? tag.substring(1) : null;
  }

  /** Like {@link JsonView#of}, but a node with a local tag {@code !name} becomes {@code {name: node}}. */
  JsonNode toJson(YNode node) {
    JsonNode json;
    Kind kind;
    switch (node) {
      case YNode.YMap m -> {
        ObjectNode o = F.objectNode();
        m.entries().forEach((k, e) -> o.set(k, toJson(e.value())));
        json = o;
        kind = Kind.MAPPING;
      }
      case YNode.YSeq s -> {
        ArrayNode a = F.arrayNode();
        s.items().forEach(i -> a.add(toJson(i)));
        json = a;
        kind = Kind.SEQUENCE;
      }
      case YNode.YScalar s -> {
        json = JsonView.of(s);
        kind = Kind.SCALAR;
      }
    }
    String tag = tags.get(new Key(kind, node.pos()));
    return tag == null ? json : F.objectNode().set(tag, json);
  }
}
