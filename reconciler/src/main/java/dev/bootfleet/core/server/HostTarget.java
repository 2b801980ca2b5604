package dev.bootfleet.core.server;

import dev.bootfleet.core.image.ImageLock;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.ImageLockFile;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.render.DesiredHostJson;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the server answers a host's agent: the served revision, the host's merged desired state, the
 * revision's warnings and its image lock ({@code DesiredStateSource.Desired} as JSON), and an entity tag
 * that changes exactly when any of them does. Pure.
 *
 * @param json the document, {@code kind: HostTarget}
 * @param etag a quoted entity tag: a hash of the revision and of the document
 */
public record HostTarget(ObjectNode json, String etag) {
  public static final String KIND = "HostTarget";
  private static final JsonMapper JSON = JsonMapper.shared();

  public static HostTarget of(String revision, DesiredHost host, List<Problem> problems, ImageLock images) {
    return of(revision, host, problems, images, null);
  }

  /**
   * As above, for a host a rollout governs (ADR 0021, "Server"): {@code host} carries the image the rollout
   * lets it have now, and {@code rollout} says why and what it may do ({@code reboot}, {@code rollbackFrom},
   * {@code unstage}); null for a host no rollout governs. The entity tag covers it.
   */
  public static HostTarget of(String revision, DesiredHost host, List<Problem> problems, ImageLock images,
      ObjectNode rollout) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("apiVersion", "bootfleet.dev/v1alpha1");
    o.put("kind", KIND);
    o.put("revision", revision);
    o.set("host", DesiredHostJson.toJson(host));
    ArrayNode p = o.putArray("problems");
    problems.forEach(x -> p.add(x.format()));
    o.set("images", images.isEmpty() ? JsonNodeFactory.instance.nullNode() : JSON.readTree(ImageLockFile.render(images)));
    if (rollout != null) {
      o.set("rollout", rollout);
    }
    String text = o.toString();
    return new HostTarget(o, "\"" + Replanner.fingerprint(revision).substring(0, 12) + "-"
        + Replanner.fingerprint(text).substring(0, 32) + "\"");
  }
}
