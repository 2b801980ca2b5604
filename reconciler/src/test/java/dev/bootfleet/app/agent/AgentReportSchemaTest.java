package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.bootfleet.core.lifecycle.HostRecord;
import dev.bootfleet.core.status.Reason;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent's report follows schema/agent-report.schema.json in each of its shapes. */
class AgentReportSchemaTest {
  static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
          b -> b.schemaIdResolvers(r -> r.mapPrefix("https://bootfleet.dev/schema/", "classpath:schema/")))
      .getSchema(SchemaLocation.of("https://bootfleet.dev/schema/agent-report.schema.json"));

  static CycleReport report() {
    return new CycleReport("web-01", Instant.parse("2026-12-01T10:00:00Z"), "boot-1",
        new PrintStream(OutputStream.nullOutputStream()));
  }

  static List<String> errors(CycleReport r) {
    return SCHEMA.validate(r.toJson()).stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
  }

  @Test
  void everyShape_followsTheSchema() {
    CycleReport fresh = report(); // nothing known yet

    CycleReport synced = report();
    synced.revision = "main@sha1:" + "1".repeat(40);
    synced.lastAppliedRevision = synced.revision;
    synced.driver = "bootc";
    synced.status(Reason.RECONCILIATION_SUCCEEDED, "booted the desired image");
    synced.booted("converged", "quay.io/x/os@sha256:" + "a".repeat(64), "boot: converged");
    synced.step("stage", "quay.io/x/os", "done", "bootc switch");
    synced.drift("/etc/motd", "changed on the host");
    synced.durationMs = 12;
    synced.health(new HealthChecks.Result("failed", List.of(new HealthChecks.Check("boot-complete.target", "ok", null),
        new HealthChecks.Check("unit app.service", "failed", "is failed/failed (expected active)"))));

    CycleReport held = report();
    held.status(Reason.BOOTLOADER_FALLBACK, "the bootloader fell back");
    held.hold = new HostRecord.Hold("quay.io/x/os", "bootloader-fallback", "fell back", "2026-12-01T10:00:00Z", true);

    CycleReport heldByPlan = report();
    heldByPlan.status(Reason.UPDATE_BLOCKED, "read-only sysroot");
    heldByPlan.hold = new HostRecord.Hold("quay.io/x/os", null, "read-only sysroot", null, false);

    for (CycleReport r : List.of(fresh, synced, held, heldByPlan)) {
      assertThat(errors(r)).as(r.status()).isEmpty();
    }
    assertThat(held.toJson().get("conditions").get(2).get("status").asString()).isEqualTo("True");
  }

  @Test
  void schema_rejectsAHealthWordItDoesNotKnow() {
    CycleReport r = report();
    var json = r.toJson();
    assertThat(SCHEMA.validate(json)).isEmpty();
    json.put("health", "ok");
    assertThat(SCHEMA.validate(json)).isNotEmpty();
  }

  @Test
  void schema_rejectsAStatusItDoesNotKnow() {
    CycleReport r = report();
    var json = r.toJson();
    json.put("status", "green");
    assertThat(SCHEMA.validate(json)).isNotEmpty();
  }

  @Test
  void problem_saysErrorOnce_whenTheLineAlreadySaysIt() {
    var out = new java.io.ByteArrayOutputStream();
    CycleReport r = new CycleReport("web-01", Instant.EPOCH, "b", new PrintStream(out, true,
        java.nio.charset.StandardCharsets.UTF_8));
    r.problem("hosts/web-01.yaml:7:10: error: spec.image.ref: \"bad ref\" contains white space");
    r.problem("bootc status failed");
    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8).lines()).containsExactly(
        "bootfleet-agent: hosts/web-01.yaml:7:10: error: spec.image.ref: \"bad ref\" contains white space",
        "bootfleet-agent: error: bootc status failed");
  }
}
