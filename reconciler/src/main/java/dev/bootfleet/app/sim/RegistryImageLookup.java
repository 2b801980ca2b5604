package dev.bootfleet.app.sim;

import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.time.Duration;

/** Looks images up in a real registry through {@link SimRegistryClient} (HEAD, then the index child for the arch). */
final class RegistryImageLookup implements ImageLookup {
  private final SimRegistryClient client = new SimRegistryClient(Duration.ofSeconds(30));

  @Override
  public Image resolve(String ref, String transport, String arch) throws PullFailed {
    ImageRef parsed = ImageLookup.registryRef(ref, transport);
    try {
      SimRegistryClient.Resolved r = client.resolve(parsed, arch);
      return new Image(r.imageDigest(), r.architecture(), r.version(), r.created());
    } catch (SimRegistryClient.LookupException e) {
      throw new PullFailed("Creating importer: failed to invoke method OpenImage: " + e.getMessage());
    } catch (IOException e) {
      throw new PullFailed("Creating importer: pinging container registry " + parsed.registry() + ": "
          + Text.oneLine(e.getMessage(), e.getClass().getSimpleName()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PullFailed("interrupted");
    }
  }
}
