package dev.bootfleet.charts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.RegistryServer;
import dev.bootfleet.testing.TestImages;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The image profile of reconciler/pom.xml, built for real: the test pushes a two-architecture base image
 * to a registry on loopback, runs {@code ./mvnw -Pimage jib:build} onto it (no network: the plugin
 * comes from the local Maven repository, the base from the test registry; Jib refuses Maven's
 * {@code -o} for a push, so the test checks the plugin is there beforehand), and reads back what Jib
 * pushed: each architecture's entrypoint, arguments, user, working directory, volume and labels, the
 * ones the chart relies on.
 */
final class ImageIT {
  private static final Path ROOT = Path.of(System.getProperty("bootfleet.projectRoot", "..")).toAbsolutePath().normalize();
  private static final long BUILD_TIMEOUT_MINUTES = 10;

  @Test
  void jibBuild_pushesServeImageRunningAsNonRoot_ontoEachArchitectureOfTheBase() throws Exception {
    // The plugin itself comes from Maven Central like every other plugin; the base image does not come from
    // the network: the test pushes one to its own registry.
    try (RegistryServer registry = RegistryServer.start()) {
      TestImages.Index base = new TestImages(registry).pushIndex("base/jre", "21");
      String target = registry.host() + "/bootfleet/server:it";
      Path log = registry.workDir().resolve("jib.log");

      Process build = new ProcessBuilder(ROOT.resolve("mvnw").toString(), "-B", "-ntp", "-Pimage",
          "-pl", "reconciler", "jib:build", "-Dimage=" + target, "-Djib.from.image=" + base.pinned(),
          "-Djib.allowInsecureRegistries=true", "-Djib.console=plain",
          "-Djib.baseImageCache=" + registry.workDir().resolve("jib-base-cache"),
          "-Djib.applicationCache=" + registry.workDir().resolve("jib-app-cache"))
          .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean finished = build.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES);
      if (!finished) {
        build.destroyForcibly();
      }
      assertThat(finished && build.exitValue() == 0).as("jib:build\n%s", Files.readString(log)).isTrue();

      JsonNode index = get(registry, "bootfleet/server", "manifests/it", TestImages.ALL_MANIFEST_TYPES);
      List<String> architectures = new ArrayList<>();
      for (JsonNode child : index.get("manifests")) {
        architectures.add(child.at("/platform/architecture").asString());
        JsonNode manifest = get(registry, "bootfleet/server", "manifests/" + child.get("digest").asString(),
            TestImages.ALL_MANIFEST_TYPES);
        JsonNode config = get(registry, "bootfleet/server", "blobs/" + manifest.at("/config/digest").asString(),
            List.of("*/*")).get("config");

        assertThat(config.get("User").asString()).isEqualTo("65532:65532");
        assertThat(strings(config.get("Entrypoint"))).startsWith("java").contains("-cp")
            .endsWith("dev.bootfleet.app.cli.Main");
        assertThat(strings(config.get("Cmd"))).containsExactly("serve");
        assertThat(config.get("WorkingDir").asString()).isEqualTo("/var/lib/bootfleet");
        assertThat(config.get("Volumes").propertyNames()).containsExactly("/var/lib/bootfleet");
        assertThat(config.at("/Labels/org.opencontainers.image.version").asString())
            .isEqualTo(System.getProperty("bootfleet.version"));
      }
      assertThat(architectures).containsExactlyInAnyOrder("amd64", "arm64");
    }
  }

  private static JsonNode get(RegistryServer registry, String repository, String path, List<String> accept)
      throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(registry.baseUri().resolve("/v2/" + repository + "/" + path))
        .header("Accept", String.join(", ", accept)).GET().build();
    HttpResponse<String> response = registry.httpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return JsonMapper.shared().readTree(response.body());
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asString()));
    return values;
  }
}
