package dev.bootfleet.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.adapters.git.WorkTreeFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** spec.image.ostree: parsed, validated with file:line, merged as a whole like spec.image.ref. */
class OstreeImageManifestTest {
  private static final String COMMIT = "0123456789abcdef".repeat(4);
  private static final String OTHER = "fedcba9876543210".repeat(4);

  @TempDir
  Path repo;

  private Fleet load(Map<String, String> files) throws IOException {
    for (var e : files.entrySet()) {
      Path p = repo.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, e.getValue());
    }
    return FleetLoader.load(new WorkTreeFiles(repo), FleetLoader.Options.DEFAULT);
  }

  private static String host(String name, String spec) {
    return "apiVersion: bootfleet.dev/v1alpha1\nkind: Host\nmetadata:\n  name: " + name + "\n  labels: {os: fcos}"
        + "\nspec:\n" + spec.indent(2);
  }

  private static String group(String name, int priority, String spec) {
    return "apiVersion: bootfleet.dev/v1alpha1\nkind: HostGroup\nmetadata:\n  name: " + name + "\nspec:\n"
        + "  selector: {matchLabels: {os: fcos}}\n  priority: " + priority + "\n" + spec.indent(2);
  }

  @Test
  void ostreeImage_isParsed_withCommitAuthoritative() throws IOException {
    Fleet fleet = load(Map.of("hosts/iot-01.yaml", host("iot-01", """
        image:
          ostree: {remote: fedora, ref: fedora/x86_64/coreos/stable, commit: %s, url: "https://ostree.fedoraproject.org"}
        """.formatted(COMMIT))));

    assertThat(fleet.problems()).isEmpty();
    ImageSpec image = fleet.host("iot-01").orElseThrow().image();
    assertThat(image.isOstree()).isTrue();
    assertThat(image.transport()).isEqualTo(Transport.OSTREE);
    assertThat(image.ostree()).isEqualTo(new OstreeTarget("fedora", "fedora/x86_64/coreos/stable", COMMIT,
        "https://ostree.fedoraproject.org"));
    assertThat(image.switchTarget()).isEqualTo("fedora:fedora/x86_64/coreos/stable@" + COMMIT);
    assertThat(image.digest()).isEmpty();
  }

  @Test
  void unpinnedRef_isAWarning_likeAnUnpinnedTag() throws IOException {
    Fleet fleet = load(Map.of("hosts/iot-01.yaml", host("iot-01", """
        image:
          ostree: {remote: fedora, ref: fedora/x86_64/coreos/stable}
        """)));

    assertThat(fleet.problems()).extracting(Problem::format).containsExactly("hosts/iot-01.yaml:8:30: warning:"
        + " spec.image.ostree.commit: \"fedora:fedora/x86_64/coreos/stable\" is not pinned to a commit; hosts would"
        + " follow whatever the ref points to (add commit: <64 hex>, from ostree log fedora:fedora/x86_64/coreos/stable)");
    assertThat(fleet.host("iot-01").orElseThrow().image().switchTarget()).isEqualTo("fedora:fedora/x86_64/coreos/stable");
  }

  @Test
  void badOstreeImages_areOneLineEach_allReported() throws IOException {
    Fleet fleet = load(Map.of(
        "hosts/a.yaml", host("a", "image:\n  ref: quay.io/org/os@sha256:" + "ab".repeat(32)
            + "\n  ostree: {remote: fedora, ref: r, commit: " + COMMIT + "}\n"),
        "hosts/b.yaml", host("b", "image:\n  ostree: {remote: fedora, ref: r, commit: ABC}\n"),
        "hosts/c.yaml", host("c", "image:\n  ostree: {remote: fedora, ref: r, commit: " + COMMIT
            + ", url: \"https://x\", gpgVerify: false}\n"),
        "hosts/d.yaml", host("d", "image:\n  transport: oci\n  ostree: {remote: fedora, ref: r, commit: "
            + COMMIT + "}\n"),
        "hosts/e.yaml", host("e", "driver: bootc\nimage:\n  ostree: {remote: fedora, ref: r, commit: " + COMMIT + "}\n")));

    assertThat(fleet.problems()).extracting(Problem::format).containsExactlyInAnyOrder(
        "hosts/a.yaml:8:5: error: spec.image: needs exactly one of ref (an OCI image) and ostree (an ostree remote,"
            + " ref and commit)",
        "hosts/b.yaml:8:46: error: spec.image.ostree.commit: \"ABC\" is not an ostree commit: 64 lower-case hex digits",
        "hosts/c.yaml:8:141: error: spec.image.ostree.gpgVerify: false is refused: bootfleet never turns GPG"
            + " verification off (leave gpgVerify out, and sign the commits with a key the host trusts)",
        "hosts/d.yaml:8:5: error: spec.image.transport: applies to an OCI image (spec.image.ref) only; an ostree"
            + " commit is pulled from its remote and checked with the remote's GPG keys",
        "hosts/e.yaml:1:1: error: spec.driver: host \"e\" gets driver bootc from host \"e\" (hosts/e.yaml:7) and an"
            + " ostree commit from host \"e\" (hosts/e.yaml:9) (bootc deploys OCI images only; use driver rpm-ostree"
            + " or ostree)");
  }

  @Test
  void ostreeImage_mergesAsAWhole_hostOverGroup() throws IOException {
    Fleet fleet = load(Map.of(
        "groups/fcos.yaml", group("fcos", 10, "image:\n  ostree: {remote: fedora, ref: fedora/x86_64/coreos/stable,"
            + " commit: " + COMMIT + "}\n"),
        "hosts/iot-01.yaml", host("iot-01", "image:\n  ostree: {remote: fedora, ref: fedora/x86_64/coreos/testing,"
            + " commit: " + OTHER + "}\n"),
        "hosts/iot-02.yaml", host("iot-02", "etc: []\n")));

    assertThat(fleet.problems()).isEmpty();
    assertThat(fleet.host("iot-01").orElseThrow().image().switchTarget())
        .isEqualTo("fedora:fedora/x86_64/coreos/testing@" + OTHER);
    assertThat(fleet.host("iot-02").orElseThrow().image().switchTarget())
        .isEqualTo("fedora:fedora/x86_64/coreos/stable@" + COMMIT);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"-o:ref", "fedora:--sysroot=/", "fedora:a b", ":ref",
      "fedora:", "fedora:r@" + "0123456789abcdef"})
  void target_thatCouldBeAnOptionOrIsNotRemoteRef_isRefused(String target) {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OstreeTarget.parse(target))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void target_roundTrips() {
    OstreeTarget t = new OstreeTarget("fedora", "fedora/x86_64/coreos/stable", COMMIT, null);
    assertThat(OstreeTarget.parse(t.target())).isEqualTo(t);
    assertThat(OstreeTarget.parse("eos:os/eos/amd64/latest1")).isEqualTo(new OstreeTarget("eos", "os/eos/amd64/latest1", null, null));
  }
}
