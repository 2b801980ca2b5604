package dev.bootfleet.app.sim;

/** Where the simulator learns whether an image exists and its per-architecture digest. */
interface ImageLookup {
  /** What bootc would record for {@code ref} pulled on an {@code arch} host. */
  record Image(String imageDigest, String architecture, String version, String created) {}

  /** A pull that would fail, with bootc-like wording. */
  final class PullFailed extends Exception {
    private static final long serialVersionUID = 1L;

    PullFailed(String message) {
      super(message);
    }
  }

  Image resolve(String ref, String transport, String arch) throws PullFailed;

  /** {@code ref} parsed, for a lookup that pulls from registries only; a {@link PullFailed} in bootc's words. */
  static dev.bootfleet.core.image.ImageRef registryRef(String ref, String transport) throws PullFailed {
    if (!transport.equals("registry")) {
      throw new PullFailed("the simulator pulls from registries only (transport " + transport + ")");
    }
    try {
      return dev.bootfleet.core.image.ImageRef.parse(ref);
    } catch (IllegalArgumentException e) {
      throw new PullFailed("Parsing image reference: " + e.getMessage());
    }
  }
}
