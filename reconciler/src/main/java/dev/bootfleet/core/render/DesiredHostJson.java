package dev.bootfleet.core.render;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.EtcFile;
import dev.bootfleet.core.manifest.FlatpakApp;
import dev.bootfleet.core.manifest.FlatpakRemote;
import java.util.Base64;
import java.util.Collection;
import java.util.TreeMap;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A host's merged desired state as JSON: what the server answers an agent ({@code GET
 * /v1/hosts/{name}/target}), read back by {@code core.manifest.DesiredHostReader}. Fields follow the
 * manifest's own names ({@code spec.image.ref}, {@code etc[].path}, ...); file contents travel as base64
 * with their SHA-256. Keys always in the same order, so equal hosts give equal text (the ETag hashes it).
 */
public final class DesiredHostJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private DesiredHostJson() {}

  public static ObjectNode toJson(DesiredHost h) {
    ObjectNode o = F.objectNode();
    o.put("name", h.name());
    ObjectNode labels = o.putObject("labels");
    new TreeMap<>(h.labels()).forEach(labels::put);
    ObjectNode image = o.putObject("image");
    image.put("ref", h.image().ref());
    image.put("transport", h.image().transport().id());
    image.put("enforceSignaturePolicy", h.image().enforceSignaturePolicy());
    if (h.image().isOstree()) {
      ObjectNode ostree = image.putObject("ostree");
      ostree.put("remote", h.image().ostree().remote());
      ostree.put("ref", h.image().ostree().ref());
      ostree.put("commit", h.image().ostree().commit());
      ostree.put("url", h.image().ostree().url());
    }
    ArrayNode etc = o.putArray("etc");
    for (EtcFile f : h.etc()) {
      ObjectNode e = etc.addObject();
      e.put("path", f.path());
      e.put("absent", f.absent());
      if (!f.absent()) {
        e.put("sha256", f.content().sha256());
        e.put("contentBase64", Base64.getEncoder().encodeToString(f.content().bytes()));
      }
      e.put("mode", f.modeString());
      e.put("owner", f.owner());
      e.put("group", f.group());
      e.put("from", f.from());
    }
    ObjectNode kargs = o.putObject("kargs");
    strings(kargs, "append", h.kargs().append());
    strings(kargs, "delete", h.kargs().delete());
    o.put("driver", h.driver().id());
    ObjectNode packages = o.putObject("packages");
    strings(packages, "install", h.packages().install());
    strings(packages, "remove", h.packages().remove());
    ObjectNode flatpak = o.putObject("flatpak");
    ArrayNode remotes = flatpak.putArray("remotes");
    for (FlatpakRemote r : h.flatpak().remotes()) {
      remotes.addObject().put("name", r.name()).put("url", r.url()).put("installation", r.installation().id());
    }
    ArrayNode apps = flatpak.putArray("apps");
    for (FlatpakApp a : h.flatpak().apps()) {
      apps.addObject().put("id", a.id()).put("arch", a.arch()).put("branch", a.branch()).put("remote", a.remote())
          .put("installation", a.installation().id()).put("commit", a.commit()).put("absent", a.absent());
    }
    strings(o, "groups", h.groups());
    o.put("file", h.file());
    return o;
  }

  private static void strings(ObjectNode o, String key, Collection<String> values) {
    ArrayNode a = o.putArray(key);
    values.forEach(a::add);
  }
}
