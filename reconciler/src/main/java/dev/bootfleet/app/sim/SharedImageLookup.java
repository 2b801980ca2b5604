package dev.bootfleet.app.sim;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The fleet simulator's image lookup: one registry client for every simulated host, and a digest
 * reference looked up once (what it names never changes); a tag is looked up each time, as bootc does.
 */
final class SharedImageLookup implements ImageLookup {
  private final ImageLookup registry;
  private final ConcurrentMap<String, Image> byDigest = new ConcurrentHashMap<>();

  SharedImageLookup(ImageLookup registry) {
    this.registry = registry;
  }

  @Override
  public Image resolve(String ref, String transport, String arch) throws PullFailed {
    if (!ref.contains("@sha256:")) {
      return registry.resolve(ref, transport, arch);
    }
    String key = transport + " " + arch + " " + ref;
    Image known = byDigest.get(key);
    if (known != null) {
      return known;
    }
    Image found = registry.resolve(ref, transport, arch); // racing hosts may each look it up once: harmless
    byDigest.putIfAbsent(key, found);
    return found;
  }
}
