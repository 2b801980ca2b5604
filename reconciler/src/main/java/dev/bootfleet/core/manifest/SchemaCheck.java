package dev.bootfleet.core.manifest;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import dev.bootfleet.core.text.Quote;
import dev.bootfleet.core.yaml.JsonView;
import dev.bootfleet.core.yaml.Pos;
import dev.bootfleet.core.yaml.YNode.YMap;
import dev.bootfleet.core.yaml.YNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Checks a manifest document against the JSON Schemas in {@code schema/} (carried in the jar) and turns
 * the validator's findings into one-line {@link Problem}s at the right line and column.
 */
final class SchemaCheck {
  private static final String BASE = "https://bootfleet.dev/schema/";
  /** Made on first use: plainly valid manifests ({@link ManifestShape}) never need the validator. */
  private static final class Registry {
    static final SchemaRegistry INSTANCE = SchemaRegistry.withDefaultDialect(
        SpecificationVersion.DRAFT_2020_12, b -> b.schemaIdResolvers(r -> r.mapPrefix(BASE, "classpath:schema/")));
  }
  private static final Map<String, Schema> SCHEMAS = new java.util.concurrent.ConcurrentHashMap<>();

  private static final String KEY_FORM = "[dns-prefix/]name: letters, digits, '-', '_' and '.', "
      + "at most 63 characters, starting and ending with a letter or digit";
  static final String LABEL_VALUE = "a label value: up to 63 letters, digits, '-', '_' and '.', starting and"
      + " ending with a letter or digit";
  static final String MODE = "octal permission bits such as \"0644\"";

  /** The expected form of fields whose schema is a pattern, for messages. */
  private static final Map<String, String> FORMS = Map.of(
      "name", "a DNS-1123 name: lower-case letters, digits, '-' and '.', starting and ending with a letter"
          + " or digit",
      "path", "an absolute path under /etc/",
      "mode", MODE,
      "owner", "a user name or a numeric id",
      "group", "a group name or a numeric id",
      "append", "a kernel argument without spaces",
      "delete", "a kernel argument without spaces",
      "values", LABEL_VALUE,
      "key", "a valid key (expected " + KEY_FORM + ")");

  private SchemaCheck() {}

  /** The schema for a kind, {@code Host} or {@code HostGroup}. */
  static Schema schemaFor(String kind) {
    return SCHEMAS.computeIfAbsent(kind, k -> Registry.INSTANCE.getSchema(
        SchemaLocation.of(BASE + k.toLowerCase(java.util.Locale.ROOT) + ".schema.json")));
  }

  /** Validates {@code root} as a {@code kind}; returns one problem per finding, in document order. */
  static List<Problem> check(String kind, YNode root, String file) {
    JsonNode json = JsonView.of(root);
    if (ManifestShape.plainlyValid(kind, json)) {
      return List.of();
    }
    List<Error> errors;
    try {
      errors = schemaFor(kind).validate(json);
    } catch (RuntimeException e) { // a validator bug must not take the whole load down
      return List.of(Problem.error(file, root.pos(), "", "cannot be checked against the " + kind
          + " schema: " + String.valueOf(e.getMessage()).replaceAll("\\s+", " ")));
    }
    Map<String, Problem> out = new LinkedHashMap<>();
    for (Error e : errors) {
      String pointer = pointer(e.getInstanceLocation());
      if (isNoise(kind, e, pointer, errors)) {
        continue;
      }
      Problem p = toProblem(kind, e, pointer, root, file);
      out.putIfAbsent(p.pos() + p.field() + p.message(), p);
    }
    List<Problem> list = new ArrayList<>(out.values());
    list.sort(Problem.ORDER);
    return list;
  }

  /**
   * Drops findings that only echo another: "unevaluated" properties that the schema does declare (when
   * any part of {@code spec} fails, JSON Schema drops what the {@code $ref} evaluated, so every key of
   * {@code spec} looks unevaluated), and the alternatives of a oneOf that is reported as one line.
   */
  private static boolean isNoise(String kind, Error e, String pointer, List<Error> all) {
    String kw = e.getKeyword();
    if ("unevaluatedProperties".equals(kw)) {
      List<String> known = knownKeys(kind, pointer);
      String child = pointer + "/" + e.getProperty();
      return known != null && known.contains(e.getProperty())
          || all.stream().anyMatch(o -> o != e && pointer(o.getInstanceLocation()).startsWith(child));
    }
    if (!"oneOf".equals(kw)) { // an alternative of a oneOf at the same place: the oneOf says it once
      return all.stream().anyMatch(o -> "oneOf".equals(o.getKeyword())
          && pointer(o.getInstanceLocation()).equals(pointer));
    }
    return false;
  }

  private static Problem toProblem(String kind, Error e, String pointer, YNode root, String file) {
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
        List<String> known = knownKeys(kind, pointer);
        message = "unknown key '" + Quote.escape(key) + "'" + (known == null ? ""
            : " (expected one of: " + String.join(", ", known) + ")");
      }
      case "propertyNames" -> {
        String key = e.getProperty();
        if (node instanceof YMap m && key != null) {
          pos = m.keyPos(key);
        }
        message = Quote.of(key) + " is not a valid key (expected " + KEY_FORM + ")";
      }
      case "required" -> message = "missing required key '" + e.getProperty() + "'";
      case "type" -> message = "expected " + article(String.valueOf(arg(e, 1))) + ", found " + describe(node)
          + quoteHint(String.valueOf(arg(e, 1)), node);
      case "const" -> message = describe(node) + " is not allowed (expected \"" + constValue(e) + "\")";
      case "enum" -> message = describe(node) + " is not one of " + enumValues(e);
      case "pattern", "oneOf" -> message = patternMessage(pointer, last, node);
      case "minLength" -> message = "must not be empty";
      case "maxLength" -> message = describe(node) + " is longer than " + arg(e, 0) + " characters";
      case "minimum", "maximum" -> message = describe(node) + " is out of range (" + e.getMessage() + ")";
      case "uniqueItems" -> {
        message = "lists the same value twice";
        if (node instanceof YNode.YSeq seq) {
          Map<String, YNode> seen = new java.util.HashMap<>();
          for (int i = 0; i < seq.items().size(); i++) {
            YNode item = seq.items().get(i);
            YNode first = item instanceof YNode.YScalar sc ? seen.putIfAbsent(sc.text(), item) : null;
            if (first != null) {
              pos = item.pos();
              field = field + "[" + i + "]";
              message = describe(item) + " is listed twice (first at line " + first.pos().line() + ")";
              break;
            }
          }
        }
      }
      default -> message = e.getMessage().replaceAll("\\s+", " ");
    }
    return Problem.error(file, pos, field, message);
  }

  /** The keys the schema allows in the mapping at {@code pointer}, or null when not listed here. */
  static List<String> knownKeys(String kind, String pointer) {
    return switch (pointer) {
      case "" -> List.of("apiVersion", "kind", "metadata", "spec");
      case "/metadata" -> List.of("name", "labels", "annotations");
      case "/spec" -> switch (kind) {
        case "HostGroup" -> List.of("selector", "priority", "image", "etc", "kargs", "driver", "packages", "flatpak");
        case "Rollout" -> List.of("selector", "waves", "maxUnavailable", "disruptionBudgets", "successThreshold",
            "soak", "healthTimeout", "offline", "paused", "aborted", "rebootMode", "urgent", "windows");
        default -> List.of("image", "etc", "kargs", "driver", "packages", "flatpak");
      };
      case "/spec/offline" -> List.of("after", "countFor");
      case "/spec/windows" -> List.of("time_zone", "weekly", "cron");
      case "/spec/image" -> List.of("ref", "transport", "enforceSignaturePolicy", "ostree");
      case "/spec/image/ostree" -> List.of("remote", "ref", "commit", "url", "gpgVerify");
      case "/spec/kargs" -> List.of("append", "delete");
      case "/spec/packages" -> List.of("install", "remove");
      case "/spec/flatpak" -> List.of("remotes", "apps");
      case "/spec/selector" -> List.of("matchLabels", "matchExpressions");
      default -> {
        if (pointer.matches("/spec/etc/\\d+")) {
          yield List.of("path", "content", "source", "template", "mode", "owner", "group", "state");
        }
        if (pointer.matches("/spec(/waves/\\d+)?/selector/matchExpressions/\\d+")) {
          yield List.of("key", "operator", "values");
        }
        if (pointer.matches("/spec/flatpak/remotes/\\d+")) {
          yield List.of("name", "url", "installation");
        }
        if (pointer.matches("/spec/waves/\\d+")) {
          yield List.of("name", "selector", "maxUnavailable", "approval");
        }
        if (pointer.matches("/spec/waves/\\d+/selector")) {
          yield List.of("matchLabels", "matchExpressions");
        }
        if (pointer.matches("/spec/disruptionBudgets/\\d+")) {
          yield List.of("labelKey", "maxUnavailable");
        }
        if (pointer.matches("/spec/windows/weekly/\\d+")) {
          yield List.of("days", "start_time", "length_minutes");
        }
        if (pointer.matches("/spec/windows/cron/\\d+")) {
          yield List.of("schedule", "duration");
        }
        if (pointer.matches("/spec/flatpak/apps/\\d+")) {
          yield List.of("ref", "id", "branch", "arch", "remote", "installation", "commit", "state");
        }
        yield null;
      }
    };
  }

  /** Why a value does not match its pattern, with the form expected. */
  private static String patternMessage(String pointer, String last, YNode node) {
    if (pointer.equals("/spec/image")) {
      return "needs exactly one of ref (an OCI image) and ostree (an ostree remote, ref and commit)";
    }
    if (pointer.matches("/metadata/labels/[^/]+|/spec(/waves/\\d+)?/selector/matchLabels/[^/]+")) {
      return describe(node) + " is not " + LABEL_VALUE;
    }
    if (pointer.matches("/spec/etc/\\d+/path") && node instanceof YNode.YScalar s) {
      var why = EtcPaths.problem(s.text()); // the same words as the checks the schema cannot make
      if (why.isPresent()) {
        return why.get();
      }
    }
    if (pointer.startsWith("/spec/packages/")) {
      return describe(node) + " is not " + FlatpakNames.PACKAGE_FORM;
    }
    if (pointer.startsWith("/spec/image/ostree/")) {
      String form = switch (last) {
        case "remote" -> "an ostree remote name: letters, digits, '_', '.' and '-', e.g. fedora";
        case "ref" -> "an ostree ref: letters, digits, '_', '.', '-' and '/', e.g. fedora/x86_64/coreos/stable";
        case "commit" -> "an ostree commit: 64 lower-case hex digits";
        case "url" -> FlatpakNames.URL_FORM;
        default -> "of the expected form";
      };
      return describe(node) + " is not " + form;
    }
    if (pointer.startsWith("/spec/flatpak/")) {
      String form = switch (last) {
        case "name", "remote" -> FlatpakNames.REMOTE_FORM;
        case "url" -> FlatpakNames.URL_FORM;
        case "id" -> FlatpakNames.ID_FORM;
        case "branch" -> FlatpakNames.BRANCH_FORM;
        case "arch" -> FlatpakNames.ARCH_FORM;
        case "commit" -> FlatpakNames.COMMIT_FORM;
        default -> "of the expected form";
      };
      return describe(node) + " is not " + form;
    }
    switch (last) {
      case "soak", "healthTimeout", "after", "countFor", "duration" -> {
        return describe(node) + " is not " + DurationText.FORM;
      }
      case "maxUnavailable" -> {
        return describe(node) + " is not a count from 1 or a percentage such as \"25%\"";
      }
      case "successThreshold" -> {
        return describe(node) + " is not a percentage from 1% to 100% such as \"90%\"";
      }
      case "start_time" -> {
        return describe(node) + " is not a time of day as hh:mm, 24 h (\"23:30\")";
      }
      default -> {
        return describe(node) + " is not " + FORMS.getOrDefault(last, "of the expected form");
      }
    }
  }

  /** A hint when quotes are the whole difference: {@code "true"} for a boolean, {@code 1} for a string. */
  private static String quoteHint(String expected, YNode node) {
    if (!(node instanceof YNode.YScalar s)) {
      return "";
    }
    if (expected.equals("string") && s.plain() && s.type() != YNode.YScalar.Type.NULL) {
      return " (quote it to make it text: \"" + Quote.escape(s.text()) + "\")";
    }
    YNode.YScalar unquoted = new YNode.YScalar(s.pos(), s.text(), true);
    boolean would = switch (expected) {
      case "boolean" -> unquoted.type() == YNode.YScalar.Type.BOOL;
      case "integer" -> unquoted.type() == YNode.YScalar.Type.INT;
      default -> false;
    };
    return !s.plain() && would ? " (remove the quotes)" : "";
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
      return s.type() == YNode.YScalar.Type.STRING ? Quote.of(t) : t.isEmpty() ? "null" : Quote.escape(t);
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
