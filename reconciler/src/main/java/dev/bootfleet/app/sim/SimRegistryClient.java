package dev.bootfleet.app.sim;

import dev.bootfleet.core.manifest.FileContent;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads image manifests from an OCI distribution registry (v2 API) with plain {@code java.net.http}:
 * {@code HEAD /v2/<name>/manifests/<ref>} with all four manifest media types in {@code Accept}, the
 * digest from {@code Docker-Content-Digest}; for an index or manifest list, {@code GET} it and pick the
 * child for the architecture, as bootc's pull does (skopeo's proxy resolves lists to the current
 * platform). Then the child manifest and its config blob for the labels bootc reports.
 *
 * <p>Loopback registries are spoken to over plain HTTP, every other one over HTTPS. Anonymous only: a
 * registry that asks for credentials is reported as such.
 *
 * <p>Part of the bootc simulator, which plays a host pulling from a test registry: it also reads the
 * config blob for the labels bootc reports, which bootfleet itself never needs. bootfleet's own
 * registry client, with credentials, TLS options and retries, is {@code adapters.registry.HttpImageRegistry}.
 */
final class SimRegistryClient {
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  static final String ACCEPT = String.join(", ", OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST);
  private static final int MAX_DOCUMENT = 4 * 1024 * 1024;
  private static final JsonMapper JSON = JsonMapper.shared();

  private final HttpClient http;
  private final Duration timeout;

  SimRegistryClient(Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  /**
   * What a reference resolves to for one architecture.
   *
   * @param digest the digest the reference names (an index's, when it is one)
   * @param mediaType that document's media type
   * @param imageDigest the per-architecture image manifest's digest (what bootc reports as imageDigest)
   * @param architecture from the image config
   * @param version the {@code org.opencontainers.image.version} label (else {@code version}), or null
   * @param created the {@code org.opencontainers.image.created} label, else the config's {@code created}, or null
   */
  record Resolved(String digest, String mediaType, String imageDigest, String architecture, String version,
      String created) {}

  /** A reference that does not resolve: one line saying why (missing, no such architecture, refused). */
  static final class LookupException extends Exception {
    private static final long serialVersionUID = 1L;

    LookupException(String message) {
      super(message);
    }
  }

  /** The digest a reference names (HEAD only), or empty when the registry does not know it. */
  Optional<String> headDigest(ImageRef ref) throws IOException, InterruptedException, LookupException {
    HttpResponse<Void> r = send(request(ref, reference(ref)).method("HEAD", HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    check(r, ref);
    return r.headers().firstValue("Docker-Content-Digest");
  }

  /** Resolves {@code ref} for {@code architecture} (OCI names: amd64, arm64, ...). */
  Resolved resolve(ImageRef ref, String architecture) throws IOException, InterruptedException,
      LookupException {
    String top = headDigest(ref).orElseThrow(() -> new LookupException(ref + ": manifest unknown (the registry has"
        + " no such image)"));
    if (ref.digest() != null && !ref.digest().toString().equals(top)) {
      throw new LookupException(ref + ": the registry answered with digest " + top);
    }
    Doc doc = get(ref, top);
    String manifestDigest = top;
    Doc manifest = doc;
    if (doc.mediaType().equals(OCI_INDEX) || doc.mediaType().equals(DOCKER_LIST)) {
      manifestDigest = pick(doc.json(), architecture).orElseThrow(() -> new LookupException(ref
          + ": the index has no image for linux/" + architecture));
      manifest = get(ref, manifestDigest);
    }
    String configDigest = manifest.json().path("config").path("digest").asString(null);
    if (configDigest == null) {
      throw new LookupException(ref + ": manifest " + manifestDigest + " has no config");
    }
    JsonNode config = blob(ref, configDigest);
    String arch = config.path("architecture").asString(architecture);
    JsonNode labels = config.path("config").path("Labels");
    String version = text(labels.path("org.opencontainers.image.version"));
    if (version == null) {
      version = text(labels.path("version"));
    }
    String created = text(labels.path("org.opencontainers.image.created"));
    if (created == null) {
      created = text(config.path("created"));
    }
    return new Resolved(top, doc.mediaType(), manifestDigest, arch, version, created);
  }

  private static String text(JsonNode n) {
    return n.isString() && !n.asString().isEmpty() ? n.asString() : null;
  }

  static Optional<String> pick(JsonNode index, String architecture) {
    for (JsonNode m : index.path("manifests")) {
      JsonNode p = m.path("platform");
      if (architecture.equals(p.path("architecture").asString(null)) && "linux".equals(p.path("os").asString("linux"))) {
        return Optional.ofNullable(m.path("digest").asString(null));
      }
    }
    return Optional.empty();
  }

  private record Doc(String mediaType, JsonNode json) {}

  private Doc get(ImageRef ref, String digest) throws IOException, InterruptedException, LookupException {
    HttpResponse<byte[]> r = send(request(ref, digest).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    check(r, ref);
    byte[] body = r.body();
    verify(ref, digest, body);
    JsonNode json = parse(ref, body);
    String type = r.headers().firstValue("Content-Type").map(t -> t.split(";")[0].strip())
        .orElse(json.path("mediaType").asString(OCI_MANIFEST));
    if (json.has("mediaType")) {
      type = json.path("mediaType").asString(type);
    }
    return new Doc(type, json);
  }

  private JsonNode blob(ImageRef ref, String digest) throws IOException, InterruptedException, LookupException {
    URI uri = base(ref).resolve("/v2/" + ref.path() + "/blobs/" + digest);
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    check(r, ref);
    verify(ref, digest, r.body());
    return parse(ref, r.body());
  }

  private static void verify(ImageRef ref, String digest, byte[] body) throws LookupException {
    if (body.length > MAX_DOCUMENT) {
      throw new LookupException(ref + ": document " + digest + " is larger than 4 MiB");
    }
    if (digest.startsWith("sha256:") && !digest.equals("sha256:" + FileContent.sha256(body))) {
      throw new LookupException(ref + ": the registry sent content that does not match " + digest);
    }
  }

  private static JsonNode parse(ImageRef ref, byte[] body) throws LookupException {
    try {
      return JSON.readTree(body);
    } catch (JacksonException e) {
      throw new LookupException(ref + ": the registry sent a document that is not JSON");
    }
  }

  private HttpRequest.Builder request(ImageRef ref, String reference) {
    return HttpRequest.newBuilder(base(ref).resolve("/v2/" + ref.path() + "/manifests/" + reference))
        .timeout(timeout).header("Accept", ACCEPT);
  }

  private static String reference(ImageRef ref) {
    return ref.digest() != null ? ref.digest().toString() : ref.tag() == null ? "latest" : ref.tag();
  }

  static URI base(ImageRef ref) {
    String host = ref.registry();
    String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
        : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
    boolean loopback = name.equals("localhost") || name.startsWith("127.") || name.equals("[::1]");
    return URI.create((loopback ? "http://" : "https://") + host + "/");
  }

  private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    return http.send(req, handler);
  }

  private static void check(HttpResponse<?> r, ImageRef ref) throws LookupException {
    int s = r.statusCode();
    if (s == 200) {
      return;
    }
    if (s == 401 || s == 403) {
      throw new LookupException(ref + ": the registry refused anonymous access (HTTP " + s + ")");
    }
    if (s == 404) {
      throw new LookupException(ref + ": manifest unknown (the registry has no such image)");
    }
    throw new LookupException(ref + ": the registry answered HTTP " + s + " "
        + Text.oneLine(List.of(r.request().method(), r.request().uri().getPath()).toString(), ""));
  }
}
