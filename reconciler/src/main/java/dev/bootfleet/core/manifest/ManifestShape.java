package dev.bootfleet.core.manifest;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A fast, conservative recognizer of manifests that plainly follow {@code schema/host.schema.json}
 * or {@code schema/hostgroup.schema.json}: when it says yes, the JSON Schema validator would find
 * nothing, so {@link SchemaCheck} can skip it. When it says no, the validator runs and gives the
 * messages; the recognizer never reports anything itself.
 *
 * <p>Why: on a fleet of 10,000 hosts the general validator took a seventh of {@code bootfleet plan}'s
 * time for documents that are almost always valid. The schemas stay the contract; {@code
 * ManifestShapeTest} mutates valid manifests in thousands of ways and holds this class to "yes only
 * where the schema says valid". Anything unusual (non-ASCII text, quoted kernel arguments, numbers
 * written as floats) answers no and takes the slow, exact path.
 */
public final class ManifestShape {
  static final String API_VERSION = "bootfleet.dev/v1alpha1";
  private static final Set<String> TRANSPORTS = Set.of("registry", "oci", "containers-storage");
  private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");
  private static final Set<String> DRIVERS = Set.of("auto", "bootc", "rpm-ostree", "ostree");
  private static final Set<String> INSTALLATIONS = Set.of("system", "user");
  private static final Set<String> STATES = Set.of("present", "absent");

  private ManifestShape() {}

  /** Whether {@code doc} is a {@code kind} ({@code Host} or {@code HostGroup}) the schema accepts. */
  public static boolean plainlyValid(String kind, JsonNode doc) {
    boolean group = "HostGroup".equals(kind);
    if (!group && !"Host".equals(kind) || !doc.isObject()) {
      return false;
    }
    int required = 0;
    for (Map.Entry<String, JsonNode> e : doc.properties()) {
      JsonNode v = e.getValue();
      boolean ok = switch (e.getKey()) {
        case "apiVersion" -> API_VERSION.equals(text(v));
        case "kind" -> kind.equals(text(v));
        case "metadata" -> metadata(v);
        case "spec" -> spec(v, group);
        default -> false;
      };
      if (!ok) {
        return false;
      }
      required++;
    }
    return required == 4;
  }

  private static boolean metadata(JsonNode m) {
    if (!m.isObject()) {
      return false;
    }
    boolean named = false;
    for (Map.Entry<String, JsonNode> e : m.properties()) {
      JsonNode v = e.getValue();
      boolean ok = switch (e.getKey()) {
        case "name" -> named = isDnsName(text(v));
        case "labels" -> labels(v, true);
        case "annotations" -> labels(v, false);
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return named;
  }

  /** An object of label keys to label values ({@code labelValues}) or to any strings. */
  private static boolean labels(JsonNode map, boolean labelValues) {
    if (!map.isObject()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> e : map.properties()) {
      String value = text(e.getValue());
      if (!isLabelKey(e.getKey()) || value == null || labelValues && !isLabelValue(value)) {
        return false;
      }
    }
    return true;
  }

  private static boolean spec(JsonNode s, boolean group) {
    if (!s.isObject()) {
      return false;
    }
    boolean selector = false;
    for (Map.Entry<String, JsonNode> e : s.properties()) {
      JsonNode v = e.getValue();
      boolean ok = switch (e.getKey()) {
        case "image" -> image(v);
        case "etc" -> etc(v);
        case "kargs" -> kargs(v);
        case "driver" -> oneOf(DRIVERS, text(v));
        case "packages" -> packages(v);
        case "flatpak" -> flatpak(v);
        case "selector" -> group && (selector = selector(v));
        case "priority" -> group && isSmallInt(v) && v.longValue() >= -1000 && v.longValue() <= 1000;
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return !group || selector;
  }

  private static boolean image(JsonNode i) {
    if (!i.isObject()) {
      return false;
    }
    boolean ref = false;
    boolean ostree = false;
    for (Map.Entry<String, JsonNode> e : i.properties()) {
      JsonNode v = e.getValue();
      boolean ok = switch (e.getKey()) {
        case "ref" -> ref = text(v) != null && !v.stringValue().isEmpty();
        case "transport" -> oneOf(TRANSPORTS, text(v));
        case "enforceSignaturePolicy" -> v.isBoolean();
        case "ostree" -> ostree = ostree(v);
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return ref != ostree; // the schema's oneOf: exactly one of the two
  }

  /** {@code image.ostree}: remote and ref required, commit, url and gpgVerify optional. */
  private static boolean ostree(JsonNode o) {
    if (!o.isObject()) {
      return false;
    }
    int required = 0;
    for (Map.Entry<String, JsonNode> e : o.properties()) {
      JsonNode v = e.getValue();
      boolean ok = switch (e.getKey()) {
        case "remote" -> FlatpakNames.isRemoteName(text(v)) && ++required > 0;
        case "ref" -> isOstreeRef(text(v)) && ++required > 0;
        case "commit" -> FlatpakNames.isCommit(text(v));
        case "url" -> FlatpakNames.isPlainUrl(text(v));
        case "gpgVerify" -> v.isBoolean();
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return required == 2;
  }

  /** An ostree ref as the schema's pattern {@code ^[A-Za-z0-9_][A-Za-z0-9_./-]*$} takes it. */
  static boolean isOstreeRef(String s) {
    if (s == null || s.isEmpty() || s.charAt(0) == '.' || s.charAt(0) == '/' || s.charAt(0) == '-') {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
          || c == '/' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean etc(JsonNode list) {
    if (!list.isArray()) {
      return false;
    }
    for (JsonNode f : list) {
      if (!etcFile(f)) {
        return false;
      }
    }
    return true;
  }

  private static boolean etcFile(JsonNode f) {
    if (!f.isObject()) {
      return false;
    }
    boolean path = false;
    for (Map.Entry<String, JsonNode> e : f.properties()) {
      JsonNode v = e.getValue();
      boolean ok = switch (e.getKey()) {
        case "path" -> path = text(v) != null && v.stringValue().startsWith("/etc/");
        case "content" -> v.isString();
        case "source" -> text(v) != null && !v.stringValue().isEmpty();
        case "template" -> v.isBoolean();
        case "mode" -> v.isString() ? isMode(v.stringValue()) : isSmallInt(v);
        case "owner", "group" -> v.isString() ? isAccount(v.stringValue()) : isNonNegativeInt(v);
        case "state" -> "present".equals(text(v)) || "absent".equals(text(v));
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return path;
  }

  private static boolean kargs(JsonNode k) {
    if (!k.isObject()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> e : k.properties()) {
      if (!(e.getKey().equals("append") || e.getKey().equals("delete")) || !e.getValue().isArray()) {
        return false;
      }
      Set<String> seen = new HashSet<>();
      for (JsonNode a : e.getValue()) {
        String s = text(a);
        if (s == null || !isPlainKarg(s) || !seen.add(s)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean packages(JsonNode p) {
    if (!p.isObject()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> e : p.properties()) {
      if (!(e.getKey().equals("install") || e.getKey().equals("remove")) || !e.getValue().isArray()) {
        return false;
      }
      Set<String> seen = new HashSet<>();
      for (JsonNode a : e.getValue()) {
        String s = text(a);
        if (!FlatpakNames.isPackage(s) || !seen.add(s)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean flatpak(JsonNode f) {
    if (!f.isObject()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> e : f.properties()) {
      JsonNode list = e.getValue();
      boolean remotes = e.getKey().equals("remotes");
      if (!(remotes || e.getKey().equals("apps")) || !list.isArray()) {
        return false;
      }
      for (JsonNode item : list) {
        if (!(remotes ? flatpakRemote(item) : flatpakApp(item))) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean flatpakRemote(JsonNode r) {
    if (!r.isObject()) {
      return false;
    }
    int required = 0;
    for (Map.Entry<String, JsonNode> e : r.properties()) {
      JsonNode v = e.getValue();
      boolean ok = switch (e.getKey()) {
        case "name" -> FlatpakNames.isRemoteName(text(v)) && ++required > 0;
        case "url" -> FlatpakNames.isPlainUrl(text(v)) && ++required > 0;
        case "installation" -> oneOf(INSTALLATIONS, text(v));
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return required == 2;
  }

  private static boolean flatpakApp(JsonNode a) {
    if (!a.isObject()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> e : a.properties()) {
      JsonNode v = e.getValue();
      boolean ok = switch (e.getKey()) {
        case "ref" -> text(v) != null && !v.stringValue().isEmpty();
        case "id" -> FlatpakNames.isAppId(text(v));
        case "branch" -> FlatpakNames.isBranch(text(v));
        case "arch" -> FlatpakNames.isArch(text(v));
        case "remote" -> FlatpakNames.isRemoteName(text(v));
        case "installation" -> oneOf(INSTALLATIONS, text(v));
        case "commit" -> FlatpakNames.isCommit(text(v));
        case "state" -> oneOf(STATES, text(v));
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean selector(JsonNode s) {
    if (!s.isObject()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> e : s.properties()) {
      JsonNode v = e.getValue();
      boolean ok = switch (e.getKey()) {
        case "matchLabels" -> labels(v, true);
        case "matchExpressions" -> expressions(v);
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean expressions(JsonNode list) {
    if (!list.isArray()) {
      return false;
    }
    for (JsonNode x : list) {
      if (!x.isObject()) {
        return false;
      }
      int required = 0;
      for (Map.Entry<String, JsonNode> e : x.properties()) {
        JsonNode v = e.getValue();
        boolean ok = switch (e.getKey()) {
          case "key" -> isLabelKey(text(v)) && ++required > 0;
          case "operator" -> oneOf(OPERATORS, text(v)) && ++required > 0;
          case "values" -> labelValues(v);
          default -> false;
        };
        if (!ok) {
          return false;
        }
      }
      if (required != 2) {
        return false;
      }
    }
    return true;
  }

  private static boolean labelValues(JsonNode list) {
    if (!list.isArray()) {
      return false;
    }
    for (JsonNode v : list) {
      if (!isLabelValue(text(v))) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} is one of {@code values} (null is none: {@link Set#of} refuses it). */
  private static boolean oneOf(Set<String> values, String s) {
    return s != null && values.contains(s);
  }

  /** The node's text when it is a JSON string, else null. */
  static String text(JsonNode v) {
    return v != null && v.isString() ? v.stringValue() : null;
  }

  /** An integer that fits a long (bigger ones, and floats such as 1.0, take the exact path). */
  private static boolean isSmallInt(JsonNode v) {
    return v.isInt() || v.isLong();
  }

  private static boolean isNonNegativeInt(JsonNode v) {
    return isSmallInt(v) && v.longValue() >= 0;
  }

  private static boolean lowerAlnum(char c) {
    return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
  }

  private static boolean alnum(char c) {
    return lowerAlnum(c) || c >= 'A' && c <= 'Z';
  }

  /** {@code ^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$}, at most 253 characters. */
  public static boolean isDnsName(String s) {
    if (s == null || s.isEmpty() || s.length() > 253 || !lowerAlnum(s.charAt(0))
        || !lowerAlnum(s.charAt(s.length() - 1))) {
      return false;
    }
    for (int i = 1; i < s.length() - 1; i++) {
      char c = s.charAt(i);
      if (!lowerAlnum(c) && c != '-' && c != '.') {
        return false;
      }
    }
    return true;
  }

  /** {@code ^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$}. */
  static boolean isLabelValue(String s) {
    if (s == null || s.length() > 63) {
      return false;
    }
    if (s.isEmpty()) {
      return true;
    }
    if (!alnum(s.charAt(0)) || !alnum(s.charAt(s.length() - 1))) {
      return false;
    }
    for (int i = 1; i < s.length() - 1; i++) {
      char c = s.charAt(i);
      if (!alnum(c) && c != '-' && c != '_' && c != '.') {
        return false;
      }
    }
    return true;
  }

  /** {@code ^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$}. */
  static boolean isLabelKey(String s) {
    if (s == null) {
      return false;
    }
    int slash = s.indexOf('/');
    if (slash >= 0) {
      String prefix = s.substring(0, slash);
      // The prefix has no length limit in the schema; isDnsName's 253 only makes this stricter.
      if (!isDnsName(prefix) || s.indexOf('/', slash + 1) >= 0) {
        return false;
      }
    }
    String name = s.substring(slash + 1);
    return !name.isEmpty() && isLabelValue(name);
  }

  /** {@code ^(0o)?0?[0-7]{3,4}$}. */
  static boolean isMode(String s) {
    String digits = s.startsWith("0o") ? s.substring(2) : s;
    int n = digits.length();
    if (n < 3 || n > 5 || n == 5 && digits.charAt(0) != '0') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '7') {
        return false;
      }
    }
    return true;
  }

  /** {@code ^([a-z_][a-z0-9_-]{0,31}\$?|[0-9]+)$}. */
  static boolean isAccount(String s) {
    if (s.isEmpty()) {
      return false;
    }
    boolean digits = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      digits &= c >= '0' && c <= '9';
    }
    if (digits) {
      return true;
    }
    String name = s.endsWith("$") ? s.substring(0, s.length() - 1) : s;
    if (name.isEmpty() || name.length() > 32) {
      return false;
    }
    char first = name.charAt(0);
    if (!(first >= 'a' && first <= 'z' || first == '_')) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!lowerAlnum(c) && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /**
   * A kernel argument of printable ASCII without spaces or quotes: a strict subset of the schema's
   * {@code ^[^\s"]+("[^"]*")?$} (arguments with quoted values take the exact path).
   */
  static boolean isPlainKarg(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == '"') {
        return false;
      }
    }
    return true;
  }
}
