package dev.bootfleet.app.cli;

import dev.bootfleet.adapters.registry.HttpImageRegistry;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.image.ImageLock;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.port.ImageRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --verify-images}: asks each registry whether every desired image exists (a pinned digest by
 * its digest, a tag-only reference by its tag), one bounded batch for the whole fleet. A missing one is
 * an error naming the host, its manifest file and the reference; a pinned index the lock file does not
 * list is a warning (plan would not recognise the host's per-architecture digest).
 */
final class ImageVerifier {
  private ImageVerifier() {}

  static List<Problem> verify(Fleet fleet, RegistryOptions options) {
    Map<DesiredHost, ImageRef> asked = new java.util.LinkedHashMap<>();
    Set<ImageRef> distinct = new LinkedHashSet<>();
    for (DesiredHost h : fleet.hosts()) {
      ImageRef r = h.image().parsed();
      if (r == null || h.image().transport() != dev.bootfleet.core.manifest.Transport.REGISTRY) {
        continue; // oci paths and containers-storage have no registry to ask
      }
      ImageRef lookup = r.digest() != null ? new ImageRef(r.registry(), r.path(), null, r.digest())
          : new ImageRef(r.registry(), r.path(), r.tag() == null ? "latest" : r.tag(), null);
      asked.put(h, lookup);
      distinct.add(lookup);
    }
    Map<ImageRef, ImageRegistry.Outcome> answers = new HashMap<>();
    try (HttpImageRegistry registry = options.open()) {
      for (ImageRegistry.Outcome o : registry.lookUpAll(new ArrayList<>(distinct))) {
        answers.put(o.ref(), o);
      }
    }
    List<Problem> problems = new ArrayList<>();
    for (Map.Entry<DesiredHost, ImageRef> e : asked.entrySet()) {
      DesiredHost h = e.getKey();
      ImageRegistry.Outcome o = answers.get(e.getValue());
      String prefix = "host " + h.name() + ": \"" + h.image().ref() + "\": ";
      if (!o.ok()) {
        problems.add(Problem.error(h.file(), null, "spec.image.ref", prefix + o.error().getMessage()));
      } else if (o.manifest().isIndex() && e.getValue().digest() != null
          && fleet.images().index(e.getValue().repository(), e.getValue().digest()).isEmpty()) {
        problems.add(Problem.warning(h.file(), null, "spec.image.ref", prefix + "pins a multi-architecture index"
            + " that " + ImageLock.FILE + " does not list, so plan cannot match a host's per-architecture digest"
            + " (run bootfleet pin)"));
      }
    }
    problems.sort(Problem.ORDER);
    return problems;
  }
}
