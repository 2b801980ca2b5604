package dev.bootfleet.core.pin;

import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.Manifest;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.manifest.Transport;
import dev.bootfleet.core.text.Quote;
import dev.bootfleet.core.yaml.YNode;
import dev.bootfleet.core.yaml.YNode.YMap;
import dev.bootfleet.core.yaml.YNode.YScalar;
import dev.bootfleet.core.yaml.YamlException;
import dev.bootfleet.core.yaml.YamlReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the image references of a manifest file that live in a registry: {@code spec.image.ref} of
 * each {@code bootfleet.dev/v1alpha1} Host and HostGroup whose transport is {@code registry} (the
 * default). {@code oci} paths and {@code containers-storage} images have no registry to ask. Pure.
 */
public final class RefScanner {
  private RefScanner() {}

  /** The references found, and the problems that keep a file or reference from being pinned. */
  public record Result(List<RefSite> sites, List<Problem> problems) {
    public Result {
      sites = List.copyOf(sites);
      problems = List.copyOf(problems);
    }
  }

  public static Result scan(String file, String text) {
    List<RefSite> sites = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    List<YamlReader.Document> docs;
    try {
      docs = YamlReader.withDefaults().readAll(text);
    } catch (YamlException e) {
      return new Result(List.of(), List.of(Problem.error(file, e.pos(), "", e.getMessage())));
    }
    for (int i = 0; i < docs.size(); i++) {
      if (!(docs.get(i).root() instanceof YMap root)) {
        continue;
      }
      String api = text(root.get("apiVersion"));
      String kind = text(root.get("kind"));
      if (!Manifest.API_VERSION.equals(api) || !("Host".equals(kind) || "HostGroup".equals(kind))) {
        continue;
      }
      String name = root.get("metadata") instanceof YMap m && text(m.get("name")) != null ? text(m.get("name")) : "";
      if (!(root.get("spec") instanceof YMap spec) || !(spec.get("image") instanceof YMap image)) {
        continue;
      }
      String transport = text(image.get("transport"));
      if (transport != null && !Transport.REGISTRY.id().equals(transport)) {
        continue;
      }
      YNode refNode = image.get("ref");
      if (!(refNode instanceof YScalar s) || s.type() != YScalar.Type.STRING) {
        problems.add(Problem.error(file, refNode == null ? image.pos() : refNode.pos(), RefSite.FIELD,
            refNode == null ? "is missing (expected " + ImageRef.EXPECTED + ")"
                : "is a " + refNode.kindName() + " (expected a string " + ImageRef.EXPECTED + ")"));
        continue;
      }
      ImageRef ref;
      try {
        ref = ImageRef.parse(s.text());
      } catch (IllegalArgumentException e) {
        problems.add(Problem.error(file, s.pos(), RefSite.FIELD, e.getMessage()));
        continue;
      }
      sites.add(new RefSite(file, i, s.pos(), kind, name, s.text(), ref));
    }
    return new Result(sites, problems);
  }

  private static String text(YNode n) {
    return n instanceof YScalar s && s.type() == YScalar.Type.STRING ? s.text() : null;
  }

  /** For messages: the reference quoted. */
  static String quoted(String ref) {
    return Quote.of(ref);
  }
}
