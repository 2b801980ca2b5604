package dev.bootfleet.core.manifest;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import dev.bootfleet.core.yaml.JsonView;
import dev.bootfleet.core.yaml.Pos;
import dev.bootfleet.core.yaml.YNode;
import dev.bootfleet.core.yaml.YNode.YMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Checks a manifest document against the JSON Schemas in {@code schema/} (carried in the jar) and turns
 * the validator's findings into one-line {@link Problem}s at the right line and column.
 */
public final class SchemaCheck {
  private static final String BASE = "https://bootfleet.dev/schema/";
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
      SpecificationVersion.DRAFT_2020_12, b -> b.schemaIdResolvers(r -> r.mapPrefix(BASE, "classpath:schema/")));
  private static final Map<String, Schema> SCHEMAS = new java.util.concurrent.ConcurrentHashMap<>();

  /** The expected form of fields whose schema is a pattern, for messages. */
  private static final Map<String, String> FORMS = Map.of(
      "name", "a DNS-1123 name: lower-case letters, digits, '-' and '.'",
      "path", "an absolute path under /etc/",
      "mode", "octal permission bits such as \"0644\"",
      "owner", "a user name or a numeric id",
      "group", "a group name or a numeric id",
      "append", "a kernel argument without spaces",
      "delete", "a kernel argument without spaces",
      "values", "a label value",
      "key", "a label key");

  private static final String KEY_FORM = "[dns-prefix/]name: letters, digits, '-', '_' and '.', "
      + "at most 63 characters, starting and ending with a letter or digit";

  private SchemaCheck() {}

  /** The schema for a kind, {@code Host} or {@code HostGroup}. */
  static Schema schemaFor(String kind) {
    return SCHEMAS.computeIfAbsent(kind, k -> REGISTRY.getSchema(
        SchemaLocation.of(BASE + k.toLowerCase(java.util.Locale.ROOT) + ".schema.json")));
  }

  /** Validates {@code root} as a {@code kind}; returns one problem per finding, in document order. */
  public static List<Problem> check(String kind, YNode root, String file) {
    JsonNode json = JsonView.of(root);
    List<Error> errors = schemaFor(kind).validate(json);
    Map<String, Problem> out = new LinkedHashMap<>();
    for (Error e : errors) {
      String pointer = pointer(e.getInstanceLocation());
      if (isNoise(e, pointer, errors)) {
        continue;
      }
      Problem p = toProblem(e, pointer, root, file);
      out.putIfAbsent(p.pos() + p.field() + p.message(), p);
    }
    List<Problem> list = new ArrayList<>(out.values());
    list.sort(Problem.ORDER);
    return list;
  }

  /**
   * Drops findings that only echo another: "unevaluated" properties whose own subschema failed, and the
   * alternatives of a oneOf that is reported as one line.
   */
  private static boolean isNoise(Error e, String pointer, List<Error> all) {
    String kw = e.getKeyword();
    if ("unevaluatedProperties".equals(kw)) {
      String child = pointer + "/" + e.getProperty();
      return all.stream().anyMatch(o -> o != e && pointer(o.getInstanceLocation()).startsWith(child));
    }
    if ("pattern".equals(kw) || "type".equals(kw)) {
      return all.stream().anyMatch(o -> "oneOf".equals(o.getKeyword())
          && pointer(o.getInstanceLocation()).equals(pointer));
    }
    return false;
  }

  private static Problem toProblem(Error e, String pointer, YNode root, String file) {
    String kw = e.getKeyword();
    YNode node = JsonView.at(root, pointer);
    String field = fieldPath(pointer);
    String last = lastName(pointer);
    Pos pos = node.pos();
    String message;
    switch (kw == null ? "" : kw) {
      case "additionalProperties", "unevaluatedProperties" -> {
        String key = e.getProperty();
        if (node instanceof YMap m) {
          pos = m.keyPos(key);
        }
        field = field.isEmpty() ? key : field + "." + key;
        message = "unknown key '" + key + "'" + expectedKeys(pointer);
      }
      case "propertyNames" -> {
        String key = e.getProperty();
        if (node instanceof YMap m && key != null) {
          pos = m.keyPos(key);
        }
        message = "\"" + key + "\" is not a valid key (expected " + KEY_FORM + ")";
      }
      case "required" -> message = "missing required key '" + e.getProperty() + "'";
      case "type" -> message = "expected " + article(String.valueOf(arg(e, 1))) + ", found " + describe(node);
      case "const" -> message = describe(node) + " is not allowed (expected \"" + constValue(e) + "\")";
      case "enum" -> message = describe(node) + " is not one of " + enumValues(e);
      case "pattern", "oneOf" -> message = describe(node) + " is not " + FORMS.getOrDefault(last,
          "of the expected form");
      case "minLength" -> message = "must not be empty";
      case "maxLength" -> message = describe(node) + " is longer than " + arg(e, 0) + " characters";
      case "minimum", "maximum" -> message = describe(node) + " is out of range (" + e.getMessage() + ")";
      case "uniqueItems" -> message = "lists the same value twice";
      default -> message = e.getMessage().replaceAll("\\s+", " ");
    }
    return Problem.error(file, pos, field, message);
  }

  private static String expectedKeys(String pointer) {
    String[] keys = switch (pointer) {
      case "" -> new String[] {"apiVersion", "kind", "metadata", "spec"};
      case "/metadata" -> new String[] {"name", "labels", "annotations"};
      case "/spec/image" -> new String[] {"ref", "transport", "enforceSignaturePolicy"};
      case "/spec/kargs" -> new String[] {"append", "delete"};
      case "/spec/selector" -> new String[] {"matchLabels", "matchExpressions"};
      default -> {
        if (pointer.matches("/spec/etc/\\d+")) {
          yield new String[] {"path", "content", "source", "template", "mode", "owner", "group", "state"};
        }
        yield null; // spec: the keys depend on the kind
      }
    };
    return keys == null ? "" : " (expected one of: " + String.join(", ", keys) + ")";
  }

  private static Object arg(Error e, int i) {
    Object[] a = e.getArguments();
    return a != null && a.length > i ? a[i] : "";
  }

  private static String constValue(Error e) {
    JsonNode s = e.getSchemaNode();
    return s == null ? "" : s.asString();
  }

  private static String enumValues(Error e) {
    JsonNode s = e.getSchemaNode();
    if (s == null || !s.isArray()) {
      return "the allowed values";
    }
    List<String> v = new ArrayList<>();
    s.forEach(n -> v.add(n.asString()));
    return "(" + String.join(", ", v) + ")";
  }

  private static String article(String type) {
    return switch (type) {
      case "object" -> "a mapping";
      case "array" -> "a list";
      case "integer" -> "an integer";
      case "boolean" -> "true or false";
      default -> "a " + type;
    };
  }

  /** A short description of a value for messages: {@code "abc"}, {@code 5}, {@code a mapping}. */
  static String describe(YNode node) {
    if (node instanceof YNode.YScalar s) {
      String t = s.text();
      if (t.length() > 80) {
        t = t.substring(0, 77) + "...";
      }
      t = t.replace("\n", "\\n");
      return s.type() == YNode.YScalar.Type.STRING ? "\"" + t + "\"" : t.isEmpty() ? "null" : t;
    }
    return "a " + node.kindName();
  }

  static String pointer(NodePath path) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < path.getNameCount(); i++) {
      b.append('/').append(String.valueOf(path.getElement(i)).replace("~", "~0").replace("/", "~1"));
    }
    return b.toString();
  }

  private static String lastName(String pointer) {
    String[] parts = pointer.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      if (!parts[i].matches("\\d+") && !parts[i].isEmpty()) {
        return parts[i];
      }
    }
    return "";
  }

  /** {@code /spec/etc/0/path} as {@code spec.etc[0].path}. */
  static String fieldPath(String pointer) {
    StringBuilder b = new StringBuilder();
    for (String seg : pointer.split("/")) {
      if (seg.isEmpty()) {
        continue;
      }
      if (seg.matches("\\d+")) {
        b.append('[').append(seg).append(']');
      } else {
        if (b.length() > 0) {
          b.append('.');
        }
        b.append(seg.replace("~1", "/").replace("~0", "~"));
      }
    }
    return b.toString();
  }
}
