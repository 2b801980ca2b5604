package dev.bootfleet.core.observed;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import com.networknt.schema.regex.JDKRegularExpressionFactory;
import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import dev.bootfleet.core.manifest.ManifestShape;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Validates a report tree against {@code schema/etc-report.schema.json} from the classpath. */
final class EtcReportSchema {
  static final String RESOURCE = "/schema/etc-report.schema.json";
  /** At most this many schema errors are listed; the rest are counted. */
  static final int MAX_LISTED = 10;

  private EtcReportSchema() {}

  private static final class Holder {
    static final Schema SCHEMA = load();
  }

  /**
   * The validator's own regular expressions (JDK), each remembering its answers: every report of a
   * fleet repeats the same paths, modes, owners and checksums, and matching them took about a tenth
   * of {@code bootfleet plan}'s time on large fleets.
   */
  private static final RegularExpressionFactory MEMO_PATTERNS = pattern -> {
    RegularExpression regex = JDKRegularExpressionFactory.getInstance().getRegularExpression(pattern);
    Memo memo = new Memo(regex::matches, 4096);
    return memo::test;
  };

  private static Schema load() {
    try (InputStream in = EtcReportSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath (build problem)");
      }
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
          b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().regularExpressionFactory(MEMO_PATTERNS).build()))
          .getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Throws one exception listing every schema error (up to {@link #MAX_LISTED}) as {@code
   * "<field path>: <message>"}, joined with {@code "; "}, after {@code "<origin>: "}.
   */
  static void check(JsonNode tree, String origin) throws ObservedStateException {
    if (plainlyValid(tree)) {
      return;
    }
    List<Error> errors = errors(tree);
    if (errors.isEmpty()) {
      return;
    }
    Set<String> lines = new LinkedHashSet<>();
    for (Error e : errors) {
      lines.add(path(e.getInstanceLocation()) + ": " + e.getMessage());
    }
    StringBuilder b = new StringBuilder(origin).append(": ");
    b.append(String.join("; ", lines.stream().limit(MAX_LISTED).toList()));
    if (lines.size() > MAX_LISTED) {
      b.append("; and ").append(lines.size() - MAX_LISTED).append(" more");
    }
    throw new ObservedStateException(b.toString());
  }

  /** What the JSON Schema validator finds in {@code tree}. */
  static List<Error> errors(JsonNode tree) {
    return Holder.SCHEMA.validate(tree);
  }

  /**
   * A fast, conservative recognizer of reports that plainly follow the schema: yes only where the
   * validator would find nothing (held to that by {@code EtcReportSchemaTest}, which mutates valid
   * reports thousands of ways); no sends the report to the validator, which gives the messages. The
   * general validator was a seventh of {@code bootfleet plan}'s time on 10,000 hosts' reports, nearly
   * all valid. Unusual text (non-ASCII, control characters) answers no and takes the exact path.
   */
  static boolean plainlyValid(JsonNode t) {
    if (!t.isObject()) {
      return false;
    }
    int required = 0;
    for (Map.Entry<String, JsonNode> e : t.properties()) {
      JsonNode v = e.getValue();
      switch (e.getKey()) {
        case "apiVersion" -> required += "bootfleet.dev/v1alpha1".equals(text(v)) ? 1 : -100;
        case "kind" -> required += "EtcReport".equals(text(v)) ? 1 : -100;
        case "host" -> required += ManifestShape.isDnsName(text(v)) ? 1 : -100;
        case "files" -> required += files(v) ? 1 : -100;
        case "kargs" -> required += v.isNull() || kargs(v) ? 0 : -100;
        case "flatpak" -> required += v.isNull() || flatpak(v) ? 0 : -100;
        default -> required = -100;
      }
      if (required < 0) {
        return false;
      }
    }
    return required == 4;
  }

  private static boolean files(JsonNode list) {
    if (!list.isArray()) {
      return false;
    }
    for (JsonNode f : list) {
      if (!f.isObject()) {
        return false;
      }
      int required = 0;
      for (Map.Entry<String, JsonNode> e : f.properties()) {
        JsonNode v = e.getValue();
        boolean ok = switch (e.getKey()) {
          case "path" -> isEtcPath(text(v)) && ++required > 0;
          case "sha256" -> v.isString() && Formats.isSha256Hex(v.stringValue()) && ++required > 0;
          case "mode" -> v.isString() && EtcFileState.isMode(v.stringValue()) && ++required > 0;
          case "owner", "group" -> isAccount(text(v)) && ++required > 0;
          case "content" -> v.isString() || v.isNull();
          default -> false;
        };
        if (!ok) {
          return false;
        }
      }
      if (required != 5) {
        return false;
      }
    }
    return true;
  }

  private static boolean kargs(JsonNode list) {
    if (!list.isArray()) {
      return false;
    }
    for (JsonNode k : list) {
      String s = text(k);
      if (s == null || s.isEmpty() || !printableAscii(s, false)) {
        return false;
      }
    }
    return true;
  }

  /** The {@code flatpak} object: {@code remotes} and {@code apps}, both required, nothing else. */
  private static boolean flatpak(JsonNode o) {
    if (!o.isObject()) {
      return false;
    }
    int required = 0;
    for (Map.Entry<String, JsonNode> e : o.properties()) {
      JsonNode v = e.getValue();
      boolean ok = switch (e.getKey()) {
        case "remotes" -> eachObject(v, EtcReportSchema::flatpakRemote) && ++required > 0;
        case "apps" -> eachObject(v, EtcReportSchema::flatpakApp) && ++required > 0;
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return required == 2;
  }

  private static boolean eachObject(JsonNode list, java.util.function.Predicate<JsonNode> check) {
    if (!list.isArray()) {
      return false;
    }
    for (JsonNode x : list) {
      if (!x.isObject() || !check.test(x)) {
        return false;
      }
    }
    return true;
  }

  private static boolean flatpakRemote(JsonNode r) {
    int required = 0;
    for (Map.Entry<String, JsonNode> e : r.properties()) {
      String s = text(e.getValue());
      boolean ok = switch (e.getKey()) {
        case "installation" -> isInstallation(s);
        case "name" -> isFlatpakName(s);
        case "url" -> s != null && !s.isEmpty() && s.length() <= 4096 && printableAscii(s, true);
        default -> false;
      };
      if (!ok) {
        return false;
      }
      required++;
    }
    return required == 3;
  }

  private static boolean flatpakApp(JsonNode a) {
    int required = 0;
    for (Map.Entry<String, JsonNode> e : a.properties()) {
      String s = text(e.getValue());
      boolean ok = switch (e.getKey()) {
        case "installation" -> isInstallation(s);
        case "id" -> isAppId(s);
        case "arch" -> s != null && !s.isEmpty() && s.length() <= 64 && allOf(s, "_");
        case "branch", "origin" -> isFlatpakName(s);
        case "commit" -> s != null && Formats.isSha256Hex(s);
        case "masked" -> e.getValue().isBoolean();
        default -> false;
      };
      if (!ok) {
        return false;
      }
      required += e.getKey().equals("masked") ? 0 : 1;
    }
    return required == 6;
  }

  private static boolean isInstallation(String s) {
    return "system".equals(s) || "user".equals(s);
  }

  /** {@code ^[A-Za-z0-9_][A-Za-z0-9_.-]*$}, at most 255 characters. */
  private static boolean isFlatpakName(String s) {
    return s != null && !s.isEmpty() && s.length() <= 255 && s.charAt(0) != '.' && s.charAt(0) != '-'
        && allOf(s, "_.-");
  }

  /** {@code ^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)+$}, at most 255 characters. */
  private static boolean isAppId(String s) {
    if (s == null || s.length() > 255 || !allOf(s, "_.-")) {
      return false;
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length < 2) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.charAt(0) == '-' || p.charAt(0) >= '0' && p.charAt(0) <= '9') {
        return false;
      }
    }
    return true;
  }

  /** Only ASCII letters, digits and the given punctuation. */
  private static boolean allOf(String s, String punctuation) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || punctuation.indexOf(c) >= 0)) {
        return false;
      }
    }
    return true;
  }

  private static String text(JsonNode v) {
    return v.isString() ? v.stringValue() : null;
  }

  /** {@code ^/etc(/[^/\u0000]+)+$}, at most 4096 characters; printable ASCII only. */
  private static boolean isEtcPath(String s) {
    return s != null && s.length() <= 4096 && s.startsWith("/etc/") && !s.endsWith("/") && !s.contains("//")
        && printableAscii(s, false);
  }

  /** {@code ^[^\s:]+$} restricted to printable ASCII. */
  private static boolean isAccount(String s) {
    return s != null && !s.isEmpty() && printableAscii(s, true) && s.indexOf(':') < 0;
  }

  /** No control characters, nothing beyond ASCII, and (when asked) no space. */
  private static boolean printableAscii(String s, boolean noSpace) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < ' ' || c >= 0x7f || noSpace && c == ' ') {
        return false;
      }
    }
    return true;
  }

  /** {@code /files/0/sha256} as {@code files[0].sha256}, the root as {@code document}. */
  static String path(NodePath p) {
    String field = dev.bootfleet.core.manifest.SchemaPaths.field(p);
    return field.isEmpty() ? "document" : field;
  }
}
