package dev.bootfleet.core.yaml;

import dev.bootfleet.core.yaml.YNode.YMap;
import dev.bootfleet.core.yaml.YNode.YScalar;
import dev.bootfleet.core.yaml.YNode.YSeq;
import java.math.BigDecimal;
import java.math.BigInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Converts a {@link YNode} tree into a Jackson tree (for JSON Schema validation and mapping), typing
 * plain scalars by the YAML 1.2 core schema. Floats keep their written digits ({@code 20231230.1}
 * stays {@code 20231230.1}, not {@code 2.02312301E7}).
 */
public final class JsonView {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** The largest decimal exponent of a float kept as a number (a double's range). */
  private static final int MAX_EXPONENT = 308;

  private JsonView() {}

  /** The JSON view; local tags are ignored. */
  public static JsonNode of(YNode node) {
    return of(node, false);
  }

  /**
   * The JSON view, with {@code taggedAsObjects} turning a node with a local tag {@code !name} into
   * {@code {"name": node}}: how serde_yaml (and so bootc) writes an enum variant that carries a value,
   * whose JSON form is that object.
   */
  public static JsonNode of(YNode node, boolean taggedAsObjects) {
    JsonNode json = switch (node) {
      case YMap m -> {
        ObjectNode o = F.objectNode();
        m.entries().forEach((k, e) -> o.set(k, of(e.value(), taggedAsObjects)));
        yield o;
      }
      case YSeq s -> {
        ArrayNode a = F.arrayNode();
        s.items().forEach(i -> a.add(of(i, taggedAsObjects)));
        yield a;
      }
      case YScalar s -> scalar(s);
    };
    return taggedAsObjects && node.tag() != null ? F.objectNode().set(node.tag(), json) : json;
  }

  private static JsonNode scalar(YScalar s) {
    String t = s.text();
    return switch (s.type()) {
      case NULL -> F.nullNode();
      case BOOL -> F.booleanNode(t.equalsIgnoreCase("true"));
      case INT -> {
        BigInteger v = t.startsWith("0o") ? new BigInteger(t.substring(2), 8)
            : t.startsWith("0x") ? new BigInteger(t.substring(2), 16)
            : new BigInteger(t.startsWith("+") ? t.substring(1) : t);
        yield v.bitLength() < 63 ? F.numberNode(v.longValue()) : F.numberNode(v);
      }
      case FLOAT -> {
        BigDecimal v;
        try {
          v = new BigDecimal(t.startsWith("+") ? t.substring(1) : t);
        } catch (NumberFormatException e) { // .inf, .nan: no JSON equivalent, keep the text
          yield F.stringNode(t);
        }
        // Past the range of a double (1e999999999) no JSON reader would take it, and validators that
        // compare it with a bound fail; keep the text, which the schema then reports by type.
        int exponent = v.signum() == 0 ? 0 : v.precision() - v.scale() - 1;
        yield Math.abs(exponent) > MAX_EXPONENT ? F.stringNode(t) : F.numberNode(v);
      }
      case STRING -> F.stringNode(t);
    };
  }

  /**
   * Finds the node at a JSON pointer ({@code /spec/etc/0/path}) in the tree, for error positions.
   * Returns the deepest node reached when the pointer goes further than the tree.
   */
  public static YNode at(YNode root, String pointer) {
    YNode cur = root;
    if (pointer == null || pointer.isEmpty() || pointer.equals("/")) {
      return cur;
    }
    for (String raw : pointer.substring(1).split("/", -1)) {
      String seg = raw.replace("~1", "/").replace("~0", "~");
      YNode next = null;
      if (cur instanceof YMap m) {
        next = m.get(seg);
      } else if (cur instanceof YSeq s) {
        try {
          int i = Integer.parseInt(seg);
          next = i >= 0 && i < s.items().size() ? s.items().get(i) : null;
        } catch (NumberFormatException e) {
          next = null;
        }
      }
      if (next == null) {
        return cur;
      }
      cur = next;
    }
    return cur;
  }
}
