package dev.bootfleet.testing;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pushes small test images to a {@link RegistryServer} with jib-core (no container engine) and returns
 * their manifest digests.
 *
 * <p>Every push carries a label and a file ({@code /etc/bootfleet-test-image}) with a fresh nonce, so
 * two pushes never share a digest, even to the same tag (that is how a test makes a pin stale). Images
 * are OCI ({@code application/vnd.oci.image.manifest.v1+json}) unless {@link #pushDocker} is used.
 *
 * <p>jib-core cannot write an OCI image index, so {@link #pushIndex} pushes each architecture's image
 * with jib-core and then PUTs the index itself ({@code application/vnd.oci.image.index.v1+json}).
 */
public final class TestImages {
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  /** Every manifest media type a registry may answer with, for an {@code Accept} header. */
  public static final List<String> ALL_MANIFEST_TYPES = List.of(OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST);

  /** The label every test image carries; its value is unique per push. */
  public static final String NONCE_LABEL = "dev.bootfleet.test.nonce";

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final RegistryServer registry;
  private final Path cache;
  private final HttpClient http;

  public TestImages(RegistryServer registry) throws IOException {
    this.registry = registry;
    this.cache = Files.createDirectories(registry.workDir().resolve("jib-cache"));
    this.http = registry.httpClient();
  }

  /** A pushed single-architecture image: {@code host/repository:tag} and its manifest digest. */
  public record Image(String host, String repository, String tag, String digest) {
    /** {@code host/repository:tag}. */
    public String tagged() {
      return host + "/" + repository + ":" + tag;
    }

    /** {@code host/repository:tag@digest}, Renovate's pinned form. */
    public String pinned() {
      return tagged() + "@" + digest;
    }

    /** {@code host/repository@digest}. */
    public String byDigest() {
      return host + "/" + repository + "@" + digest;
    }
  }

  /**
   * A pushed multi-architecture OCI index: its digest and, per platform ({@code linux/amd64},
   * {@code linux/arm64}), the child manifest's digest.
   */
  public record Index(String host, String repository, String tag, String digest, Map<String, String> children) {
    public String tagged() {
      return host + "/" + repository + ":" + tag;
    }

    public String pinned() {
      return tagged() + "@" + digest;
    }

    public String child(String platform) {
      String d = children.get(platform);
      if (d == null) {
        throw new IllegalArgumentException("no child for " + platform + " in " + children.keySet());
      }
      return d;
    }
  }

  /** Pushes a fresh amd64 OCI image to {@code repository:tag}. */
  public Image push(String repository, String tag) throws IOException {
    return push(repository, tag, Map.of());
  }

  /**
   * Pushes a fresh amd64 OCI image to {@code repository:tag} holding {@code files} (absolute path in the
   * image to content, mode 0644, root:root) beside the nonce file.
   */
  public Image push(String repository, String tag, Map<String, String> files) throws IOException {
    return pushOne(repository, tag, files, ImageFormat.OCI, new Platform("amd64", "linux"));
  }

  /** Pushes a fresh amd64 image in Docker's v2.2 format ({@code vnd.docker.distribution.manifest.v2}). */
  public Image pushDocker(String repository, String tag) throws IOException {
    return pushOne(repository, tag, Map.of(), ImageFormat.Docker, new Platform("amd64", "linux"));
  }

  /**
   * Pushes an OCI image index to {@code repository:tag} with two children, linux/amd64 and linux/arm64,
   * each a fresh image. The children are pushed first under the tags {@code tag-amd64} and
   * {@code tag-arm64} (jib-core always pushes to a tag).
   */
  public Index pushIndex(String repository, String tag) throws IOException {
    Map<String, String> children = new LinkedHashMap<>();
    StringBuilder manifests = new StringBuilder();
    for (String arch : List.of("amd64", "arm64")) {
      Image child = pushOne(repository, tag + "-" + arch, Map.of(), ImageFormat.OCI, new Platform(arch, "linux"));
      long size = manifestSize(repository, child.digest());
      children.put("linux/" + arch, child.digest());
      if (!manifests.isEmpty()) {
        manifests.append(',');
      }
      manifests.append("{\"mediaType\":\"").append(OCI_MANIFEST)
          .append("\",\"digest\":\"").append(child.digest())
          .append("\",\"size\":").append(size)
          .append(",\"platform\":{\"architecture\":\"").append(arch).append("\",\"os\":\"linux\"}}");
    }
    String index = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":[" + manifests + "]}";
    byte[] body = index.getBytes(StandardCharsets.UTF_8);
    String digest = sha256(body);
    HttpRequest put = authorized(HttpRequest.newBuilder(manifestUri(repository, tag)), repository)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", OCI_INDEX)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    HttpResponse<String> r = send(put);
    if (r.statusCode() != 201) {
      throw new IOException("PUT index " + repository + ":" + tag + ": HTTP " + r.statusCode() + ": " + r.body());
    }
    String answered = r.headers().firstValue("Docker-Content-Digest").orElse("");
    if (!digest.equals(answered)) {
      throw new IOException("registry stored the index as " + answered + ", expected " + digest);
    }
    return new Index(registry.host(), repository, tag, digest, Map.copyOf(children));
  }

  private Image pushOne(String repository, String tag, Map<String, String> files, ImageFormat format, Platform platform)
      throws IOException {
    String nonce = UUID.randomUUID() + "-" + COUNTER.incrementAndGet();
    Path src = Files.createTempDirectory(cache, "src-");
    try {
      FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("test-files");
      Map<String, String> all = new LinkedHashMap<>(files);
      all.put("/etc/bootfleet-test-image", repository + ":" + tag + " " + platform.getArchitecture() + " " + nonce + "\n");
      int i = 0;
      for (Map.Entry<String, String> e : all.entrySet()) {
        Path f = src.resolve("f" + i++);
        Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
        layer.addEntry(f, AbsoluteUnixPath.get(e.getKey()), FilePermissions.fromOctalString("644"),
            Instant.EPOCH, "0:0");
      }
      JibContainerBuilder builder = Jib.fromScratch()
          .setFormat(format)
          .setPlatforms(Set.of(platform))
          .addLabel(NONCE_LABEL, nonce)
          .addFileEntriesLayer(layer.build());
      RegistryImage target = RegistryImage.named(registry.host() + "/" + repository + ":" + tag);
      if (registry.username() != null) {
        target.addCredential(registry.username(), registry.password());
      }
      Containerizer to = Containerizer.to(target)
          .setAllowInsecureRegistries(true)
          .setBaseImageLayersCache(cache.resolve("base"))
          .setApplicationLayersCache(cache.resolve("app"))
          .setToolName("bootfleet-tests");
      JibContainer pushed = builder.containerize(to);
      return new Image(registry.host(), repository, tag, pushed.getDigest().toString());
    } catch (InvalidImageReferenceException | ExecutionException e) {
      throw new IOException("jib-core could not push " + repository + ":" + tag + " to " + registry.host()
          + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while pushing " + repository + ":" + tag, e);
    } catch (com.google.cloud.tools.jib.api.CacheDirectoryCreationException
        | com.google.cloud.tools.jib.api.RegistryException e) {
      throw new IOException("jib-core could not push " + repository + ":" + tag + ": " + e.getMessage(), e);
    } finally {
      RegistryServer.deleteTree(src);
    }
  }

  /** The byte size of a stored manifest, checked against its digest. */
  private long manifestSize(String repository, String digest) throws IOException {
    HttpRequest get = authorized(HttpRequest.newBuilder(manifestUri(repository, digest)), repository)
        .timeout(Duration.ofSeconds(30))
        .header("Accept", String.join(", ", ALL_MANIFEST_TYPES))
        .GET()
        .build();
    HttpResponse<byte[]> r;
    try {
      r = http.send(get, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (r.statusCode() != 200 || !digest.equals(sha256(r.body()))) {
      throw new IOException("GET manifest " + repository + "@" + digest + ": HTTP " + r.statusCode());
    }
    return r.body().length;
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder b, String repository) {
    String auth = registry.authorization(repository);
    return auth == null ? b : b.header("Authorization", auth);
  }

  private URI manifestUri(String repository, String reference) {
    return registry.baseUri().resolve("/v2/" + repository + "/manifests/" + reference);
  }

  /** {@code sha256:<hex>} of some bytes. */
  public static String sha256(byte[] bytes) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
