package dev.bootfleet.adapters.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.port.FleetStore;
import dev.bootfleet.core.port.FleetStore.Credential;
import dev.bootfleet.core.server.StatusReport;
import dev.bootfleet.core.server.Tokens;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The embedded store, a real H2 file: what it keeps, and how a credential exchange burns its token. */
class SqlFleetStoreTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir
  Path data;

  @Test
  void reports_areThere_afterTheStoreIsOpenedAgain() {
    try (FleetStore s = SqlFleetStore.embedded(data)) {
      s.saveReport(new StatusReport("web-01", "{\"a\":1}", null, null), T0);
      s.saveReport(new StatusReport("web-01", "{\"a\":2}", "{\"e\":1}", null), T0.plusSeconds(1));
      s.saveReport(new StatusReport("db-01", "{\"b\":1}", null, "{\"kind\":\"AgentReport\"}"), T0);
      s.recordRevision(new FleetStore.Revision("main@sha1:1", FleetStore.Revision.SERVED, List.of(), T0));
      s.recordRevision(new FleetStore.Revision("main@sha1:2", FleetStore.Revision.STALLED, List.of("a: x", "b: y"), T0));
    }
    try (FleetStore s = SqlFleetStore.embedded(data)) {
      var reports = s.reports();
      assertThat(reports).containsOnlyKeys("db-01", "web-01");
      assertThat(reports.get("web-01").report()).isEqualTo(new StatusReport("web-01", "{\"a\":2}", "{\"e\":1}", null));
      assertThat(reports.get("web-01").at()).isEqualTo(T0.plusSeconds(1));
      assertThat(s.servedRevision().orElseThrow().revision()).isEqualTo("main@sha1:1");
      assertThat(s.revisions(10).get(0).errors()).containsExactly("a: x", "b: y");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "the right host in time, web-01, 60, true",
      "another host, db-01, 60, false",
      "an expired enrollment, web-01, -1, false"})
  void exchange_burnsTheEnrollment_onlyForItsHostInTime(String what, String host, long ttl, boolean ok) {
    try (FleetStore s = SqlFleetStore.embedded(data)) {
      s.addCredential(new Credential("e".repeat(64), Tokens.Kind.ENROLLMENT, "web-01", T0.plusSeconds(ttl), T0));
      Credential own = new Credential("h".repeat(64), Tokens.Kind.HOST, host, null, T0);
      assertThat(s.exchange("e".repeat(64), own, T0)).isEqualTo(ok);
      assertThat(s.credential("h".repeat(64)).isPresent()).isEqualTo(ok);
      assertThat(s.credential("e".repeat(64)).isPresent()).isEqualTo(!ok);
      // once burnt, never again
      assertThat(s.exchange("e".repeat(64), new Credential("i".repeat(64), Tokens.Kind.HOST, host, null, T0), T0))
          .isFalse();
    }
  }

  @Test
  void revokeHost_removesItsCredentials_andNoOneElses() {
    try (FleetStore s = SqlFleetStore.embedded(data)) {
      assertThat(s.hasOperator()).isFalse();
      s.addCredential(new Credential("o".repeat(64), Tokens.Kind.OPERATOR, null, null, T0));
      s.addCredential(new Credential("a".repeat(64), Tokens.Kind.HOST, "web-01", null, T0));
      s.addCredential(new Credential("b".repeat(64), Tokens.Kind.HOST, "web-02", null, T0));
      assertThat(s.revokeHost("web-01")).isEqualTo(1);
      assertThat(s.credential("a".repeat(64))).isEmpty();
      assertThat(s.credential("b".repeat(64))).isPresent();
      assertThat(s.hasOperator()).isTrue();
      assertThat(s.reachable()).isTrue();
    }
  }
}
