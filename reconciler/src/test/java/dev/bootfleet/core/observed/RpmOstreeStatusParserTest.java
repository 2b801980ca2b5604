package dev.bootfleet.core.observed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Roles, origin forms and bad input of {@link RpmOstreeStatusParser}, on small hand-written documents. */
class RpmOstreeStatusParserTest {
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);
  private static final String C = "c".repeat(64);
  private static final String DIGEST = "sha256:" + "d".repeat(64);

  /** One deployment: {@code extra} is spliced in as further members. */
  static String dep(String checksum, String osname, String extra) {
    return "{\"checksum\": \"" + checksum + "\", \"serial\": 0, \"osname\": \"" + osname + "\""
        + (extra.isEmpty() ? "" : ", " + extra) + "}";
  }

  static String doc(String... deployments) {
    return "{\"deployments\": [" + String.join(", ", deployments) + "], \"transaction\": null}";
  }

  static String image(String ref) {
    return "\"container-image-reference\": \"" + ref + "\", \"container-image-reference-digest\": \"" + DIGEST + "\"";
  }

  static ObservedHost parse(String text) throws ObservedStateException {
    return RpmOstreeStatusParser.parse(text, "h.json");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "ostree-unverified-registry:quay.io/o/os:1 | quay.io/o/os:1 | registry | ",
      "ostree-unverified-image:docker://quay.io/o/os:1 | quay.io/o/os:1 | registry | ",
      "ostree-unverified-image:registry:quay.io/o/os:1 | quay.io/o/os:1 | registry | ",
      "ostree-unverified-image:oci:/var/mnt/os | /var/mnt/os | oci | ",
      "ostree-unverified-image:containers-storage:localhost/os | localhost/os | containers-storage | ",
      "ostree-image-signed:docker://quay.io/o/os:1 | quay.io/o/os:1 | registry | containerPolicy",
      "ostree-image-signed:registry:quay.io/o/os@" + "sha256:" + "e" + " | quay.io/o/os@sha256:e | registry"
          + " | containerPolicy",
      "ostree-remote-image:fedora:docker://quay.io/o/os:1 | quay.io/o/os:1 | registry | ostreeRemote:fedora",
      "ostree-remote-image:fedora:registry:quay.io/o/os:1 | quay.io/o/os:1 | registry | ostreeRemote:fedora",
      "ostree-remote-registry:fedora:quay.io/o/os:1 | quay.io/o/os:1 | registry | ostreeRemote:fedora"})
  void originForms_mapAsBootcReportsThem(String origin, String image, String transport, String signature)
      throws Exception {
    ObservedHost h = parse(doc(dep(A, "os", "\"booted\": true, " + image(origin))));

    assertThat(h.booted().image().image()).isEqualTo(new ImageReference(image, transport, signature));
    assertThat(h.booted().image().imageDigest()).isEqualTo(DIGEST);
  }

  @Test
  void plainOstreeRef_hasNoImage() throws Exception {
    ObservedHost h = parse(doc(dep(A, "os", "\"booted\": true, \"origin\": \"fedora:fedora/41/x86_64/silverblue\","
        + " \"container-image-reference\": \"\"")));

    assertThat(h.booted().image()).isNull();
    assertThat(h.booted().incompatible()).isFalse();
    assertThat(h.type()).isNull();
  }

  @Test
  void missingBooleansAndVersions_areFalseAndNull() throws Exception {
    ObservedHost h = parse("{\"deployments\": [" + dep(A, "os", "\"booted\": true, "
        + "\"container-image-reference\": \"ostree-unverified-registry:q.io/o/os:1\", "
        + "\"base-commit-meta\": {\"ostree.manifest-digest\": \"" + DIGEST + "\"}") + "]}");

    assertThat(h.booted().pinned()).isFalse();
    assertThat(h.booted().downloadOnly()).isFalse();
    assertThat(h.booted().image().version()).isNull();
    assertThat(h.booted().image().timestamp()).isNull();
    assertThat(h.booted().image().imageDigest()).as("from base-commit-meta").isEqualTo(DIGEST);
  }

  @Test
  void nonStagedPendingEntry_isAQueuedRollback() throws Exception {
    // after `rpm-ostree rollback`: the previous deployment is first in bootloader order
    ObservedHost h = parse(doc(dep(B, "os", "\"staged\": false"), dep(A, "os", "\"booted\": true")));

    assertThat(h.staged()).isNull();
    assertThat(h.rollback().ostreeChecksum()).isEqualTo(B);
    assertThat(h.rollbackQueued()).isTrue();
    assertThat(h.bootOrder()).isEqualTo("rollback");
  }

  @Test
  void stagedRollbackPinnedAndOtherStateroots() throws Exception {
    ObservedHost h = parse(doc(
        dep(C, "os", "\"staged\": true, \"finalization-locked\": false"),
        dep(A, "os", "\"booted\": true, \"unlocked\": \"development\""),
        dep(B, "os", "\"pinned\": true"),
        dep(C, "other", ""),
        dep(A, "os", "\"pinned\": true")));

    assertThat(h.staged().ostreeChecksum()).isEqualTo(C);
    assertThat(h.staged().downloadOnly()).isFalse();
    assertThat(h.rollback().ostreeChecksum()).isEqualTo(B);
    assertThat(h.rollback().pinned()).isTrue();
    assertThat(h.rollbackQueued()).isFalse();
    assertThat(h.otherDeployments()).extracting(BootEntry::stateroot).containsExactly("os", "other");
    assertThat(h.usrOverlay()).isEqualTo(new UsrOverlay("readWrite", "transient"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'' | h.json: document: empty (expected an object, as rpm-ostree status --json prints it)",
      "[] | h.json: document: found an array (expected an object, as rpm-ostree status --json prints it)",
      "{} | h.json: deployments: missing (expected an array of deployment objects)",
      "{\"deployments\": {}} | h.json: deployments: found an object (expected an array of deployment objects)",
      "{\"deployments\": []} | h.json: deployments: empty (expected exactly one booted deployment)",
      "{\"deployments\": [5]} | h.json: deployments[0]: found the number 5 (expected a deployment object)",
      "{\"deployments\": [{\"booted\": false}]} | h.json: deployments: no deployment has \"booted\": true"
          + " (expected exactly one booted deployment)",
      "{\"deployments\": [{\"booted\": \"yes\"}]} | h.json: deployments[0].booted: found the string \"yes\""
          + " (expected true or false)",
      "{\"deployments\": [{\"booted\": true}, {\"booted\": true}]} | h.json: deployments[1].booted: found a"
          + " second booted deployment (expected exactly one booted deployment)",
      "{\"deployments\": [{\"booted\": true}]} | h.json: deployments[0].osname: missing (expected a stateroot"
          + " name such as fedora-coreos)"})
  void unusableDocuments_failWithOneLine(String text, String message) {
    assertThatThrownBy(() -> parse(text)).isInstanceOf(ObservedStateException.class).hasMessage(message);
  }

  @Test
  void jsonSyntaxError_namesLineAndColumn() {
    assertThatThrownBy(() -> parse("{\"deployments\": [\n  ]]}"))
        .isInstanceOf(ObservedStateException.class)
        .hasMessageStartingWith("h.json:2:4: JSON syntax error: Unexpected close marker ']'")
        .hasMessageNotContaining("\n");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "\"checksum\": \"xyz\" | deployments[0].checksum: found \"xyz\" (expected an ostree checksum of 64"
          + " lowercase hex digits)",
      "\"serial\": -1 | deployments[0].serial: found -1 (expected an integer from 0 to 2147483647)",
      "\"container-image-reference\": \"docker://quay.io/o/os\" | deployments[0].container-image-reference:"
          + " found \"docker://quay.io/o/os\" (expected ostree-unverified-registry:<image>,"
          + " ostree-unverified-image:<transport>:<image>, ostree-image-signed:<transport>:<image>,"
          + " ostree-remote-image:<remote>:<transport>:<image> or ostree-remote-registry:<remote>:<image>)",
      "\"container-image-reference\": \"ostree-image-signed:ftp:x\" | deployments[0].container-image-reference:"
          + " found \"ostree-image-signed:ftp:x\", whose transport is not known (expected docker://, registry:,"
          + " oci:, oci-archive:, containers-storage: or dir: after the ostree- prefix)",
      "\"container-image-reference\": \"ostree-remote-image:docker://q.io/o\" |"
          + " deployments[0].container-image-reference: found \"ostree-remote-image:docker://q.io/o\", whose"
          + " transport is not known (expected docker://, registry:, oci:, oci-archive:, containers-storage:"
          + " or dir: after the ostree- prefix)",
      "\"container-image-reference\": \"ostree-unverified-registry:q.io/o\" |"
          + " deployments[0].container-image-reference-digest: missing (expected a digest like"
          + " sha256:<64 lowercase hex digits>)",
      "\"container-image-reference\": \"ostree-unverified-registry:q.io/o\","
          + " \"container-image-reference-digest\": \"sha256:ABC\" |"
          + " deployments[0].container-image-reference-digest: found \"sha256:ABC\" (expected a digest like"
          + " sha256:<64 lowercase hex digits>)",
      "\"unlocked\": \"maybe\" | deployments[0].unlocked: found \"maybe\" (expected none, development, hotfix"
          + " or transient)",
      "\"requested-packages\": \"vim\" | deployments[0].requested-packages: found the string \"vim\""
          + " (expected an array)"})
  void badDeploymentFields_failWithOneLine(String member, String message) {
    // the member comes after the valid defaults in dep(): JSON duplicates are rejected, so rebuild
    String text = "{\"deployments\": [{\"booted\": true, " + member + defaults(member) + "}]}";

    assertThatThrownBy(() -> parse(text)).isInstanceOf(ObservedStateException.class)
        .hasMessage("h.json: " + message);
  }

  private static String defaults(String member) {
    StringBuilder s = new StringBuilder();
    if (!member.startsWith("\"checksum\"")) {
      s.append(", \"checksum\": \"").append(A).append('"');
    }
    if (!member.startsWith("\"serial\"")) {
      s.append(", \"serial\": 0");
    }
    return s.append(", \"osname\": \"os\"").toString();
  }
}
