package dev.bootfleet.core.manifest;

import dev.bootfleet.core.image.ImageRef;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Reads a host's desired state from the JSON {@code core.render.DesiredHostJson} writes (the server's
 * target document), so that an agent taking its target from the server gets the very {@link DesiredHost}
 * the loader built. Pure; a document it cannot read is one {@link IllegalArgumentException} naming the
 * field, the value and the form expected.
 */
public final class DesiredHostReader {
  private DesiredHostReader() {}

  public static DesiredHost read(JsonNode o) {
    object(o, "host");
    Map<String, String> labels = new HashMap<>();
    object(o.get("labels"), "host.labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
    JsonNode img = object(o.get("image"), "host.image");
    String ref = text(img, "ref", "host.image");
    Transport transport;
    try {
      transport = Transport.of(text(img, "transport", "host.image"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("host.image.transport: " + e.getMessage());
    }
    ImageSpec image;
    if (transport == Transport.OSTREE) {
      JsonNode t = object(img.get("ostree"), "host.image.ostree");
      image = ImageSpec.of(new OstreeTarget(text(t, "remote", "host.image.ostree"), text(t, "ref", "host.image.ostree"),
          t.path("commit").isString() ? t.get("commit").stringValue() : null,
          t.path("url").isString() ? t.get("url").stringValue() : null));
    } else {
      ImageRef parsed = transport == Transport.OCI ? null : ImageRef.parse(ref);
      image = new ImageSpec(ref, transport, img.path("enforceSignaturePolicy").asBoolean(false), parsed);
    }
    List<EtcFile> etc = new ArrayList<>();
    int i = 0;
    for (JsonNode e : array(o.get("etc"), "host.etc")) {
      String at = "host.etc[" + i++ + "]";
      boolean absent = e.path("absent").asBoolean(false);
      FileContent content = null;
      if (!absent) {
        byte[] bytes;
        try {
          bytes = Base64.getDecoder().decode(text(e, "contentBase64", at));
        } catch (IllegalArgumentException x) {
          throw new IllegalArgumentException(at + ".contentBase64: not base64 (" + x.getMessage() + ")");
        }
        content = FileContent.of(bytes);
        String sha = text(e, "sha256", at);
        if (!sha.equals(content.sha256())) {
          throw new IllegalArgumentException(at + ".sha256: \"" + sha + "\" does not match the content (expected "
              + content.sha256() + ")");
        }
      }
      int mode;
      try {
        mode = Integer.parseInt(text(e, "mode", at), 8);
      } catch (NumberFormatException x) {
        throw new IllegalArgumentException(at + ".mode: \"" + e.path("mode").asString() + "\" is not octal (expected 0644)");
      }
      etc.add(new EtcFile(text(e, "path", at), absent, content, mode, nullable(e, "owner"), nullable(e, "group"),
          nullable(e, "from")));
    }
    JsonNode k = object(o.get("kargs"), "host.kargs");
    Kargs kargs = new Kargs(set(k.get("append"), "host.kargs.append"), set(k.get("delete"), "host.kargs.delete"));
    HostDriverKind driver;
    try {
      driver = HostDriverKind.of(text(o, "driver", "host"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("host.driver: " + e.getMessage());
    }
    JsonNode p = object(o.get("packages"), "host.packages");
    Packages packages = new Packages(set(p.get("install"), "host.packages.install"),
        set(p.get("remove"), "host.packages.remove"));
    JsonNode fp = object(o.get("flatpak"), "host.flatpak");
    List<FlatpakRemote> remotes = new ArrayList<>();
    for (JsonNode r : array(fp.get("remotes"), "host.flatpak.remotes")) {
      remotes.add(new FlatpakRemote(text(r, "name", "host.flatpak.remotes[]"), text(r, "url", "host.flatpak.remotes[]"),
          FlatpakInstallation.of(text(r, "installation", "host.flatpak.remotes[]"))));
    }
    List<FlatpakApp> apps = new ArrayList<>();
    for (JsonNode a : array(fp.get("apps"), "host.flatpak.apps")) {
      String at = "host.flatpak.apps[]";
      apps.add(new FlatpakApp(text(a, "id", at), nullable(a, "arch"), text(a, "branch", at), nullable(a, "remote"),
          FlatpakInstallation.of(text(a, "installation", at)), nullable(a, "commit"), a.path("absent").asBoolean(false)));
    }
    List<String> groups = new ArrayList<>();
    array(o.get("groups"), "host.groups").forEach(g -> groups.add(g.asString()));
    return new DesiredHost(text(o, "name", "host"), labels, image, etc, kargs, driver, packages,
        new Flatpaks(remotes, apps), groups, nullable(o, "file"));
  }

  private static JsonNode object(JsonNode n, String field) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException(field + ": " + kind(n) + " (expected an object)");
    }
    return n;
  }

  private static JsonNode array(JsonNode n, String field) {
    if (n == null || !n.isArray()) {
      throw new IllegalArgumentException(field + ": " + kind(n) + " (expected an array)");
    }
    return n;
  }

  private static String text(JsonNode o, String key, String at) {
    JsonNode n = o.get(key);
    if (n == null || !n.isString()) {
      throw new IllegalArgumentException(at + "." + key + ": " + kind(n) + " (expected a string)");
    }
    return n.asString();
  }

  private static String nullable(JsonNode o, String key) {
    JsonNode n = o.get(key);
    return n == null || n.isNull() ? null : n.asString();
  }

  private static TreeSet<String> set(JsonNode n, String field) {
    TreeSet<String> s = new TreeSet<>();
    array(n, field).forEach(x -> s.add(x.asString()));
    return s;
  }

  private static String kind(JsonNode n) {
    return n == null || n.isMissingNode() ? "missing" : n.isNull() ? "null" : "a " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }
}
