package dev.bootfleet.app.sim;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;

/**
 * The fleet simulator's image lookup: one registry client for every simulated host, and a digest
 * reference looked up once (what it names never changes), by the first host that asks while the others
 * wait for its answer; a tag is looked up each time, as bootc does. A failed lookup is not kept.
 */
final class SharedImageLookup implements ImageLookup {
  private final ImageLookup registry;
  private final ConcurrentMap<String, CompletableFuture<Image>> byDigest = new ConcurrentHashMap<>();

  SharedImageLookup(ImageLookup registry) {
    this.registry = registry;
  }

  @Override
  public Image resolve(String ref, String transport, String arch) throws PullFailed {
    if (!ref.contains("@sha256:")) {
      return registry.resolve(ref, transport, arch);
    }
    String key = transport + " " + arch + " " + ref;
    CompletableFuture<Image> mine = new CompletableFuture<>();
    CompletableFuture<Image> known = byDigest.putIfAbsent(key, mine);
    if (known == null) {
      try {
        Image found = registry.resolve(ref, transport, arch);
        mine.complete(found);
        return found;
      } catch (PullFailed | RuntimeException e) {
        byDigest.remove(key, mine);
        mine.completeExceptionally(e);
        throw e;
      }
    }
    try {
      return known.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PullFailed("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof PullFailed p) {
        throw new PullFailed(p.getMessage());
      }
      throw new PullFailed(String.valueOf(e.getCause().getMessage()));
    }
  }
}
