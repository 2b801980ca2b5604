package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.image.ImageLock;
import dev.bootfleet.core.manifest.ImageLockFile;
import dev.bootfleet.testing.RegistryServer;
import dev.bootfleet.testing.TestImages;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code bootfleet bake} against a real registry: what is pushed, byte for byte. */
class BakeCommandTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static RegistryServer registry;
  static TestImages.Image base;
  static TestImages.Index multiBase;

  @TempDir
  Path fleet;

  @BeforeAll
  static void start() throws Exception {
    registry = RegistryServer.start();
    TestImages images = new TestImages(registry);
    base = images.push("bake/base-os", "42", Map.of("/usr/lib/os-release", "ID=test\n"));
    multiBase = images.pushIndex("bake/multi-os", "42");
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  void write(String file, String text) throws IOException {
    Path p = fleet.resolve(file);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  void fleetWithHost(String image) throws IOException {
    write("files/chrony.conf", "server time.example iburst\n");
    write("hosts/web-01.yaml", """
        # the web front end
        apiVersion: bootfleet.dev/v1alpha1
        kind: Host
        metadata:
          name: web-01
          labels: {role: web, site: fra1}
        spec:
          image:
            ref: %s   # baked by CI
          etc:
            - path: /etc/chrony.conf
              source: ../files/chrony.conf
            - path: /etc/ssh/sshd_config.d/50-bootfleet.conf
              mode: "0600"
              group: "0"
              content: |
                PasswordAuthentication no
            - path: /etc/motd
              template: true
              mode: "0640"
              owner: "1001"
              group: "1001"
              content: "{{host.name}} at {{host.labels.site}}\\n"
        """.formatted(image));
  }

  @TempDir
  static Path jibCache;

  Cli.Run bake(String... more) {
    String[] base = {"bake", "--repo", fleet.toString(), "--plain-http", registry.host(), "--jib-cache",
        jibCache.toString()};
    String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return Cli.run(args);
  }

  static byte[] get(String path, String accept) throws Exception {
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(registry.baseUri().resolve(path))
        .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.body();
  }

  record Entry(String mode, long uid, long gid, String content) {}

  /** The files of a gzipped tar layer. */
  static Map<String, Entry> untar(byte[] gz) throws IOException {
    Map<String, Entry> files = new LinkedHashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(gz)))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String content = e.isDirectory() ? null : new String(tar.readAllBytes(), StandardCharsets.UTF_8);
        files.put(e.getName(), new Entry(String.format("%04o", e.getMode() & 07777), e.getLongUserId(),
            e.getLongGroupId(), content));
      }
    }
    return files;
  }

  @Test
  void bake_host_pushesBasePlusOneEtcLayer_withModesAndOwners_reproducibly() throws Exception {
    fleetWithHost(base.pinned());

    Cli.Run r = bake("--host", "web-01", "--to", registry.host() + "/bake/web-01:v1");

    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    assertThat(r.out()).matches(registry.host().replace(".", "\\.") + "/bake/web-01:v1@sha256:[0-9a-f]{64}\n");
    String digest = r.out().strip().substring(r.out().indexOf('@') + 1);

    JsonNode manifest = JSON.readTree(get("/v2/bake/web-01/manifests/" + digest, TestImages.OCI_MANIFEST));
    JsonNode baseManifest = JSON.readTree(get("/v2/bake/base-os/manifests/" + base.digest(), TestImages.OCI_MANIFEST));
    assertThat(manifest.get("layers")).hasSize(baseManifest.get("layers").size() + 1);
    assertThat(manifest.get("layers").get(0).get("digest")).isEqualTo(baseManifest.get("layers").get(0).get("digest"));

    JsonNode config = JSON.readTree(get("/v2/bake/web-01/blobs/" + manifest.get("config").get("digest").asString(),
        "*/*"));
    assertThat(config.at("/config/Labels/org.opencontainers.image.base.digest").asString()).isEqualTo(base.digest());
    assertThat(config.at("/config/Labels/dev.bootfleet.baked-for").asString()).isEqualTo("host web-01");
    assertThat(config.at("/config/Labels/" + TestImages.NONCE_LABEL.replace("/", "~1")).isMissingNode())
        .as("the base's labels are kept").isFalse();

    String layer = manifest.get("layers").get(manifest.get("layers").size() - 1).get("digest").asString();
    Map<String, Entry> files = untar(get("/v2/bake/web-01/blobs/" + layer, "*/*"));
    assertThat(files).containsEntry("etc/chrony.conf", new Entry("0644", 0, 0, "server time.example iburst\n"))
        .containsEntry("etc/ssh/sshd_config.d/50-bootfleet.conf", new Entry("0600", 0, 0, "PasswordAuthentication no\n"))
        .containsEntry("etc/motd", new Entry("0640", 1001, 1001, "web-01 at fra1\n"));
    assertThat(files.keySet().stream().filter(n -> !n.endsWith("/"))).containsExactly(
        "etc/chrony.conf", "etc/motd", "etc/ssh/sshd_config.d/50-bootfleet.conf");

    Cli.Run again = bake("--host", "web-01", "--to", registry.host() + "/bake/web-01:v2");
    assertThat(again.out()).as("same base, same files: same digest").endsWith("@" + digest + "\n");
  }

  @Test
  void bake_writeBack_rewritesOnlyTheReference() throws Exception {
    fleetWithHost(base.tagged());
    String before = Files.readString(fleet.resolve("hosts/web-01.yaml"));

    Cli.Run r = bake("--host", "web-01", "--to", registry.host() + "/bake/web-01-wb:1", "--write-back");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("base " + base.tagged() + " is " + base.digest() + " now");
    String pinned = r.out().lines().findFirst().orElseThrow();
    assertThat(r.out()).contains("updated hosts/web-01.yaml:9:10 spec.image.ref");
    assertThat(Files.readString(fleet.resolve("hosts/web-01.yaml"))).isEqualTo(before.replace(base.tagged(), pinned));
    assertThat(Files.exists(fleet.resolve(ImageLock.FILE))).isFalse();
  }

  @Test
  void bake_group_onAMultiArchBase_forTwoPlatforms_writesBackTheListAndTheLock() throws Exception {
    write("groups/edge.yaml", """
        apiVersion: bootfleet.dev/v1alpha1
        kind: HostGroup
        metadata: {name: edge}
        spec:
          selector: {matchLabels: {role: edge}}
          image: {ref: "%s"}
          etc:
            - {path: /etc/edge.conf, content: "edge=1\\n"}
        """.formatted(multiBase.pinned()));

    Cli.Run r = bake("--group", "edge", "--to", registry.host() + "/bake/edge:1", "--platform",
        "linux/amd64,linux/arm64", "--write-back");

    assertThat(r.exit()).as(r.err()).isZero();
    String pinned = r.out().lines().findFirst().orElseThrow();
    assertThat(Files.readString(fleet.resolve("groups/edge.yaml"))).contains("image: {ref: \"" + pinned + "\"}");
    ImageLock lock = ImageLockFile.parse(Files.readString(fleet.resolve(ImageLock.FILE)), ImageLock.FILE).lock();
    String key = registry.host() + "/bake/edge@" + pinned.substring(pinned.indexOf('@') + 1);
    assertThat(lock.indexes()).containsOnlyKeys(key);
    assertThat(lock.indexes().get(key).mediaType()).isEqualTo(TestImages.DOCKER_LIST);
    assertThat(lock.indexes().get(key).manifests()).extracting(ImageLock.Child::platform)
        .containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
  }

  @Test
  void bake_whatALayerCannotHold_isRefused_andNothingIsPushed() throws Exception {
    write("groups/web.yaml", """
        apiVersion: bootfleet.dev/v1alpha1
        kind: HostGroup
        metadata: {name: web}
        spec:
          selector: {matchLabels: {role: web}}
          image: {ref: "%s"}
          etc:
            - {path: /etc/issue.d/old.issue, state: absent}
            - {path: /etc/chrony.conf, owner: chrony, content: "x\\n"}
            - {path: /etc/sudoers.d/x, mode: "4755", content: "x\\n"}
        """.formatted(base.pinned()));

    Cli.Run r = bake("--group", "web", "--to", registry.host() + "/bake/refused:1");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains(
        "bake: group web: /etc/issue.d/old.issue (group web): state: absent cannot be baked into a layer",
        "bake: group web: /etc/chrony.conf (group web): owner \"chrony\" is a name; an image layer keeps numbers",
        "bake: group web: /etc/sudoers.d/x (group web): mode 4755 has setuid, setgid or sticky bits",
        "bake: nothing built (3 problems)");
    HttpResponse<Void> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        registry.baseUri().resolve("/v2/bake/refused/manifests/1")).method("HEAD", HttpRequest.BodyPublishers.noBody())
        .header("Accept", String.join(", ", TestImages.ALL_MANIFEST_TYPES)).build(), HttpResponse.BodyHandlers.discarding());
    assertThat(head.statusCode()).isEqualTo(404);
  }

  @Test
  void bake_unknownHost_andTemplatesInAGroup_areOneLineErrors() throws Exception {
    fleetWithHost(base.pinned());
    write("groups/web.yaml", """
        apiVersion: bootfleet.dev/v1alpha1
        kind: HostGroup
        metadata: {name: web}
        spec:
          selector: {matchLabels: {role: web}}
          etc:
            - {path: /etc/motd, template: true, content: "{{host.name}}\\n"}
        """);

    Cli.Run host = bake("--host", "web-99", "--to", registry.host() + "/bake/x:1");
    Cli.Run group = bake("--group", "web", "--to", registry.host() + "/bake/x:1");

    assertThat(host.exit()).isEqualTo(1);
    assertThat(host.err()).isEqualTo("bootfleet: error: --host web-99: no such host in the fleet (known: web-01)\n");
    assertThat(group.exit()).isEqualTo(1);
    assertThat(group.err()).isEqualTo("bootfleet: error: --group web: the group sets no image (groups/web.yaml),"
        + " so there is no base to bake on\n");
  }
}
