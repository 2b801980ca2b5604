package dev.bootfleet.app.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.observed.RpmOstreeStatusParser;
import dev.bootfleet.testing.RegistryServer;
import dev.bootfleet.testing.TestImages;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rpm-ostree simulator against a real registry: rpm-ostree's state machine (changes stack into one
 * staged deployment built from the first one, finalization locks, rollback as a toggle, cleanup -p, the
 * safe forms' exit 77), its error messages, and every fault. Every status document it prints is held to
 * the keys and JSON types of the real upstream fixtures and parsed with the project's parser.
 */
class RpmOstreeSimTest {
  static RegistryServer registry;
  static TestImages images;
  static TestImages.Image v1;
  static TestImages.Image v2;
  static final JsonMapper JSON = JsonMapper.shared();

  @TempDir
  Path dir;
  RpmOstreeSimHost sim;
  String ref1;
  String ref2;

  @BeforeAll
  static void registry() throws Exception {
    registry = RegistryServer.start();
    images = new TestImages(registry);
    v1 = images.push("sim/silverblue", "42.1");
    v2 = images.push("sim/silverblue", "42.2");
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @BeforeEach
  void init() {
    sim = new RpmOstreeSimHost(dir);
    ref1 = "ostree-unverified-registry:" + v1.byDigest();
    ref2 = "ostree-unverified-registry:" + v2.byDigest();
    sim.ok("sim-init", ref1);
  }

  @AfterEach
  void everyStatusIsLikeTheFixtures() throws Exception {
    assertLikeFixtures(sim.status());
    assertLikeFixtures(sim.ok("status", "--json", "--booted"));
  }

  ObservedHost host() throws Exception {
    return RpmOstreeStatusParser.parse(sim.status(), "sim");
  }

  JsonNode first() {
    return JSON.readTree(sim.status()).path("deployments").path(0);
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }

  // --- held to the real fixtures ---

  static Path fixtures() throws URISyntaxException {
    return Path.of(RpmOstreeSimTest.class.getResource("/fixtures/rpm-ostree").toURI());
  }

  static String type(JsonNode n) {
    return n.isObject() ? "object" : n.isArray() ? "array" : n.isString() ? "string" : n.isBoolean() ? "boolean"
        : n.isNumber() ? "number" : "null";
  }

  /** What the fixtures show: JSON types per key (top level, deployment, base-commit-meta, update-driver). */
  record Shapes(Map<String, Set<String>> top, Map<String, Set<String>> deployment, Map<String, Set<String>> meta,
      Map<String, Set<String>> driver, Set<String> requiredContainer, Set<String> requiredOstree) {}

  static Shapes shapes() throws IOException, URISyntaxException {
    Map<String, Set<String>> top = new HashMap<>();
    Map<String, Set<String>> dep = new HashMap<>();
    Map<String, Set<String>> meta = new HashMap<>();
    Map<String, Set<String>> driver = new HashMap<>();
    Set<String> container = null;
    Set<String> ostree = null;
    List<Path> files;
    try (Stream<Path> s = Files.list(fixtures())) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(6);
    for (Path f : files) {
      JsonNode doc = JSON.readTree(f.toFile());
      doc.properties().forEach(e -> top.computeIfAbsent(e.getKey(), k -> new HashSet<>()).add(type(e.getValue())));
      doc.path("update-driver").properties().forEach(e -> driver.computeIfAbsent(e.getKey(), k -> new HashSet<>())
          .add(type(e.getValue())));
      for (JsonNode d : doc.path("deployments")) {
        d.properties().forEach(e -> dep.computeIfAbsent(e.getKey(), k -> new HashSet<>()).add(type(e.getValue())));
        d.path("base-commit-meta").properties().forEach(e -> meta.computeIfAbsent(e.getKey(), k -> new HashSet<>())
            .add(type(e.getValue())));
        Set<String> keys = new TreeSet<>();
        d.propertyNames().forEach(keys::add);
        if (d.has("container-image-reference")) {
          container = container == null ? keys : intersect(container, keys);
        } else {
          ostree = ostree == null ? keys : intersect(ostree, keys);
        }
      }
    }
    // No fixture caught a transaction in flight; rpm-ostree documents it as [method-name, sender, object-path]
    // (shared/reference/rpm-ostree.md section 1), so that is the one type added to what the fixtures show.
    top.get("transaction").add("array");
    return new Shapes(top, dep, meta, driver, container, ostree);
  }

  private static Set<String> intersect(Set<String> a, Set<String> b) {
    Set<String> out = new TreeSet<>(a);
    out.retainAll(b);
    return out;
  }

  static void assertLikeFixtures(String json) throws Exception {
    Shapes want = shapes();
    JsonNode doc = JSON.readTree(json);
    assertThat(names(doc)).as("top-level keys").isEqualTo(want.top().keySet());
    assertTypes("top level", doc, want.top());
    assertTypes("update-driver", doc.path("update-driver"), want.driver());
    assertThat(doc.path("deployments").isEmpty()).isFalse();
    for (JsonNode d : doc.path("deployments")) {
      assertTypes("deployment", d, want.deployment());
      Set<String> required = d.has("container-image-reference") ? want.requiredContainer() : want.requiredOstree();
      assertThat(names(d)).as("keys every fixture deployment of this kind has").containsAll(required);
      Set<String> metaKnown = new HashSet<>(want.meta().keySet());
      metaKnown.retainAll(names(d.path("base-commit-meta")));
      Map<String, Set<String>> meta = new HashMap<>(want.meta());
      meta.keySet().retainAll(metaKnown);
      assertTypes("base-commit-meta", d.path("base-commit-meta"), meta);
      if (d.has("container-image-reference")) {
        String config = d.path("base-commit-meta").path("ostree.container.image-config").asString();
        assertThat(JSON.readTree(config).path("architecture").isString()).isTrue();
      }
      for (String list : List.of("requested-packages", "requested-base-removals", "packages")) {
        d.path(list).forEach(item -> assertThat(item.isString()).as(list + " items").isTrue());
      }
      d.path("base-removals").forEach(item -> assertThat(item.isArray()).as("base-removals items").isTrue());
    }
    assertThat(RpmOstreeStatusParser.parse(json, "sim").booted()).isNotNull();
  }

  private static Set<String> names(JsonNode n) {
    Set<String> out = new TreeSet<>();
    n.propertyNames().forEach(out::add);
    return out;
  }

  /** Every key of {@code n} is one the fixtures use, with a JSON type they use for it. */
  private static void assertTypes(String where, JsonNode n, Map<String, Set<String>> known) {
    if (!n.isObject()) {
      return;
    }
    n.properties().forEach(e -> {
      assertThat(known).as("%s key %s is one the fixtures use", where, e.getKey()).containsKey(e.getKey());
      assertThat(known.get(e.getKey())).as("%s.%s type", where, e.getKey()).contains(type(e.getValue()));
    });
  }

  @Test
  void status_matchesTheFixtures_inEveryState() throws Exception {
    sim.ok("install", "--lock-finalization", "htop");
    sim.ok("override", "remove", "--lock-finalization", "nano");
    sim.ok("sim-register-driver", "Zincati", "zincati.service");
    sim.ok("sim-fault", "transaction-in-progress", "--title", "upgrade");
    String staged = sim.status();
    assertLikeFixtures(staged);
    JsonNode doc = JSON.readTree(staged);
    JsonNode s = doc.path("deployments").path(0);
    assertThat(s.path("staged").asBoolean()).isTrue();
    assertThat(s.path("finalization-locked").asBoolean()).isTrue();
    assertThat(s.has("base-checksum")).isTrue(); // layered: a host-local commit over the image's
    assertThat(doc.path("deployments").path(1).has("finalization-locked")).isFalse(); // only when locked
    assertThat(doc.path("update-driver").path("driver-name").asString()).isEqualTo("Zincati");
    assertThat(doc.path("transaction").path(0).asString()).isEqualTo("upgrade");

    sim.ok("sim-fault", "clear");
    Path ostreeDir = Files.createDirectories(dir.resolve("ostree-ref"));
    RpmOstreeSimHost old = new RpmOstreeSimHost(ostreeDir);
    old.ok("sim-init", "fedora:fedora/x86_64/coreos/stable");
    assertLikeFixtures(old.status());
    assertThat(JSON.readTree(old.status()).path("deployments").path(0).path("origin").asString())
        .isEqualTo("fedora:fedora/x86_64/coreos/stable");
  }

  @Test
  void status_parsesToTheRoles() throws Exception {
    ObservedHost h = host();
    assertThat(h.booted().image().image().image()).isEqualTo(v1.byDigest());
    assertThat(h.booted().image().imageDigest()).isEqualTo(v1.digest());
    assertThat(h.booted().image().architecture()).isEqualTo("amd64");
    assertThat(h.staged()).isNull();
    assertThat(sim.run("status", "--pending-exit-77").exit()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"status", "rebase", "deploy", "install", "uninstall", "override", "kargs", "cleanup",
      "rollback", "finalize-deployment", "cancel", "sim-init", "sim-reboot", "sim-register-driver",
      "sim-unregister-driver", "sim-fault"})
  void help_isShown_forEveryCommand(String command) {
    RpmOstreeSimHost.Run r = sim.run(command, "--help");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("Usage: rpm-ostree-sim " + command);
  }

  // --- changes stack into one staged deployment ---

  @Test
  void rebaseInstallAndKargs_stackIntoOneLockedDeployment_thatOneFinalizeApplies() throws Exception {
    sim.ok("rebase", "--lock-finalization", "--install", "htop", ref2);
    sim.ok("install", "--idempotent", "--unchanged-exit-77", "--lock-finalization", "fish");
    sim.ok("kargs", "--append-if-missing=quiet", "--append-if-missing=mitigations=off", "--lock-finalization");

    JsonNode doc = JSON.readTree(sim.status());
    assertThat(doc.path("deployments")).hasSize(2);
    JsonNode s = doc.path("deployments").path(0);
    assertThat(s.path("container-image-reference").asString()).isEqualTo(ref2);
    assertThat(strings(s.path("requested-packages"))).containsExactly("fish", "htop");
    assertThat(s.path("finalization-locked").asBoolean()).isTrue();
    assertThat(sim.ok("kargs")).contains("mitigations=off").contains("ostree=/ostree/boot.1/fedora/");
    assertThat(sim.run("status", "--pending-exit-77").exit()).isEqualTo(77);

    RpmOstreeSimHost.Run wrong = sim.run("finalize-deployment", v1.digest());
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err()).isEqualTo("error: Expected staged base checksum " + v1.digest() + ", but found "
        + v2.digest() + "\n");
    String boot = Files.readString(dir.resolve("boot_id"));
    sim.ok("finalize-deployment", v2.digest());

    assertThat(Files.readString(dir.resolve("boot_id"))).isNotEqualTo(boot);
    ObservedHost h = host();
    assertThat(h.booted().image().imageDigest()).isEqualTo(v2.digest());
    assertThat(h.booted().layering().packages()).containsExactly("fish", "htop");
    assertThat(h.rollback().image().imageDigest()).isEqualTo(v1.digest());
    assertThat(h.staged()).isNull();
    assertThat(sim.ok("kargs")).contains("mitigations=off");
    assertThat(JSON.readTree(sim.status()).path("deployments").path(0).path("booted").asBoolean()).isTrue();
  }

  @Test
  void plainReboot_dropsALockedStagedDeployment_andAppliesAnUnlockedOne() throws Exception {
    sim.ok("rebase", "--lock-finalization", ref2);
    assertThat(sim.ok("sim-reboot")).contains("dropped");
    assertThat(host().booted().image().imageDigest()).isEqualTo(v1.digest());
    assertThat(host().staged()).isNull();

    sim.ok("rebase", ref2);
    sim.ok("sim-reboot");
    assertThat(host().booted().image().imageDigest()).isEqualTo(v2.digest());
  }

  @Test
  void rebase_toTheFirstDeploymentsRef_fails() {
    RpmOstreeSimHost.Run r = sim.run("rebase", ref1);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("error: Old and new refs are equal: " + ref1 + "\n");

    sim.ok("rebase", "--lock-finalization", ref2); // the first deployment is now the staged one
    assertThat(sim.run("rebase", ref2).err()).startsWith("error: Old and new refs are equal");
    assertThat(sim.run("rebase", ref1).exit()).isZero(); // back: not equal to the first one
  }

  @Test
  void deploy_aDigestUnderATag_keepsTheOrigin() throws Exception {
    RpmOstreeSimHost tagged = new RpmOstreeSimHost(Files.createDirectories(dir.resolve("tagged")));
    String ref = "ostree-image-signed:docker://" + v1.tagged();
    tagged.ok("sim-init", ref);
    assertThat(tagged.run("deploy", "--unchanged-exit-77", v1.digest()).exit()).isEqualTo(77);
    tagged.ok("deploy", "--lock-finalization", v2.digest());
    ObservedHost h = RpmOstreeStatusParser.parse(tagged.status(), "tagged");
    assertThat(h.staged().image().imageDigest()).isEqualTo(v2.digest());
    assertThat(h.staged().image().image().signature()).isEqualTo("containerPolicy");
    assertThat(JSON.readTree(tagged.status()).path("deployments").path(0).path("container-image-reference")
        .asString()).isEqualTo(ref);
  }

  @Test
  void installAndUninstall_errorsAndTheSafeForms() throws Exception {
    sim.ok("install", "htop");
    assertThat(sim.run("install", "htop").err()).isEqualTo("error: Package/capability 'htop' is already requested\n");
    RpmOstreeSimHost.Run same = sim.run("install", "--idempotent", "--unchanged-exit-77", "htop");
    assertThat(same.exit()).isEqualTo(77);
    assertThat(same.out()).contains("No change.");
    assertThat(sim.run("install", "--idempotent", "htop").exit()).isZero();
    assertThat(sim.run("uninstall", "fish").err()).isEqualTo(
        "error: Package/capability 'fish' is not currently requested\n");
    assertThat(sim.run("uninstall", "--idempotent", "--unchanged-exit-77", "fish").exit()).isEqualTo(77);

    sim.ok("install", "firefox"); // in the base: an inactive request on a container origin
    JsonNode s = first();
    assertThat(strings(s.path("requested-packages"))).containsExactly("firefox", "htop");
    assertThat(strings(s.path("packages"))).containsExactly("htop");
    sim.ok("uninstall", "--idempotent", "htop", "firefox");
    assertThat(strings(first().path("requested-packages"))).isEmpty();
  }

  @Test
  void overrideRemove_onlyBasePackages_once() throws Exception {
    assertThat(sim.run("override", "remove", "htop").err()).isEqualTo("error: Package \"htop\" not found\n");
    sim.ok("override", "remove", "--lock-finalization", "nano");
    assertThat(strings(first().path("requested-base-removals"))).containsExactly("nano");
    assertThat(first().path("base-removals").path(0).path(1).asString()).isEqualTo("nano");
    assertThat(sim.run("override", "remove", "nano").err()).contains("already");
    assertThat(host().staged().layering().baseRemovals()).containsExactly("nano");
    sim.ok("override", "reset", "nano");
    assertThat(strings(first().path("requested-base-removals"))).isEmpty();
  }

  @Test
  void kargs_idempotentFormsByKey_andErrors() {
    assertThat(sim.run("kargs", "--append-if-missing=quiet", "--unchanged-exit-77").exit()).isEqualTo(77);
    assertThat(sim.run("kargs", "--delete-if-present=nosuch", "--unchanged-exit-77").exit()).isEqualTo(77);
    assertThat(sim.run("kargs", "--delete=nosuch").err()).isEqualTo("error: No karg 'nosuch' found\n");
    sim.ok("kargs", "--append-if-missing=console=tty0");
    // libostree's append-if-missing looks at the key: another console= is not added
    assertThat(sim.run("kargs", "--append-if-missing=console=ttyS0", "--unchanged-exit-77").exit()).isEqualTo(77);
    sim.ok("kargs", "--append=console=ttyS0", "--delete-if-present=rhgb");
    String k = sim.ok("kargs");
    assertThat(k).contains("console=tty0 console=ttyS0").doesNotContain("rhgb");
    assertThat(sim.run("kargs", "--delete=console").err()).isEqualTo("error: Multiple values for key 'console'"
        + " found\n");
  }

  @Test
  void cleanupPending_dropsTheStagedDeployment() throws Exception {
    assertThat(sim.ok("cleanup", "-p")).contains("Deployments unchanged.");
    sim.ok("rebase", ref2);
    sim.ok("cleanup", "-p");
    assertThat(host().staged()).isNull();
    assertThat(JSON.readTree(sim.status()).path("deployments")).hasSize(1);
  }

  @Test
  void rollback_isAToggle_refusedWhileStaged() throws Exception {
    assertThat(sim.run("rollback").err()).isEqualTo("error: No rollback deployment found\n");
    sim.ok("rebase", ref2);
    assertThat(sim.run("rollback").err()).isEqualTo("error: Staged deployment (remove with cleanup -p)\n");
    sim.ok("sim-reboot");

    sim.ok("rollback");
    assertThat(host().rollbackQueued()).isTrue();
    assertThat(sim.run("status", "--pending-exit-77").exit()).isEqualTo(77);
    sim.ok("rollback");
    assertThat(host().rollbackQueued()).isFalse();
    assertThat(host().booted().image().imageDigest()).isEqualTo(v2.digest());
  }

  /**
   * rpm-ostree's rollback transaction moves the rollback (the first deployment after the booted one) first;
   * only without one does a pending deployment make the booted one first again. With a pinned third
   * deployment a second rollback is no toggle back: it queues the pinned one.
   */
  @Test
  void rollback_queuesTheDeploymentAfterTheBootedOne_evenWithOnePending() throws Exception {
    sim.ok("rebase", ref2);
    sim.ok("sim-reboot");
    Path state = dir.resolve("sim.json");
    tools.jackson.databind.node.ObjectNode tree = (tools.jackson.databind.node.ObjectNode) JSON.readTree(state.toFile());
    ((tools.jackson.databind.node.ObjectNode) tree.path("deployments").path(1)).put("pinned", true); // ostree admin pin 1
    java.nio.file.Files.write(state, JSON.writeValueAsBytes(tree));
    sim.ok("rebase", ref1);
    sim.ok("sim-reboot"); // v1 again booted, v2 the rollback, the pinned v1 last

    sim.ok("rollback");
    assertThat(host().rollback().image().imageDigest()).isEqualTo(v2.digest());
    assertThat(host().rollbackQueued()).isTrue();
    sim.ok("rollback"); // pending v2, and a deployment after the booted one: that one goes first
    JsonNode first = JSON.readTree(sim.status()).path("deployments").path(0);
    assertThat(first.path("pinned").asBoolean()).isTrue();
    assertThat(first.path("booted").asBoolean()).isFalse();
    assertThat(host().rollbackQueued()).isTrue();
  }

  @Test
  void finalize_needsALockedStagedDeployment() {
    assertThat(sim.run("finalize-deployment", v2.digest()).err()).isEqualTo(
        "error: No pending staged deployment found\n");
    sim.ok("rebase", ref2);
    assertThat(sim.run("finalize-deployment", v2.digest()).err()).isEqualTo(
        "error: Staged deployment already unlocked\n");
    assertThat(sim.run("finalize-deployment").err()).isEqualTo("error: Missing expected checksum\n");
    assertThat(sim.run("finalize-deployment", "--allow-unlocked", v2.digest()).exit()).isZero();
  }

  @Test
  void anotherUpdateDriver_blocksRebaseAndDeploy_untilTheNextBoot() throws Exception {
    sim.ok("sim-register-driver", "Zincati", "zincati.service");
    RpmOstreeSimHost.Run r = sim.run("rebase", ref2);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: Updates and deployments are driven by Zincati (zincati.service)\n");
    assertThat(host().updateDriver().name()).isEqualTo("Zincati");
    assertThat(sim.run("rebase", "--bypass-driver", ref2).exit()).isZero();
    sim.ok("sim-reboot");
    assertThat(host().updateDriver()).isNull();
  }

  @Test
  void transactionInProgress_refusesChanges_untilCancelled() throws Exception {
    sim.ok("sim-fault", "transaction-in-progress", "--title", "upgrade --check");
    RpmOstreeSimHost.Run r = sim.run("install", "htop");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: Transaction in progress: upgrade --check\n");
    sim.ok("cancel");
    assertThat(sim.run("install", "htop").exit()).isZero();
  }

  // --- faults ---

  @Test
  void fault_commandFails_once() throws Exception {
    sim.ok("sim-fault", "command-fails");
    RpmOstreeSimHost.Run r = sim.run("rebase", ref2);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: (simulated fault)");
    assertThat(host().staged()).isNull();
    assertThat(sim.run("rebase", ref2).exit()).isZero();
  }

  @Test
  void fault_loseStaged_bootsTheOldDeployment() throws Exception {
    sim.ok("rebase", "--lock-finalization", ref2);
    sim.ok("sim-fault", "lose-staged");
    sim.ok("finalize-deployment", v2.digest());
    ObservedHost h = host();
    assertThat(h.booted().image().imageDigest()).isEqualTo(v1.digest());
    assertThat(h.staged()).isNull();
    assertThat(h.rollback()).isNull();
  }

  @Test
  void fault_bootloaderFallback_leavesTheNewDeploymentQueued() throws Exception {
    sim.ok("rebase", "--lock-finalization", ref2);
    sim.ok("sim-fault", "bootloader-fallback");
    sim.ok("finalize-deployment", v2.digest());
    ObservedHost h = host();
    assertThat(h.booted().image().imageDigest()).isEqualTo(v1.digest());
    assertThat(h.rollback().image().imageDigest()).isEqualTo(v2.digest());
    assertThat(h.rollbackQueued()).isTrue();
  }

  @Test
  void fault_explicitRollback_leavesTheNewDeploymentInTheRollbackSlot() throws Exception {
    sim.ok("rebase", "--lock-finalization", ref2);
    sim.ok("sim-fault", "explicit-rollback");
    sim.ok("finalize-deployment", v2.digest());
    ObservedHost h = host();
    assertThat(h.booted().image().imageDigest()).isEqualTo(v1.digest());
    assertThat(h.rollback().image().imageDigest()).isEqualTo(v2.digest());
    assertThat(h.rollbackQueued()).isFalse();
  }

  @Test
  void rebase_toAMissingImage_fails() {
    RpmOstreeSimHost.Run r = sim.run("rebase", "ostree-unverified-registry:" + registry.host() + "/sim/silverblue@sha256:"
        + "0".repeat(64));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: Importing: ").contains("manifest unknown");
  }
}
