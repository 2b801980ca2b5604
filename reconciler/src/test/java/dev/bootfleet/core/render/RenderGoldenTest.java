package dev.bootfleet.core.render;

import dev.bootfleet.core.status.SyncStatus;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.plan.ChangePlanner;
import dev.bootfleet.core.plan.Plan;
import dev.bootfleet.core.plan.Planner;
import dev.bootfleet.testing.Example;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every output format of the example fleet, compared byte for byte with golden files (regenerate with
 * {@code ./mvnw test -Dbootfleet.updateGolden=true} and review the diff).
 */
class RenderGoldenTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
  static Plan observedPlan;

  @BeforeAll
  static void planExample() throws IOException {
    Fleet fleet = Example.fleet();
    assertThat(fleet.hasErrors()).as("%s", fleet.problems()).isFalse(); // warnings: kargs and packages advice
    var seen = Example.observed();
    assertThat(seen.problems()).isEmpty();
    observedPlan = new Planner(CLOCK).plan("main@sha1:" + "0".repeat(40), fleet.hosts(), seen.observations());
  }

  static String render(Report r, String format) throws IOException {
    StringBuilder b = new StringBuilder();
    switch (format) {
      case "txt" -> new TextRenderer(false).render(r, b);
      case "color.txt" -> new TextRenderer(true).render(r, b);
      case "md" -> new MarkdownRenderer().render(r, b);
      case "json" -> new JsonRenderer().render(r, b);
      case "xml" -> new JUnitRenderer().render(r, b);
      default -> throw new IllegalArgumentException(format);
    }
    return b.toString();
  }

  static Stream<Arguments> observedFormats() {
    return Stream.of("txt", "color.txt", "md", "json", "xml").flatMap(f -> Stream.of(
        Arguments.of("plan", f), Arguments.of("drift", f)));
  }

  @ParameterizedTest(name = "{0}.{1}")
  @MethodSource("observedFormats")
  void render_matchesGolden(String kind, String format) throws IOException {
    Report r = kind.equals("plan") ? Report.plan(observedPlan) : Report.drift(observedPlan);
    String actual = render(r, format);

    assertThat(actual).isEqualTo(Example.golden(kind + "." + format, actual));
  }

  @Test
  void json_isTheSameText_asSerializingTheWholeTreeAtOnce(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    var mapper = tools.jackson.databind.json.JsonMapper.builder()
        .enable(tools.jackson.databind.SerializationFeature.INDENT_OUTPUT).build();
    Plan quiet = new Plan(observedPlan.mode(), observedPlan.revision(), null, observedPlan.generatedAt(),
        java.util.List.of(), java.util.List.of("stray-01"));
    for (Report r : new Report[] {Report.plan(observedPlan), Report.drift(observedPlan), Report.plan(changePlan(tmp)),
        Report.plan(quiet)}) {
      StringBuilder out = new StringBuilder();
      new JsonRenderer().render(r, out);
      assertThat(out.toString()).isEqualTo(mapper.writeValueAsString(JsonRenderer.toJson(r)) + "\n");
    }
  }

  @Test
  void text_saysNoHostDiffers_insteadOfAnEmptyTable() throws Exception {
    var inSync = observedPlan.hosts().stream()
        .filter(h -> h.status() == dev.bootfleet.core.status.SyncStatus.IN_SYNC).toList();
    assertThat(inSync).isNotEmpty();
    Plan quiet = new Plan(observedPlan.mode(), observedPlan.revision(), null, observedPlan.generatedAt(), inSync,
        java.util.List.of());

    String text = render(Report.drift(quiet), "txt");

    assertThat(text).contains("\n\nNo host differs from Git.\n\nDrift: ").doesNotContain("\n\n\n");
  }

  @Test
  void text_hasNoEscapes_withoutColor() throws IOException {
    assertThat(render(Report.plan(observedPlan), "txt")).doesNotContain("\u001b[");
    assertThat(render(Report.plan(observedPlan), "color.txt")).contains("\u001b[33mdrifted");
  }

  @Test
  void summaryLine_ofExample() {
    assertThat(Report.plan(observedPlan).summaryLine())
        .isEqualTo("Plan: 3 to stage, 6 to reboot, 4 /etc changes, 1 kargs change, 2 package changes, 4 Flatpak changes,"
            + " 2 in sync, 2 held, 1 unknown");
    assertThat(Report.drift(observedPlan).summaryLine())
        .isEqualTo("Drift: 10 of 12 hosts differ from Git (7 drifted, 2 held, 1 unknown)");
  }

  @Test
  void json_followsPlanSchema_forEveryReport(@TempDir Path tmp) throws IOException {
    Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaIdResolvers(r -> r.mapPrefix("https://bootfleet.dev/schema/", "classpath:schema/")))
        .getSchema(SchemaLocation.of("https://bootfleet.dev/schema/plan.schema.json"));
    JsonMapper mapper = JsonMapper.builder().build();
    for (Report r : new Report[] {Report.plan(observedPlan), Report.drift(observedPlan), Report.plan(changePlan(tmp))}) {
      var errors = schema.validate(mapper.readTree(render(r, "json")));
      assertThat(errors).as(r.kind() + " " + r.plan().mode()).isEmpty();
    }
  }

  @Test
  void json_followsPlanSchema_forEveryActionType() throws IOException {
    Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaIdResolvers(r -> r.mapPrefix("https://bootfleet.dev/schema/", "classpath:schema/")))
        .getSchema(SchemaLocation.of("https://bootfleet.dev/schema/plan.schema.json"));
    String img = "quay.io/fedora/fedora-silverblue@sha256:" + "b".repeat(64);
    String commit = "1".repeat(64);
    var actions = java.util.List.<dev.bootfleet.core.plan.Action>of(
        new dev.bootfleet.core.plan.Action.FlatpakRemoteAdd("flathub", "https://dl.flathub.org/repo/", "system", null),
        new dev.bootfleet.core.plan.Action.FlatpakInstall("app/org.mozilla.firefox//stable", "flathub", "user", commit),
        new dev.bootfleet.core.plan.Action.FlatpakUpdate("app/org.gnome.Maps/x86_64/stable", "system", commit,
            "2".repeat(64)),
        new dev.bootfleet.core.plan.Action.FlatpakUninstall("app/org.example.Old/x86_64/stable", "system", null),
        new dev.bootfleet.core.plan.Action.Rebase("ostree-unverified-registry:" + img, img, "sha256:" + "b".repeat(64),
            null, java.util.List.of("tmux"), java.util.List.of()),
        new dev.bootfleet.core.plan.Action.InstallPackages(java.util.List.of("htop")),
        new dev.bootfleet.core.plan.Action.RemovePackages(java.util.List.of("vim"), java.util.List.of("firefox")),
        new dev.bootfleet.core.plan.Action.Finalize(img));
    var host = new dev.bootfleet.core.plan.HostPlan("desk-01", dev.bootfleet.core.status.SyncStatus.DRIFTED, "r",
        actions, java.util.List.of(), img, null);
    var plan = new dev.bootfleet.core.plan.Plan(dev.bootfleet.core.plan.Plan.Mode.OBSERVED, "HEAD", null,
        java.time.Instant.parse("2026-11-22T10:00:00Z"), java.util.List.of(host), java.util.List.of());

    String json = render(Report.plan(plan), "json");

    assertThat(schema.validate(JsonMapper.builder().build().readTree(json))).isEmpty();
    assertThat(json).contains("\"packageChanges\" : 3", "\"flatpakChanges\" : 4");
    assertThat(render(Report.plan(plan), "txt")).contains("3 package changes, 4 Flatpak changes");
  }

  @ParameterizedTest(name = "change.{0}")
  @MethodSource("changeFormats")
  void changePlan_matchesGolden(String format, @TempDir Path tmp) throws IOException {
    String actual = render(Report.plan(changePlan(tmp)), format);

    assertThat(actual).isEqualTo(Example.golden("change." + format, actual));
  }

  static Stream<String> changeFormats() {
    return Stream.of("txt", "md", "json", "xml");
  }

  /**
   * The example fleet against a copy where a pull request bumps the web image, edits chrony.conf, adds
   * edge-04, removes web-03 and sets a kernel argument for db hosts.
   */
  static Plan changePlan(Path tmp) throws IOException {
    Path head = tmp.resolve("head");
    Example.copyTree(Example.fleetRepo(), head);
    Path web = head.resolve("groups/web.yaml");
    String webText = Files.readString(web);
    Files.writeString(web, webText.replaceAll("web-os:42\\.20261101@sha256:[0-9a-f]{64}",
        "web-os:42.20261115@sha256:" + "1".repeat(64)));
    Path chrony = head.resolve("files/chrony.conf");
    Files.writeString(chrony, Files.readString(chrony).replace("makestep 1.0 3", "makestep 0.5 -1"));
    Files.writeString(head.resolve("hosts/edge-04.yaml"), Files.readString(head.resolve("hosts/edge-03.yaml"))
        .replace("edge-03", "edge-04").replace("store-99", "store-7"));
    Files.delete(head.resolve("hosts/web-03.yaml"));
    Path db = head.resolve("groups/db.yaml");
    Files.writeString(db, Files.readString(db) + "  kargs:\n    append:\n      - transparent_hugepage=never\n");
    Fleet base = Example.fleet();
    Fleet after = dev.bootfleet.core.manifest.FleetLoader.load(new dev.bootfleet.adapters.git.WorkTreeFiles(head),
        dev.bootfleet.core.manifest.FleetLoader.Options.DEFAULT);
    assertThat(after.hasErrors()).as("%s", after.problems()).isFalse();
    Plan p = new ChangePlanner(CLOCK).compare(base, after);
    return new Plan(p.mode(), "pr-42@sha1:" + "2".repeat(40), "main@sha1:" + "0".repeat(40), p.generatedAt(),
        p.hosts(), p.unmanagedHosts());
  }
}
