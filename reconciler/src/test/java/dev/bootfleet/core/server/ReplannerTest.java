package dev.bootfleet.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.plan.Observation;
import dev.bootfleet.core.plan.Planner;
import dev.bootfleet.core.render.JsonRenderer;
import dev.bootfleet.core.render.Report;
import dev.bootfleet.testing.Example;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** After a revision or a report, only the hosts whose inputs changed are planned again. */
class ReplannerTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  record Inputs(Fleet fleet, Map<String, Replanner.Observed> observed) {}

  static Inputs example() throws Exception {
    Map<String, Replanner.Observed> seen = new TreeMap<>();
    Example.observed().observations().forEach((h, o) -> seen.put(h, new Replanner.Observed(o, "v1:" + h)));
    return new Inputs(Example.fleet(), seen);
  }

  static Fleet withLabel(Fleet f, String host) {
    List<DesiredHost> hosts = new ArrayList<>();
    for (DesiredHost h : f.hosts()) {
      if (h.name().equals(host)) {
        Map<String, String> labels = new HashMap<>(h.labels());
        labels.put("changed", "yes");
        h = new DesiredHost(h.name(), labels, h.image(), h.etc(), h.kargs(), h.driver(), h.packages(), h.flatpak(),
            h.groups(), h.file());
      }
      hosts.add(h);
    }
    return new Fleet("main@sha1:2", hosts, f.problems(), f.images(), f.groups(), f.declaredHosts(), Map.of());
  }

  static Map<String, Replanner.Observed> reported(Map<String, Replanner.Observed> seen, String host, boolean drop) {
    Map<String, Replanner.Observed> m = new TreeMap<>(seen);
    if (drop) {
      m.remove(host);
    } else {
      Observation o = m.get(host).observation();
      m.put(host, new Replanner.Observed(o, "v2:" + host));
    }
    return m;
  }

  static List<Arguments> changes() {
    return List.of(
        Arguments.of("nothing", (UnaryOperator<Inputs>) in -> in, Set.of()),
        Arguments.of("one host's manifest", (UnaryOperator<Inputs>) in -> new Inputs(withLabel(in.fleet, "web-02"),
            in.observed), Set.of("web-02")),
        Arguments.of("one host's report", (UnaryOperator<Inputs>) in -> new Inputs(in.fleet,
            reported(in.observed, "db-01", false)), Set.of("db-01")),
        Arguments.of("one host stops reporting", (UnaryOperator<Inputs>) in -> new Inputs(in.fleet,
            reported(in.observed, "edge-01", true)), Set.of("edge-01")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void update_replansOnlyTheChangedHosts_afterAChange(String what, UnaryOperator<Inputs> change, Set<String> expected)
      throws Exception {
    Inputs before = example();
    Replanner r = new Replanner(CLOCK);
    Replanner.Result first = r.update(Replanner.State.EMPTY, before.fleet, before.observed);
    assertThat(first.replanned()).hasSize(before.fleet.hosts().size());

    Inputs after = change.apply(before);
    Replanner.Result second = r.update(first.state(), after.fleet, after.observed);

    assertThat(second.replanned()).isEqualTo(expected);
    // and the result is what planning everything from scratch gives
    Map<String, Observation> obs = new TreeMap<>();
    after.observed.forEach((h, o) -> obs.put(h, o.observation()));
    String full = json(Report.plan(new Planner(CLOCK, after.fleet.images()).plan(after.fleet.revision(),
        after.fleet.hosts(), obs)));
    assertThat(json(Report.plan(second.state().plan(CLOCK)))).isEqualTo(full);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reports")
  void reported_isWhatAFullUpdateGives_forTheReportingHostsAlone(String what, Map<String, Replanner.Observed> after,
      Set<String> reporting, Set<String> expected) throws Exception {
    Inputs before = example();
    Replanner r = new Replanner(CLOCK);
    Replanner.State first = r.update(Replanner.State.EMPTY, before.fleet, before.observed).state();

    Replanner.Result one = r.reported(first, after, reporting);
    Replanner.Result all = r.update(first, before.fleet, after);

    assertThat(one.replanned()).isEqualTo(expected).isEqualTo(all.replanned());
    assertThat(one.state().unmanaged()).isEqualTo(all.state().unmanaged());
    assertThat(json(Report.plan(one.state().plan(CLOCK)))).isEqualTo(json(Report.plan(all.state().plan(CLOCK))));
  }

  static List<Arguments> reports() throws Exception {
    Map<String, Replanner.Observed> seen = example().observed;
    Map<String, Replanner.Observed> stranger = new TreeMap<>(seen);
    stranger.put("stranger-01", seen.get("db-01"));
    Map<String, Replanner.Observed> two = reported(reported(seen, "db-01", false), "web-01", false);
    return List.of(
        Arguments.of("the same documents again", seen, Set.of("db-01"), Set.of()),
        Arguments.of("one host's new report", reported(seen, "db-01", false), Set.of("db-01"), Set.of("db-01")),
        Arguments.of("two hosts' reports in one batch", two, Set.of("db-01", "web-01"), Set.of("db-01", "web-01")),
        Arguments.of("a host the revision does not declare", stranger, Set.of("stranger-01"), Set.of()));
  }

  private static String json(Report r) throws Exception {
    StringBuilder b = new StringBuilder();
    new JsonRenderer().render(r, b);
    return b.toString();
  }
}
