package dev.bootfleet.adapters.ostree;

import static dev.bootfleet.testing.OstreeSysroot.REF;
import static dev.bootfleet.testing.OstreeSysroot.REMOTE;
import static dev.bootfleet.testing.OstreeSysroot.STATEROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.core.observed.BootEntry;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.observed.OstreeOrigin;
import dev.bootfleet.core.observed.StatusDocuments;
import dev.bootfleet.core.port.HostDriver.HostException;
import dev.bootfleet.testing.OstreeSysroot;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ostree driver against the real ostree on a test sysroot: a signed file:// repository with commits A
 * and B, the driver's remote, pull, deploy and status, the real /etc three-way merge, and GPG
 * verification that refuses an unsigned commit. The methods build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OstreeCliTest {
  @TempDir
  static Path dir;
  static OstreeSysroot world;
  static OstreeCli cli;
  static String a;
  static String b;
  static String unsigned;

  @BeforeAll
  static void build() throws Exception {
    world = OstreeSysroot.create(dir);
    a = world.commit("1.0", Map.of("app.conf", "a=1\n", "other.conf", "b=1\n"), true);
    b = world.commit("2.0", Map.of("app.conf", "a=2\n", "other.conf", "b=2\n"), true);
    cli = new OstreeCli(List.of(OstreeSysroot.binary().toString()), world.sysroot(), null, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    world.close();
  }

  /** What the driver reports, held to schema/ostree-status.schema.json, read as the planner reads it. */
  static ObservedHost observed() throws Exception {
    String report = cli.status();
    assertThat(SCHEMA.validate(JsonMapper.shared().readTree(report))).isEmpty();
    return StatusDocuments.parse(report.getBytes(StandardCharsets.UTF_8), "test: ostree admin status");
  }

  private static final Schema SCHEMA = schema();

  private static Schema schema() {
    try (InputStream in = OstreeCliTest.class.getResourceAsStream("/schema/ostree-status.schema.json")) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  @Order(1)
  void status_ofAnEmptySysroot_hasNoDeployments() throws Exception {
    assertThat(cli.adminStatus().strip()).isEqualTo("No deployments.");
    ObservedHost host = observed();
    assertThat(host.fromOstree()).isTrue();
    assertThat(host.booted()).isNull();
    assertThat(host.otherDeployments()).isEmpty();
  }

  @Test
  @Order(2)
  void addRemote_keepsGpgVerificationOn_andRefusesAnotherUrl() throws Exception {
    assertThat(cli.addRemote(REMOTE, world.url())).isTrue();
    assertThat(cli.addRemote(REMOTE, world.url())).isFalse();
    assertThat(Files.readString(world.sysroot().resolve("ostree/repo/config"))).doesNotContain("gpg-verify=false");
    assertThatThrownBy(() -> cli.addRemote(REMOTE, "file:///elsewhere"))
        .isInstanceOf(HostException.class)
        .hasMessage("ostree remote " + REMOTE + " exists with URL " + world.url() + ", not file:///elsewhere"
            + " (change it on the host, or name another remote in Git)");
  }

  @Test
  @Order(3)
  void pull_ofACommitSignedByAnUntrustedKey_isRefused() {
    assertThatThrownBy(() -> cli.pull(REMOTE, REF, a))
        .isInstanceOf(HostException.class)
        .hasMessageContaining("ostree pull --repo=")
        .hasMessageContaining("Signature made");
  }

  @Test
  @Order(4)
  void pullAndDeploy_commitA_followsTheRef_andStatusReadsIt() throws Exception {
    world.trust(REMOTE);
    cli.pull(REMOTE, REF, a);
    cli.deploy(STATEROOT, REMOTE, REF, a);

    assertThat(cli.adminStatus()).isEqualTo("  " + STATEROOT + " " + a + ".0\n    Version: 1.0\n"
        + "    origin refspec: " + REMOTE + ":" + REF + "\n");
    BootEntry e = observed().otherDeployments().getFirst();
    assertThat(e.origin()).isEqualTo(new OstreeOrigin(REMOTE + ":" + REF, a));
    assertThat(e.stateroot()).isEqualTo(STATEROOT);
    assertThat(e.deploySerial()).isZero();
    assertThat(Files.readString(world.deployment(a).resolve("etc/app.conf"))).isEqualTo("a=1\n");
  }

  @Test
  @Order(5)
  void deployB_mergesEtcThreeWays_anEditedFileSurvives_anUneditedOneTakesTheNewDefault() throws Exception {
    Files.writeString(world.deployment(a).resolve("etc/app.conf"), "a=edited on the host\n");

    cli.pull(REMOTE, REF, b);
    cli.deploy(STATEROOT, REMOTE, REF, b);

    Path etc = world.deployment(b).resolve("etc");
    assertThat(Files.readString(etc.resolve("app.conf"))).isEqualTo("a=edited on the host\n");
    assertThat(Files.readString(etc.resolve("other.conf"))).isEqualTo("b=2\n");
    List<BootEntry> all = observed().otherDeployments();
    assertThat(all).extracting(x -> x.origin().commit()).containsExactly(b, a);
  }

  @Test
  @Order(6)
  void deployA_again_movesBack_withTheEditCarried() throws Exception {
    cli.deploy(STATEROOT, REMOTE, REF, a);

    List<BootEntry> all = observed().otherDeployments();
    assertThat(all.getFirst().origin().commit()).isEqualTo(a);
    assertThat(all.getFirst().deploySerial()).isEqualTo(1); // A's second deployment
    Path etc = world.sysroot().resolve("ostree/deploy/" + STATEROOT + "/deploy/" + a + ".1/etc");
    assertThat(Files.readString(etc.resolve("app.conf"))).isEqualTo("a=edited on the host\n");
    assertThat(Files.readString(etc.resolve("other.conf"))).isEqualTo("b=1\n");
  }

  @Test
  @Order(7)
  void pull_ofAnUnsignedCommit_isRefused() throws Exception {
    unsigned = world.commit("3.0-unsigned", Map.of("app.conf", "a=3\n", "other.conf", "b=3\n"), false);

    assertThatThrownBy(() -> cli.pull(REMOTE, REF, unsigned))
        .isInstanceOf(HostException.class)
        .hasMessageContaining("GPG");
  }
}
