package dev.bootfleet.core.port;

import dev.bootfleet.core.image.Digest;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.port.ImageRegistry.RegistryException;
import java.util.List;
import java.util.Map;

/**
 * Builds an image from a base image plus one layer of files and pushes it, without a container
 * engine. Implemented with jib-core in {@code dev.bootfleet.adapters.registry}.
 */
public interface ImageBaker {

  /** A file of the layer: absolute path, bytes, permission bits (at most 0777) and numeric owner. */
  record LayerFile(String path, byte[] content, int mode, long uid, long gid) {}

  /**
   * What to build.
   *
   * @param base the base image, pinned by digest (what the result is reproducible from)
   * @param target where to push, with a tag
   * @param labels added to the base image's labels
   * @param platforms {@code os/arch[/variant]}; one gives an OCI manifest, several a manifest list
   */
  record Request(ImageRef base, ImageRef target, List<LayerFile> files, Map<String, String> labels,
      List<String> platforms) {
    public Request {
      files = List.copyOf(files);
      labels = Map.copyOf(labels);
      platforms = List.copyOf(platforms);
    }
  }

  /** The pushed image: the target reference and the digest of its manifest (or manifest list). */
  record Baked(ImageRef target, Digest digest) {}

  Baked bake(Request request) throws RegistryException;
}
