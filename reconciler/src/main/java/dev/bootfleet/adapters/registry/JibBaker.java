package dev.bootfleet.adapters.registry;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import com.google.cloud.tools.jib.registry.credentials.CredentialRetrievalException;
import dev.bootfleet.core.image.Digest;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.port.ImageBaker;
import dev.bootfleet.core.port.ImageRegistry.RegistryException;
import dev.bootfleet.core.port.ImageRegistry.RegistryException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * {@link ImageBaker} with jib-core: no container engine, no daemon. The base image's layers are not
 * downloaded when the target registry already has them (jib-core mounts or skips them); the new layer
 * is reproducible (entries sorted, fixed times, numeric owners only), and the image's creation time is
 * the epoch, so the same base and the same files give the same digest.
 *
 * <p>Trust: jib-core uses the JVM's default TLS context, so extra CAs ({@code --registry-ca},
 * {@code certs.d}) become the process's default for the bake (a one-shot CLI process). Plain HTTP:
 * jib-core has one switch for all registries of a build; it is turned on only when the base's or the
 * target's registry is listed under {@code --plain-http}.
 */
public final class JibBaker implements ImageBaker {
  /** The modification time of every file in the layer (jib-core's own default, one second after the epoch). */
  static final Instant FILE_TIME = Instant.ofEpochSecond(1);

  private final RegistrySettings settings;
  private final Credentials credentials;
  private final Path cacheDir;

  /** @param cacheDir where jib-core keeps base-image layers between runs */
  public JibBaker(RegistrySettings settings, Path cacheDir) {
    this.settings = settings;
    this.credentials = new Credentials(settings);
    this.cacheDir = cacheDir;
  }

  @Override
  public Baked bake(Request r) throws RegistryException {
    if (r.base().digest() == null) {
      throw new IllegalArgumentException("the base must be pinned by digest: " + r.base());
    }
    if (r.target().tag() == null) {
      throw new IllegalArgumentException("the target needs a tag: " + r.target());
    }
    trustExtraCas(List.of(r.base().registry(), r.target().registry()));
    Path src = null;
    try {
      src = Files.createTempDirectory("bootfleet-bake-");
      FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("bootfleet-etc");
      int i = 0;
      for (LayerFile f : r.files()) {
        Path p = src.resolve("f" + i++);
        Files.write(p, f.content());
        layer.addEntry(p, AbsoluteUnixPath.get(f.path()), FilePermissions.fromOctalString(String.format("%03o", f.mode())),
            FILE_TIME, f.uid() + ":" + f.gid());
      }
      Set<Platform> platforms = new LinkedHashSet<>();
      for (String p : r.platforms()) {
        String[] parts = p.split("/");
        platforms.add(new Platform(parts[1], parts[0]));
      }
      JibContainerBuilder builder = Jib.from(registryImage(r.base()))
          .setFormat(platforms.size() > 1 ? ImageFormat.Docker : ImageFormat.OCI) // jib-core lists only v2.2
          .setPlatforms(platforms)
          .setCreationTime(Instant.EPOCH)
          .addFileEntriesLayer(layer.build());
      r.labels().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
          .forEach(e -> builder.addLabel(e.getKey(), e.getValue()));
      boolean plain = settings.isPlainHttp(r.base().registry()) || settings.isPlainHttp(r.target().registry());
      Containerizer to = Containerizer.to(registryImage(r.target()))
          .setAllowInsecureRegistries(plain)
          .setBaseImageLayersCache(cacheDir)
          .setApplicationLayersCache(src.resolve(".app-cache"))
          .setToolName("bootfleet");
      JibContainer pushed = builder.containerize(to);
      return new Baked(r.target(), Digest.parse(pushed.getDigest().toString()));
    } catch (ExecutionException e) {
      throw translate(e.getCause() == null ? e : e.getCause(), r);
    } catch (com.google.cloud.tools.jib.api.RegistryException e) {
      throw translate(e, r);
    } catch (InvalidImageReferenceException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (CacheDirectoryCreationException e) {
      throw new RegistryException(Kind.PROTOCOL, "cannot create jib-core's cache folder " + cacheDir + ": "
          + e.getMessage());
    } catch (IOException e) {
      throw translate(e, r);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(Kind.UNREACHABLE, "interrupted while baking");
    } finally {
      deleteTree(src);
    }
  }

  private RegistryImage registryImage(ImageRef ref) throws InvalidImageReferenceException {
    String text = ref.repository() + (ref.digest() != null ? "@" + ref.digest() : ":" + ref.tag());
    RegistryImage image = RegistryImage.named(text);
    image.addCredentialRetriever(() -> {
      try {
        return credentials.find(ref.registry(), ref.repository())
            .filter(c -> !c.identityToken())
            .map(c -> Credential.from(c.username(), c.secret()));
      } catch (IOException e) {
        throw new CredentialRetrievalException(e);
      }
    });
    return image;
  }

  private RegistryException translate(Throwable t, Request r) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof RegistryUnauthorizedException u) {
        return new RegistryException(Kind.UNAUTHORIZED, "the registry refused access to " + u.getImageReference()
            + "; credentials were looked for in " + String.join(", ", credentials.searchPath().stream()
                .map(Object::toString).toList()));
      }
      if (c instanceof InsecureRegistryException) {
        return new RegistryException(Kind.UNREACHABLE, "a registry of the build is not HTTPS with a trusted"
            + " certificate: list it with --plain-http, or give its CA with --registry-ca");
      }
      if (c instanceof ConnectException) {
        return new RegistryException(Kind.UNREACHABLE, "cannot reach " + r.base().registry() + " or "
            + r.target().registry() + ": connection refused (is the registry running?)");
      }
      if (c instanceof javax.net.ssl.SSLException s) {
        return new RegistryException(Kind.UNREACHABLE, "TLS failed: " + oneLine(s.getMessage())
            + " (give the registry's CA with --registry-ca, or list a plain-HTTP registry with --plain-http)");
      }
    }
    String msg = oneLine(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    if (msg.contains("MANIFEST_UNKNOWN") || msg.contains("manifest unknown")) {
      return new RegistryException(Kind.MANIFEST_UNKNOWN, "the base image " + r.base() + " does not exist");
    }
    return new RegistryException(Kind.PROTOCOL, "jib-core could not build or push: " + msg);
  }

  /** Makes the extra CAs for these registries the JVM's default trust (jib-core uses the default). */
  private void trustExtraCas(List<String> registries) throws RegistryException {
    try {
      Set<Path> cas = new LinkedHashSet<>();
      for (String reg : registries) {
        if (!settings.isPlainHttp(reg)) {
          cas.addAll(Trust.caFiles(settings, reg));
        }
      }
      if (!cas.isEmpty()) {
        SSLContext ctx = Trust.context(List.copyOf(cas));
        SSLContext.setDefault(ctx);
      }
    } catch (IOException e) {
      throw new RegistryException(Kind.UNREACHABLE, e.getMessage());
    }
  }

  private static String oneLine(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() > 300 ? one.substring(0, 300) + "…" : one;
  }

  private static void deleteTree(Path root) {
    dev.bootfleet.adapters.fs.Trees.deleteQuietly(root);
  }
}
