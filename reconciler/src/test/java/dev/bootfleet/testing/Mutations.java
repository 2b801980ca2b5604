package dev.bootfleet.testing;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Mutants of a JSON document, for holding a fast recognizer to a schema: every value replaced by each
 * of a palette of awkward values, every key removed, renamed and joined by an unknown one, every array
 * emptied and grown. The palette mixes values the schemas accept (so some mutants stay valid) with
 * near misses: wrong types, edge lengths, trailing newlines, non-ASCII, bad patterns.
 */
public final class Mutations {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Mutations() {}

  public static List<JsonNode> palette() {
    List<JsonNode> p = new ArrayList<>();
    p.add(F.nullNode());
    p.add(F.booleanNode(true));
    p.add(F.booleanNode(false));
    for (long n : new long[] {0, -1, 7, 420, 644, 1000, 1001, -1000, -1001, Long.MAX_VALUE}) {
      p.add(F.numberNode(n));
    }
    p.add(F.numberNode(1.0));
    p.add(F.numberNode(1.5));
    p.add(F.numberNode(new java.math.BigInteger("123456789012345678901234567890")));
    for (String s : strings()) {
      p.add(F.stringNode(s));
    }
    p.add(F.objectNode());
    p.add(F.objectNode().put("a", "b"));
    p.add(F.arrayNode());
    p.add(F.arrayNode().add("a"));
    p.add(F.arrayNode().add("a").add("a"));
    p.add(F.arrayNode().add(1));
    return p;
  }

  public static List<String> strings() {
    String hex = "0123456789abcdef".repeat(4);
    return List.of("", " ", "a", "A", "-a", "a-", "a.b", "a_b", "a/b", "a/b/c", "/a", "x/", "example.com/x",
        "Example.com/x", "x".repeat(63), "x".repeat(64), "x".repeat(253), "x".repeat(254), "x\n", "a b", "a:b",
        "é", "a\u0000b", "a\tb", "/etc", "/etc/", "/etc/a", "/etc//a", "/etc/a/", "/etc/a\n", "/etc/é", "/etcx/a",
        "/etc/a b", "0644", "644", "0o644", "00644", "12345", "0888", "0x1f", "06444", "0644\n", "root", "root$",
        "Root", "_a", "1000", "-1", "a$b", "x".repeat(33), hex, hex.toUpperCase(), hex.substring(1), hex + "\n",
        "registry", "oci", "containers-storage", "docker", "present", "absent", "In", "NotIn", "Exists",
        "DoesNotExist", "bootfleet.dev/v1alpha1", "bootfleet.dev/v1", "Host", "HostGroup", "EtcReport",
        "quiet", "console=ttyS0,115200", "a=\"b c\"", "\"", "a\"", "quay.io/x/y@sha256:" + hex,
        "system", "user", "x86_64", "org.example.App", "org.example", "org..x", "org.1x", "_o._x", "1.0", ".x",
        "https://dl.flathub.org/repo/", "file:///srv/repo",
        "auto", "bootc", "rpm-ostree", "org.mozilla.firefox", "org.my-app.X", "a.b.my-app",
        "a.b", "a.1b.c", "stable", ".stable", "-rf", "c++", "https://a/b", "file:///r", "ftp://a",
        "https://", "app/org.x.Y/x86_64/stable", "runtime/org.x.Y/x86_64/1");
  }

  /** Every mutant of {@code doc} (a fresh tree each). */
  public static List<JsonNode> of(JsonNode doc) {
    List<JsonNode> out = new ArrayList<>();
    collect(doc, doc, new ArrayList<>(), out);
    return out;
  }

  private static void collect(JsonNode root, JsonNode node, List<Object> path, List<JsonNode> out) {
    for (JsonNode v : palette()) {
      out.add(replaced(root, path, v));
    }
    if (node.isObject()) {
      List<String> keys = new ArrayList<>();
      node.properties().forEach(e -> keys.add(e.getKey()));
      out.add(edited(root, path, n -> ((ObjectNode) n).put("zz-unknown", "x")));
      for (String k : keys) {
        out.add(edited(root, path, n -> ((ObjectNode) n).remove(k)));
        for (String other : List.of("A", "a b", "x/", "é", "Bad/Key", "zz")) {
          out.add(edited(root, path, n -> {
            ObjectNode o = (ObjectNode) n;
            JsonNode v = o.remove(k);
            o.set(other, v);
          }));
        }
      }
      for (String k : keys) {
        List<Object> child = new ArrayList<>(path);
        child.add(k);
        collect(root, node.get(k), child, out);
      }
    } else if (node.isArray()) {
      out.add(edited(root, path, n -> ((ArrayNode) n).removeAll()));
      if (!node.isEmpty()) {
        out.add(edited(root, path, n -> ((ArrayNode) n).add(n.get(0).deepCopy())));
      }
      for (int i = 0; i < node.size(); i++) {
        List<Object> child = new ArrayList<>(path);
        child.add(i);
        collect(root, node.get(i), child, out);
      }
    }
  }

  private static JsonNode replaced(JsonNode root, List<Object> path, JsonNode value) {
    if (path.isEmpty()) {
      return value.deepCopy();
    }
    JsonNode copy = root.deepCopy();
    JsonNode parent = walk(copy, path.subList(0, path.size() - 1));
    Object last = path.get(path.size() - 1);
    if (parent instanceof ObjectNode o) {
      o.set((String) last, value.deepCopy());
    } else {
      ((ArrayNode) parent).set((Integer) last, value.deepCopy());
    }
    return copy;
  }

  private static JsonNode edited(JsonNode root, List<Object> path, java.util.function.Consumer<JsonNode> edit) {
    JsonNode copy = root.deepCopy();
    edit.accept(walk(copy, path));
    return copy;
  }

  private static JsonNode walk(JsonNode node, List<Object> path) {
    for (Object p : path) {
      node = p instanceof String k ? node.get(k) : node.get((Integer) p);
    }
    return node;
  }

  /** For messages: the document on one line. */
  public static String show(JsonNode doc) {
    return doc.toString();
  }
}
