package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.RegistryServer;
import dev.bootfleet.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multi-architecture fleet end to end: pin writes the lock, plan reads it offline and sees an arm64
 * host booted on its own manifest as in sync; --verify-images asks the registry.
 */
class PlanImagesTest {
  static RegistryServer registry;
  static TestImages.Index index;
  static TestImages.Image single;

  @TempDir
  Path fleet;

  @BeforeAll
  static void start() throws Exception {
    registry = RegistryServer.start();
    TestImages images = new TestImages(registry);
    index = images.pushIndex("plan/edge-os", "5");
    single = images.push("plan/web-os", "1");
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  void host(String name, String ref) throws IOException {
    Path p = fleet.resolve("hosts/" + name + ".yaml");
    Files.createDirectories(p.getParent());
    Files.writeString(p, """
        apiVersion: bootfleet.dev/v1alpha1
        kind: Host
        metadata: {name: %s}
        spec:
          image: {ref: %s}
        """.formatted(name, ref));
  }

  /** What bootc status prints on a host booted from {@code ref}, whose own manifest is {@code digest}. */
  void observed(String name, String ref, String digest, String arch) throws IOException {
    Path p = fleet.resolve("observed/" + name + ".json");
    Files.createDirectories(p.getParent());
    Files.writeString(p, """
        {"apiVersion":"org.containers.bootc/v1","kind":"BootcHost","metadata":{"name":"host"},
         "spec":{"bootOrder":"default","image":{"image":"%1$s","transport":"registry"}},
         "status":{"booted":{"cachedUpdate":null,"downloadOnly":false,"image":{"architecture":"%3$s",
           "image":{"image":"%1$s","transport":"registry"},"imageDigest":"%2$s",
           "timestamp":"2026-11-01T04:00:00Z","version":"5"},"incompatible":false,
           "ostree":{"checksum":"%4$s","deploySerial":0,"stateroot":"default"},"pinned":false,
           "softRebootCapable":false,"store":"ostreeContainer"},
          "rollback":null,"rollbackQueued":false,"staged":null,"type":"bootcHost","usrOverlay":null}}
        """.formatted(ref, digest, arch, "5".repeat(64)));
  }

  Cli.Run plan(String... more) {
    String[] base = {"plan", "--repo", fleet.toString(), "--observed", fleet.resolve("observed").toString()};
    String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return Cli.run(args);
  }

  @Test
  void plan_afterPin_arm64HostBootedByTag_isInSync_offline() throws Exception {
    try (RegistryServer own = RegistryServer.start()) {
      TestImages.Index multi = new TestImages(own).pushIndex("plan/edge-os", "5");
      host("edge-01", multi.tagged());
      observed("edge-01", multi.tagged(), multi.child("linux/arm64"), "arm64");
      host("edge-02", multi.tagged());
      observed("edge-02", multi.tagged(), multi.child("linux/amd64"), "arm64"); // another architecture's manifest

      Cli.Run pinned = Cli.run("pin", "--repo", fleet.toString(), "--plain-http", own.host());
      assertThat(pinned.exit()).as(pinned.err()).isZero();
    } // the registry is gone: planning must not need it

    Cli.Run r = plan();

    assertThat(r.err()).isEmpty();
    assertThat(r.out()).containsPattern("edge-01 +in-sync +- +booted the desired image")
        .containsPattern("edge-02 +drifted +stage, reboot");
    assertThat(plan("--format", "json").out()).contains("arm64 manifest of the index Git pins (bootfleet.lock.json)");
  }

  @Test
  void verifyImages_missingDigest_isAnErrorNamingHostAndReference_andNoPlan() throws Exception {
    String missing = registry.host() + "/plan/web-os:1@sha256:" + "0".repeat(64);
    host("web-01", single.pinned());
    host("web-02", missing);
    observed("web-01", single.pinned(), single.digest(), "amd64");
    observed("web-02", single.pinned(), single.digest(), "amd64");

    Cli.Run r = plan("--verify-images", "--plain-http", registry.host());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("hosts/web-02.yaml: error: spec.image.ref: host web-02: \"" + missing
        + "\": digest sha256:" + "0".repeat(64) + " does not exist in " + registry.host() + "/plan/web-os\n");
  }

  @Test
  void verifyImages_allPresent_plans_andWarnsAboutAnIndexTheLockLacks() throws Exception {
    host("web-01", single.pinned());
    observed("web-01", single.pinned(), single.digest(), "amd64");
    host("edge-01", index.pinned());
    observed("edge-01", index.pinned(), index.child("linux/amd64"), "amd64");

    Cli.Run r = plan("--verify-images", "--plain-http", registry.host());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("web-01 +in-sync").containsPattern("edge-01 +in-sync");
    assertThat(r.err()).isEqualTo("hosts/edge-01.yaml: warning: spec.image.ref: host edge-01: \"" + index.pinned()
        + "\": pins a multi-architecture index that bootfleet.lock.json does not list, so plan cannot match a"
        + " host's per-architecture digest (run bootfleet pin)\n");
  }
}
