package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {
  @ParameterizedTest(name = "bootfleet {0}")
  @ValueSource(strings = {"--version", "version", "validate --version", "plan --version", "drift --version",
      "pin --version", "bake --version", "agent --version"})
  void everyCommand_printsTheBuildsVersionAndCommit(String args) {
    Cli.Run r = Cli.run(args.split(" "));

    assertThat(r.exit()).as(r.err()).isZero();
    String project = System.getProperty("bootfleet.version"); // the pom's, as the build wrote it into the classes
    assertThat(r.out()).matches("bootfleet " + java.util.regex.Pattern.quote(project)
        + " \\(commit ([0-9a-f]{12}|unknown)\\)\\R");
    assertThat(r.err()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "plna       | ; did you mean plan?",
      "vaildate   | ; did you mean validate?",
      "frobnicate | ''"})
  void aMistypedCommand_isNamed_withTheCommandMeant_onlyWhenOneIsClose(String typed, String hint) {
    Cli.Run r = Cli.run(typed, "--repo", ".");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("bootfleet: error: '" + typed + "' is not a command (expected validate, plan, drift,"
        + " pin, bake, agent, serve, host, operator, rollout, sim, show, init, demo, completion or version)" + hint + "\n").contains("Try 'bootfleet --help'");
  }

  @Test
  void driftHelp_saysNothingOfChangePlans() {
    Cli.Run r = Cli.run("drift", "--help");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).doesNotContain("--base", "--head");
  }

  @ParameterizedTest(name = "bootfleet {0} --help")
  @ValueSource(strings = {"agent", "agent clear-hold", "validate", "plan", "drift", "pin", "bake"})
  void help_wrapsItsDescriptionToTheWidth_andEndsEachLineOfTheCommandList(String command) {
    List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
    args.add("--help");
    List<String> lines = Cli.run(args.toArray(String[]::new)).out().lines().toList();

    // The description: after the usage lines, before the first option. A line that ends while the next
    // line's first word would have fitted on it (79 columns: picocli keeps the 80th free) is a hard line break.
    List<String> description = lines.stream().dropWhile(l -> l.startsWith("Usage:") || l.startsWith(" "))
        .takeWhile(l -> !l.startsWith(" ")).toList();
    for (int i = 0; i + 1 < description.size(); i++) {
      if (description.get(i).matches(".*[.:]")) {
        continue; // the end of a paragraph
      }
      String next = description.get(i + 1).strip();
      String firstWord = next.split(" ", 2)[0];
      assertThat(description.get(i).length() + 1 + firstWord.length()).as("hard break after: " + description.get(i))
          .isGreaterThan(79);
    }
    assertThat(lines.stream().filter(l -> l.matches("  [a-z-]+  +\\S.*"))).as("the command list")
        .allSatisfy(l -> assertThat(l).doesNotEndWith(","));
  }

  @Test
  void aMistypedOption_getsTheOptionMeant() {
    Cli.Run r = Cli.run("pin", "--chek");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("bootfleet: error: Unknown option: '--chek'; did you mean --check?\n")
        .contains("Try 'bootfleet pin --help'");
  }

  @Test
  void aMistypedOption_amongManyWithTheSameStart_getsTheClosest() {
    Cli.Run r = Cli.run("pin", "--repoo", "x");

    assertThat(r.err()).startsWith("bootfleet: error: Unknown option: '--repoo'; did you mean --repo?\n");
  }

  @Test
  void badRegistryOptions_areEachNamed_withTheValue_allAtOnce(@TempDir Path fleet) {
    Cli.Run r = Cli.run("pin", "--repo", fleet.toString(), "--registry-timeout", "0", "--registry-tries", "-2",
        "--registry-deadline", "0", "--auth-file", fleet.resolve("auth.json").toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().filter(l -> l.startsWith("bootfleet: error: "))).containsExactly(
        "bootfleet: error: --registry-timeout 0: too small (expected a whole number of seconds, at least 1)",
        "bootfleet: error: --registry-deadline 0: too small (expected a whole number of seconds, at least 1)",
        "bootfleet: error: --registry-tries -2: too small (expected a whole number of tries, at least 1)",
        "bootfleet: error: --auth-file " + fleet.resolve("auth.json") + ": no such file (expected a containers"
            + " auth.json)");
  }

  @Test
  void aFileWhereAFolderBelongs_isCalledNotAFolder(@TempDir Path tmp) throws Exception {
    Path file = java.nio.file.Files.writeString(tmp.resolve("web-01.json"), "{}");

    Cli.Run plan = Cli.run("plan", "--repo", tmp.toString(), "--observed", file.toString());
    Cli.Run pin = Cli.run("pin", "--repo", file.toString(), "--check");

    assertThat(plan.exit()).isEqualTo(1);
    assertThat(plan.err()).endsWith("bootfleet: error: --observed " + file + ": not a folder (expected a folder of"
        + " <host>.json status documents)\n");
    assertThat(pin.exit()).isEqualTo(1);
    assertThat(pin.err()).isEqualTo("bootfleet: error: --repo " + file + ": not a folder (pin rewrites files, so it"
        + " needs a local folder)\n");
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "web-01                    | valid: 1 host, 0 errors, 0 warnings",
      "web-01,web-02             | valid: 2 hosts, 0 errors, 0 warnings",
      "web-01,web-02,BAD-web-03  | invalid: 3 hosts, 1 error, 0 warnings"})
  void validate_countsEveryDeclaredHost_inTheSingularForOne(String names, String summary, @TempDir Path fleet)
      throws Exception {
    for (String name : names.split(",")) {
      boolean bad = name.startsWith("BAD-");
      String host = name.replace("BAD-", "");
      java.nio.file.Files.writeString(fleet.resolve(host + ".yaml"), """
          apiVersion: bootfleet.dev/v1alpha1
          kind: Host
          metadata: {name: %s}
          spec: {image: {ref: "quay.io/x/os@sha256:%s"}}
          """.formatted(host, (bad ? "12" : "a".repeat(64))));
    }

    Cli.Run r = Cli.run("validate", "--repo", fleet.toString());

    assertThat(r.out().lines().toList().getLast()).startsWith(summary + " (");
  }

  @Test
  void optionsThatExcludeEachOther_sayErrorOnce() {
    Cli.Run r = Cli.run("bake", "--repo", ".", "--host", "web-01", "--group", "web", "--to", "127.0.0.1:1/x");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("bootfleet: error: --host=NAME, --group=NAME are mutually exclusive (specify only"
        + " one)\n");
  }

  @Test
  void aChangePlanOutsideGit_namesTheOptionGiven(@TempDir Path fleet) {
    Cli.Run r = Cli.run("plan", "--repo", fleet.toString(), "--base", "main~1", "--head", "main");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("bootfleet: error: --base main~1: " + fleet + " is not a Git repository\n");
  }

  @Test
  void outNamingAFolderOrNothing_isRefused_andNothingIsWritten(@TempDir Path tmp) throws Exception {
    Path observed = java.nio.file.Files.createDirectories(tmp.resolve("observed"));

    Cli.Run folder = Cli.run("plan", "--repo", tmp.toString(), "--observed", observed.toString(), "--out",
        observed.toString());
    Cli.Run empty = Cli.run("plan", "--repo", tmp.toString(), "--observed", observed.toString(), "--out", "");

    assertThat(folder.exit()).isEqualTo(1);
    assertThat(folder.err()).endsWith("bootfleet: error: --out " + observed + ": is a folder (expected a file to"
        + " write)\n");
    assertThat(empty.exit()).isEqualTo(1);
    assertThat(empty.err()).endsWith("bootfleet: error: --out: an empty path (expected a file to write)\n");
    try (var left = java.nio.file.Files.list(tmp)) {
      assertThat(left).containsExactly(observed);
    }
  }

  @Test
  void diffExitCode_isTheCodeForDifferences_andOnlyACodeThatMeansNothingElse() {
    String repo = dev.bootfleet.testing.Example.fleetRepo().toString();
    String observed = dev.bootfleet.testing.Example.fleetRepo().resolve("observed").toString();

    Cli.Run drift = Cli.run("drift", "--repo", repo, "--observed", observed, "--format", "json", "--diff-exit-code",
        "20");
    Cli.Run plain = Cli.run("drift", "--repo", repo, "--observed", observed, "--format", "json");
    Cli.Run one = Cli.run("drift", "--repo", repo, "--observed", observed, "--diff-exit-code", "1");

    assertThat(drift.exit()).as(drift.err()).isEqualTo(20);
    String at = "\"generatedAt\" : \"[^\"]+\""; // the one line that differs between two runs
    assertThat(drift.out().replaceAll(at, "")).isEqualTo(plain.out().replaceAll(at, "")).contains("\"drifted\" : 7");
    assertThat(plain.exit()).isZero();
    assertThat(one.exit()).isEqualTo(1);
    assertThat(one.out()).isEmpty();
    assertThat(one.err()).startsWith("bootfleet: error: Invalid value for option '--diff-exit-code': '1' is not an"
        + " exit code from 2 to 125 (0 means success and 1 an error)\n");
  }

  @Test
  void unknownOptions_areNamed_notTheirValues() {
    Cli.Run r = Cli.run("plan", "--repo", ".", "--status", "/srv/status", "--hots", "web-01");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("bootfleet: error: Unknown options: '--status', '--hots'\n");
  }

  @Test
  void validateForGitHub_annotatesEachProblemAtItsLine_pathsFromTheWorkspace() throws Exception {
    Path fleet = exampleFleetBelowTheWorkingFolder();
    java.nio.file.Files.writeString(fleet.resolve("hosts/web-02.yaml"), """
        apiVersion: bootfleet.dev/v1alpha1
        kind: Host
        metadata:
          name: web-02
        spec:
          image: {ref: "quay.io/x/y@sha256:12"}
        """);

    Cli.Run r = Cli.run("validate", "--repo", fleet.toString(), "--format", "github");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEmpty();
    assertThat(r.out().lines()).contains(
        "::warning file=" + fleet + "/groups/defaults.yaml,line=21,col=3,title=bootfleet validate::spec.kargs:"
            + " host-local kernel arguments: bootc advises shipping them in the image instead"
            + " (/usr/lib/bootc/kargs.d/*.toml), where every switch and upgrade applies them",
        "::error file=" + fleet + "/hosts/web-02.yaml,line=6,col=16,title=bootfleet validate::spec.image.ref:"
            + " \"quay.io/x/y@sha256:12\" has a bad digest: it has 2 hex digits, not 64 (expected"
            + " registry/repo[:tag][@sha256:<64 hex>])");
    assertThat(r.out().lines().toList().getLast()).startsWith("invalid: 12 hosts, 1 error, 3 warnings");
  }


  @Test
  void validateForGitLab_printsTheCodeQualityReportAlone_andTheSummaryApart() throws Exception {
    Path fleet = exampleFleetBelowTheWorkingFolder();

    Cli.Run r = Cli.run("validate", "--repo", fleet.toString(), "--format", "gitlab");

    assertThat(r.exit()).as(r.err()).isZero();
    var issues = tools.jackson.databind.json.JsonMapper.shared().readTree(r.out()); // the whole of stdout
    assertThat(issues.size()).isEqualTo(3);
    assertThat(issues.get(0).path("location").path("path").asString())
        .isEqualTo(fleet + "/groups/defaults.yaml");
    assertThat(issues.get(0).path("location").path("lines").path("begin").asInt()).isEqualTo(21);
    assertThat(r.err()).startsWith("valid: 12 hosts, 0 errors, 3 warnings");
  }


  private Path belowTheWorkingFolder;

  /**
   * A copy of the example fleet in a new folder below the working folder (the module's target/), so
   * that paths are made relative to the working folder as a CI job's checkout is; removed after the test.
   */
  private Path exampleFleetBelowTheWorkingFolder() throws Exception {
    belowTheWorkingFolder = java.nio.file.Files.createTempDirectory(Path.of("target"), "validate-");
    dev.bootfleet.testing.Example.copyTree(dev.bootfleet.testing.Example.fleetRepo(), belowTheWorkingFolder);
    return belowTheWorkingFolder;
  }

  @org.junit.jupiter.api.AfterEach
  void removeTheCopy() throws Exception {
    if (belowTheWorkingFolder != null) {
      try (var files = java.nio.file.Files.walk(belowTheWorkingFolder)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
