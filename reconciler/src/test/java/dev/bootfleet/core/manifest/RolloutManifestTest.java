package dev.bootfleet.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.adapters.git.WorkTreeFiles;
import dev.bootfleet.core.manifest.RolloutPolicy.Amount;
import dev.bootfleet.core.manifest.RolloutPolicy.Budget;
import dev.bootfleet.core.manifest.RolloutPolicy.Cron;
import dev.bootfleet.core.manifest.RolloutPolicy.RebootMode;
import dev.bootfleet.core.manifest.RolloutPolicy.Weekly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Rollout kind: its schema, the checks the schema cannot make, and one-line problems for each. */
class RolloutManifestTest {
  private static final String IMAGE = "quay.io/example/os:1@sha256:" + "ab".repeat(32);

  @TempDir
  Path repo;

  private Fleet load(Map<String, String> files) throws IOException {
    Map<String, String> all = new LinkedHashMap<>(files);
    all.putIfAbsent("hosts/web-01.yaml", host("web-01", "{ring: canary, site: a}"));
    for (var e : all.entrySet()) {
      Path p = repo.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, e.getValue());
    }
    return FleetLoader.load(new WorkTreeFiles(repo), FleetLoader.Options.DEFAULT);
  }

  private static String host(String name, String labels) {
    return "apiVersion: bootfleet.dev/v1alpha1\nkind: Host\nmetadata:\n  name: " + name + "\n  labels: " + labels
        + "\nspec:\n  image: {ref: " + IMAGE + "}\n";
  }

  private static String rollout(String name, String spec) {
    return "apiVersion: bootfleet.dev/v1alpha1\nkind: Rollout\nmetadata:\n  name: " + name + "\nspec:\n"
        + spec.indent(2);
  }

  @Test
  void everyField_isRead_intoThePolicy() throws IOException {
    Fleet fleet = load(Map.of("rollouts/os.yaml", rollout("os", """
        selector: {matchLabels: {site: a}}
        waves:
          - {name: canary, selector: {matchLabels: {ring: canary}}, maxUnavailable: 1}
          - {name: early, selector: {matchExpressions: [{key: ring, operator: In, values: [early]}]},
             maxUnavailable: "25%", approval: true}
        maxUnavailable: "10%"
        disruptionBudgets: [{labelKey: site, maxUnavailable: 1}]
        successThreshold: "90%"
        soak: 1h30m
        healthTimeout: 20m
        offline: {after: 5m, countFor: 1h}
        paused: true
        aborted: false
        rebootMode: soft-reboot
        urgent: true
        windows:
          time_zone: Europe/Berlin
          weekly: [{days: [Sat, Sunday], start_time: "23:30", length_minutes: 60}]
          cron: [{schedule: "0 0 2 ? * MON-FRI", duration: 2h}]
        """)));

    assertThat(fleet.problems()).isEmpty();
    RolloutPolicy p = fleet.rollouts().get(0).policy();
    assertThat(p.waves()).extracting(RolloutPolicy.Wave::name).containsExactly("canary", "early");
    assertThat(p.wavesWithRest()).extracting(RolloutPolicy.Wave::name).containsExactly("canary", "early", "rest");
    assertThat(p.waves().get(1).maxUnavailable()).contains(Amount.percent(25));
    assertThat(p.waves().get(1).approval()).isTrue();
    assertThat(p.maxUnavailable()).isEqualTo(Amount.percent(10));
    assertThat(p.budgets()).containsExactly(new Budget("site", Amount.count(1)));
    assertThat(p.successThreshold()).isEqualTo(90);
    assertThat(p.soak()).isEqualTo(Duration.ofMinutes(90));
    assertThat(p.healthTimeout()).isEqualTo(Duration.ofMinutes(20));
    assertThat(p.offlineAfter()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.offlineCountFor()).isEqualTo(Duration.ofHours(1));
    assertThat(p.paused()).isTrue();
    assertThat(p.aborted()).isFalse();
    assertThat(p.rebootMode()).isEqualTo(RebootMode.SOFT_REBOOT);
    assertThat(p.urgent()).isTrue();
    assertThat(p.timeZone()).contains(ZoneId.of("Europe/Berlin"));
    assertThat(p.windows()).containsExactly(
        new Weekly(Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), LocalTime.of(23, 30), 60),
        new Cron("0 0 2 ? * MON-FRI", Duration.ofHours(2)));
    assertThat(fleet.rolloutOf(fleet.host("web-01").orElseThrow())).map(Manifest.Rollout::name).contains("os");
  }

  @Test
  void leftOut_takesTheDocumentedDefaults() throws IOException {
    Fleet fleet = load(Map.of("rollouts/os.yaml", rollout("os", "waves: [{name: canary, selector: {}}]")));

    assertThat(fleet.problems()).isEmpty();
    RolloutPolicy p = fleet.rollouts().get(0).policy();
    assertThat(p).isEqualTo(new RolloutPolicy(LabelSelector.ALL, p.waves(), Amount.count(1), List.of(), 100,
        Duration.ZERO, Duration.ofMinutes(15), Duration.ofMinutes(10), Duration.ofMinutes(30), false, false,
        RebootMode.REBOOT, false, Optional.of(ZoneId.of("UTC")), List.of()));
  }

  @ParameterizedTest
  @CsvSource({"host", "localtime"})
  void hostTimeZone_isEmpty_soEachHostsOwnZoneCounts(String zone) throws IOException {
    Fleet fleet = load(Map.of("rollouts/os.yaml", rollout("os", """
        waves: [{name: canary, selector: {}}]
        windows: {time_zone: %s, weekly: [{days: [Mon], start_time: "01:00", length_minutes: 30}]}
        """.formatted(zone))));

    assertThat(fleet.problems()).isEmpty();
    assertThat(fleet.rollouts().get(0).policy().timeZone()).isEmpty();
  }

  @Test
  void everyProblem_isReported_oneLineEach() throws IOException {
    Fleet fleet = load(Map.of("rollouts/os.yaml", rollout("os", """
        waves:
          - {name: canary, selector: {}}
          - {name: canary, selector: {}}
          - {name: rest, selector: {}}
        maxUnavailable: "150%"
        disruptionBudgets: [{labelKey: site, maxUnavailable: 1}, {labelKey: site, maxUnavailable: 2}]
        successThreshold: "0%"
        soak: 10 minutes
        healthTimeout: 0s
        rebootMode: kexec
        windows:
          time_zone: Mars/Olympus
          weekly: [{days: [Caturday], start_time: "24:00", length_minutes: 0}]
          cron: [{schedule: "0 0 25 * * ?", duration: 1h}]
        colour: blue
        """)));

    assertThat(fleet.problems()).extracting(Problem::format).containsExactly(
        "rollouts/os.yaml:8:14: error: spec.waves[1].name: wave \"canary\" is declared twice (first at line 7)",
        "rollouts/os.yaml:9:14: error: spec.waves[2].name: \"rest\" is the name of the wave that takes the hosts"
            + " no other wave matches (expected another name)",
        "rollouts/os.yaml:10:19: error: spec.maxUnavailable: \"150%\" is not a count from 1 or a percentage such"
            + " as \"25%\"",
        "rollouts/os.yaml:11:71: error: spec.disruptionBudgets[1].labelKey: label key \"site\" has a budget"
            + " already (first at line 11)",
        "rollouts/os.yaml:12:21: error: spec.successThreshold: \"0%\" is not a percentage from 1% to 100% such"
            + " as \"90%\"",
        "rollouts/os.yaml:13:9: error: spec.soak: \"10 minutes\" is not a duration such as \"90s\", \"30m\","
            + " \"1h30m\" or \"2d\"",
        "rollouts/os.yaml:14:18: error: spec.healthTimeout: \"0s\" is zero (expected a duration longer than 0s)",
        "rollouts/os.yaml:15:15: error: spec.rebootMode: \"kexec\" is not one of (reboot, soft-reboot)",
        "rollouts/os.yaml:17:16: error: spec.windows.time_zone: \"Mars/Olympus\" is not a time zone (expected"
            + " an IANA zone such as \"Europe/Berlin\", \"UTC\", or \"host\" (Zincati's \"localtime\") for"
            + " each host's own zone)",
        "rollouts/os.yaml:18:22: error: spec.windows.weekly[0].days[0]: \"Caturday\" is not one of (Mon, Tue,"
            + " Wed, Thu, Fri, Sat, Sun, Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday)",
        "rollouts/os.yaml:18:45: error: spec.windows.weekly[0].start_time: \"24:00\" is not a time of day as"
            + " hh:mm, 24 h (\"23:30\")",
        "rollouts/os.yaml:18:70: error: spec.windows.weekly[0].length_minutes: 0 is out of range (must have a"
            + " minimum value of 1)",
        "rollouts/os.yaml:19:23: error: spec.windows.cron[0].schedule: \"0 0 25 * * ?\" is not a cron"
            + " expression: Hour values must be between 0 and 23 (expected Quartz's form, seconds first:"
            + " \"0 0 2 ? * SAT,SUN\")",
        "rollouts/os.yaml:20:3: error: spec.colour: unknown key 'colour' (expected one of: selector, waves,"
            + " maxUnavailable, disruptionBudgets, successThreshold, soak, healthTimeout, offline, paused, aborted,"
            + " rebootMode, urgent, windows)");
    assertThat(fleet.rollouts()).isEmpty();
  }

  @Test
  void twoRollouts_governingOneHost_areAnError() throws IOException {
    Fleet fleet = load(Map.of(
        "hosts/web-02.yaml", host("web-02", "{site: a}"),
        "rollouts/a.yaml", rollout("a", "waves: [{name: canary, selector: {}}]"),
        "rollouts/b.yaml", rollout("b", "selector: {matchLabels: {site: a}}\nwaves: [{name: canary, selector: {}}]")));

    assertThat(fleet.problems()).extracting(Problem::format).containsExactly("rollouts/b.yaml:4:9: error:"
        + " spec.selector: Rollout \"b\" governs host \"web-01\" and 1 more that Rollout \"a\" (rollouts/a.yaml:4)"
        + " governs already (a host follows one rollout: narrow spec.selector)");
  }

  @ParameterizedTest
  @CsvSource({"30m, PT30M", "1h30m, PT1H30M", "2d, PT48H", "0s, PT0S", "90s, PT1M30S"})
  void duration_isParsed(String text, Duration expected) {
    assertThat(DurationText.parse(text)).isEqualTo(expected);
    assertThat(DurationText.parse(DurationText.format(expected))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"1, 10, 1", "3, 10, 3", "25%, 10, 2", "25%, 3, 1", "100%, 7, 7", "50%, 0, 1"})
  void amount_ofHosts_roundsDown_atLeastOne(String amount, int total, int expected) {
    Amount a = amount.endsWith("%") ? Amount.percent(Integer.parseInt(amount.replace("%", "")))
        : Amount.count(Integer.parseInt(amount));
    assertThat(a.of(total)).isEqualTo(expected);
  }
}
