package dev.bootfleet.adapters.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.observed.BootcStatusParser;
import dev.bootfleet.testing.Example;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

class ObservedDirTest {
  @TempDir
  Path dir;

  @Test
  void read_givesEachHostItsObservation_whenHostsShareTheSameDocument() throws Exception {
    byte[] status = Files.readAllBytes(Example.fleetRepo().resolve("observed/web-01.json"));
    for (String host : new String[] {"a", "b", "c"}) {
      Files.write(dir.resolve(host + ".json"), status);
    }
    var r = ObservedDir.read(dir);

    assertThat(r.problems()).isEmpty();
    assertThat(r.observations()).containsOnlyKeys("a", "b", "c");
    var expected = BootcStatusParser.parse(new String(status, java.nio.charset.StandardCharsets.UTF_8), "x");
    r.observations().values().forEach(o -> assertThat(o.status()).isEqualTo(expected));
  }

  @Test
  void read_namesEveryFile_whenHostsShareTheSameBrokenDocument() throws Exception {
    for (String host : new String[] {"a", "b"}) {
      Files.writeString(dir.resolve(host + ".json"), "{\"apiVersion\": \"org.containers.bootc/v1\",");
    }
    var r = ObservedDir.read(dir);

    assertThat(r.problems()).isEmpty();
    assertThat(r.observations().get("a").unreadable()).startsWith(dir.resolve("a.json") + ":")
        .contains("JSON syntax error");
    assertThat(r.observations().get("b").unreadable()).startsWith(dir.resolve("b.json") + ":")
        .contains("JSON syntax error");
  }

  @Test
  void statusHost_takesTheNameBeforeTheExtension_asTheFilePatternSays() {
    var pattern = java.util.regex.Pattern.compile("(.+?)\\.(json|ya?ml)");
    for (String name : new String[] {"web-01.json", "web-01.yaml", "web-01.yml", "a.json.json", "a.yaml.yml",
        ".json", "x.jsonx", "x.JSON", "x.ymll", "json", "a.b.json", "x.yam", "..json", "x.json.bak"}) {
      var m = pattern.matcher(name);
      assertThat(ObservedDir.statusHost(name)).as(name).isEqualTo(m.matches() ? m.group(1) : null);
    }
  }

  @Test
  void read_refusesADocumentOverTheLimit_withItsSize() throws Exception {
    Path big = dir.resolve("a.json");
    Files.write(big, new byte[(int) ObservedDir.MAX_BYTES + 1]);
    var r = ObservedDir.read(dir);

    assertThat(r.problems()).containsExactly(big + ": error: is larger than 4 MiB (" + (ObservedDir.MAX_BYTES + 1)
        + " bytes)");
  }

  @Test
  void read_takesRpmOstreeStatus_besideBootcStatus() throws Exception {
    Path fixture = Example.projectRoot().resolve("reconciler/src/test/resources/fixtures/rpm-ostree"
        + "/rpmostree-client-go--fcos-container-status.json");
    Files.copy(fixture, dir.resolve("fcos-01.json"));
    Files.copy(Example.fleetRepo().resolve("observed/web-01.json"), dir.resolve("web-01.json"));

    var r = ObservedDir.read(dir);

    assertThat(r.problems()).isEmpty();
    assertThat(r.observations().get("fcos-01").status()).isEqualTo(
        dev.bootfleet.core.observed.RpmOstreeStatusParser.parse(Files.readString(fixture), "x"));
    assertThat(r.observations().get("web-01").status().apiVersion()).isNotEqualTo(
        r.observations().get("fcos-01").status().apiVersion());
  }

  /** A status or /etc report name that is not a readable file: Issue 14, item 11. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "folder    | web-01.json     | is a folder (expected a status document file)",
      "loop      | web-01.json     | is a symbolic link loop (expected a status document file)",
      "dangling  | web-01.yaml     | is a symbolic link to nothing (expected a status document file)",
      "loop      | web-01.etc.json | is a symbolic link loop (expected an /etc report file)"})
  void read_namesTheEntry_whenAHostFileIsNotAReadableFile(String kind, String name, String problem) throws Exception {
    Path bad = dir.resolve(name);
    switch (kind) {
      case "folder" -> Files.createDirectory(bad);
      case "loop" -> {
        Files.createSymbolicLink(dir.resolve("other"), bad);
        Files.createSymbolicLink(bad, dir.resolve("other"));
      }
      default -> Files.createSymbolicLink(bad, dir.resolve("nowhere"));
    }
    Path fine = Example.fleetRepo().resolve("observed/web-01.json");
    if (name.endsWith(".etc.json")) {
      Files.copy(fine, dir.resolve("web-01.json"));
    } else {
      Files.writeString(dir.resolve("web-01.etc.json"), "{}");
    }

    var r = ObservedDir.read(dir);

    assertThat(r.problems()).containsExactly(bad + ": error: " + problem);
  }

  /**
   * What a host reports is untrusted (Issue 14, defects 5 and 8): a newline in an image, an escape in a
   * version, a bootc apiVersion this bootfleet does not know, a wrong kind, or a broken /etc report make that host
   * unknown with a one-line reason naming the file and field; the rest of the fleet is planned as before.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "web-01.json     | \"image\":\"quay.io/bootfleet-example/web-os | \"image\":\"quay.io/bootfleet-example/web-os\\n"
          + " | web-01.json: spec.image.image: found \"quay.io/bootfleet-example/web-os\\n@sha256:",
      "web-01.json     | \"version\":\"42                               | \"version\":\"42\\u001b[2J"
          + " | web-01.json: status.booted.image.version: found \"42\\u001B[2J.20261101\", which holds a control character",
      "web-01.json     | org.containers.bootc/v1\"                      | org.containers.bootc/v9\""
          + " | web-01.json: apiVersion: found \"org.containers.bootc/v9\", a version this bootfleet cannot read"
          + " (expected org.containers.bootc/v1 or org.containers.bootc/v1alpha1)",
      "web-01.json     | \"kind\":\"BootcHost\"                         | \"kind\":\"Pod\""
          + " | web-01.json: kind: found \"Pod\" (expected BootcHost)",
      "web-01.etc.json | \"host\": \"web-01\"                          | \"host\": \"web-02\""
          + " | web-01.etc.json: host: \"web-02\" does not match the file name (expected \"web-01\")"})
  void plan_makesOnlyThatHostUnknown_whenItsReportIsRefused(String file, String from, String to, String reason)
      throws Exception {
    Example.copyTree(Example.fleetRepo().resolve("observed"), dir);
    String text = Files.readString(dir.resolve(file));
    assertThat(text).contains(from);
    Files.writeString(dir.resolve(file), text.replaceFirst(java.util.regex.Pattern.quote(from),
        java.util.regex.Matcher.quoteReplacement(to)));
    var fleet = Example.fleet();
    var planner = new dev.bootfleet.core.plan.Planner(java.time.Clock.systemUTC(), fleet.images());
    var before = planner.plan("r", fleet.hosts(), Example.observed().observations());

    var r = ObservedDir.read(dir);
    var plan = planner.plan("r", fleet.hosts(), r.observations());

    assertThat(r.problems()).isEmpty();
    var web01 = plan.hosts().stream().filter(h -> h.name().equals("web-01")).findFirst().orElseThrow();
    assertThat(web01.status()).isEqualTo(dev.bootfleet.core.status.SyncStatus.UNKNOWN);
    assertThat(web01.reason()).startsWith("its report cannot be used: " + dir + "/" + reason).doesNotContain("\n");
    assertThat(plan.hosts()).filteredOn(h -> !h.name().equals("web-01"))
        .containsExactlyElementsOf(before.hosts().stream().filter(h -> !h.name().equals("web-01")).toList());
  }

  @Test
  void read_escapesAFileName_whenItHoldsControlCharacters() throws Exception {
    Files.createDirectory(dir.resolve("web\u001b[2J\n.json"));

    var r = ObservedDir.read(dir);

    assertThat(r.problems()).containsExactly(dir + "/web\\u001B[2J\\n.json: error: is a folder (expected a status document"
        + " file)");
  }
}
