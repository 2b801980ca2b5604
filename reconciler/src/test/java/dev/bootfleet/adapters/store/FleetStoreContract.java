package dev.bootfleet.adapters.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.port.FleetStore;
import dev.bootfleet.core.port.FleetStore.Credential;
import dev.bootfleet.core.server.StatusReport;
import dev.bootfleet.core.server.Tokens;
import dev.bootfleet.core.rollout.RebootLeases;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What every engine of the store must do, run on each for real (H2 in {@link SqlFleetStoreTest}, PostgreSQL
 * in {@link SqlFleetStorePostgresTest}): migrations, revisions, reports, the timeline, and how a
 * credential exchange burns its token. Each test has a new, empty database.
 */
abstract class FleetStoreContract {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** Opens this test's store: the same database on each call, migrated when new. */
  abstract FleetStore open();

  /** The migrations Flyway recorded as applied in this test's database, in order. */
  abstract List<String> appliedMigrations();

  @Test
  void open_migratesOnce_andAgainIsANoOp() {
    try (FleetStore s = open()) {
      assertThat(s.reachable()).isTrue();
    }
    try (FleetStore s = open()) {
      assertThat(s.revisions(10)).isEmpty();
    }
    assertThat(appliedMigrations()).containsExactly("1", "2", "3", "4", "5", "6");
  }

  @Test
  void rollouts_runHostsAndEvents_outliveTheStore_andASaveReplacesTheRolloutsHosts() {
    var run = new FleetStore.RolloutRun("web", "sha256:" + "1".repeat(64), "{\"halted\":false}", T0);
    var a = new FleetStore.RolloutHost("web-01", "web", "sha256:" + "1".repeat(64), "quay.io/x@sha256:" + "0".repeat(64),
        false, null, List.of(), "PENDING");
    var b = new FleetStore.RolloutHost("web-02", "web", "sha256:" + "1".repeat(64), null, true, T0.plusSeconds(5),
        List.of("sha256:" + "2".repeat(64), "sha256:" + "3".repeat(64)), "REBOOTING");
    try (FleetStore s = open()) {
      assertThat(s.rolloutRuns()).isEmpty();
      s.saveRollout(run, List.of(a, b), List.of(
          new FleetStore.RolloutEvent("web", null, "main@sha1:1", "started", "git", "a run", T0),
          new FleetStore.RolloutEvent("web", "web-02", "main@sha1:1", "reboot", "server", "may reboot", T0.plusSeconds(5))));
    }
    try (FleetStore s = open()) {
      assertThat(s.rolloutRuns()).containsOnlyKeys("web");
      assertThat(s.rolloutRuns().get("web")).usingRecursiveComparison().ignoringFields("version").isEqualTo(run);
      assertThat(s.rolloutHosts()).containsOnlyKeys("web-01", "web-02");
      assertThat(s.rolloutHosts().get("web-01")).isEqualTo(a);
      assertThat(s.rolloutHosts().get("web-02")).isEqualTo(b);
      assertThat(s.rolloutEvents("web", 1)).extracting(FleetStore.RolloutEvent::type).containsExactly("reboot");
      assertThat(s.rolloutEvents("web", 10).get(1).host()).isNull();
      assertThat(s.events("web-02", 10)).singleElement().isEqualTo(new FleetStore.Event("web-02", "main@sha1:1",
          "rollout", "web reboot: may reboot (server)", T0.plusSeconds(5))); // in the host's own timeline
      var paused = new FleetStore.RolloutRun("web", run.target(), "{\"paused\":true}", T0);
      s.saveRollout(paused, List.of(b), List.of());
      assertThat(s.rolloutRuns().get("web")).usingRecursiveComparison().ignoringFields("version").isEqualTo(paused);
      assertThat(s.rolloutHosts()).containsOnlyKeys("web-02"); // web-01 left the rollout
      assertThat(s.rolloutEvents("web", 10)).hasSize(2);
      assertThat(s.rolloutEvents("other", 10)).isEmpty();
    }
  }

  @Test
  void saveRolloutChanges_replacesTheChangedRecords_andKeepsTheOthers() {
    var run = new FleetStore.RolloutRun("web", "sha256:" + "1".repeat(64), "{}", T0);
    var a = new FleetStore.RolloutHost("web-01", "web", "sha256:" + "1".repeat(64), null, false, null, List.of(),
        "PENDING");
    var b = new FleetStore.RolloutHost("web-02", "web", "sha256:" + "1".repeat(64), null, false, null, List.of(),
        "PENDING");
    var b2 = new FleetStore.RolloutHost("web-02", "web", "sha256:" + "1".repeat(64), null, true, T0, List.of(),
        "REBOOTING");
    var halted = new FleetStore.RolloutRun("web", run.target(), "{\"halted\":true}", T0);
    try (FleetStore s = open()) {
      s.saveRollout(run, List.of(a, b), List.of());
      s.saveRolloutChanges(halted, List.of(b2), List.of(
          new FleetStore.RolloutEvent("web", "web-02", "main@sha1:1", "reboot", "server", "may reboot", T0)));
    }
    try (FleetStore s = open()) {
      assertThat(s.rolloutRuns()).containsOnlyKeys("web");
      assertThat(s.rolloutRuns().get("web")).usingRecursiveComparison().ignoringFields("version").isEqualTo(halted);
      assertThat(s.rolloutHosts()).containsExactly(java.util.Map.entry("web-01", a), java.util.Map.entry("web-02", b2));
      assertThat(s.rolloutEvents("web", 10)).extracting(FleetStore.RolloutEvent::type).containsExactly("reboot");
      s.saveRolloutChanges(halted, List.of(), List.of());
      assertThat(s.rolloutHosts()).hasSize(2);
    }
  }

  @Test
  void rolloutSaves_areBasedOnAVersion_andAStaleOneWritesNothing() {
    var host = new FleetStore.RolloutHost("web-01", "web", "sha256:" + "1".repeat(64), null, false, null, List.of(),
        "PENDING");
    var told = new FleetStore.RolloutHost("web-01", "web", "sha256:" + "1".repeat(64), null, true, T0,
        List.of("sha256:" + "1".repeat(64)), "REJECTED");
    try (FleetStore s = open()) {
      assertThat(s.saveRollout(new FleetStore.RolloutRun("web", "t", "{}", T0, 0), List.of(host), List.of())).isTrue();
      assertThat(s.rolloutRuns().get("web").version()).isEqualTo(1);
      // replica A, based on version 1, rejects and tells web-01 to roll back
      assertThat(s.saveRolloutChanges(new FleetStore.RolloutRun("web", "t", "{\"halted\":true}", T0, 1),
          List.of(told), List.of())).isTrue();
      // replica B decided on version 1 too, from its older memory: refused, nothing written
      assertThat(s.saveRolloutChanges(new FleetStore.RolloutRun("web", "t", "{}", T0, 1), List.of(host), List.of(
          new FleetStore.RolloutEvent("web", "web-01", "main@sha1:1", "stage", "server", "may stage", T0)))).isFalse();
      assertThat(s.saveRollout(new FleetStore.RolloutRun("web", "t", "{}", T0, 1), List.of(host), List.of()))
          .isFalse();
      assertThat(s.rolloutRuns().get("web").state()).isEqualTo("{\"halted\":true}");
      assertThat(s.rolloutRuns().get("web").version()).isEqualTo(2);
      assertThat(s.rolloutHosts().get("web-01")).isEqualTo(told);
      assertThat(s.rolloutEvents("web", 10)).isEmpty();
      // based on what it reads again, B's next save is taken
      assertThat(s.saveRolloutChanges(new FleetStore.RolloutRun("web", "t", "{\"halted\":true}", T0, 2), List.of(),
          List.of())).isTrue();
    }
  }

  @Test
  void events_newestFirst_perHostAndLimited() {
    try (FleetStore s = open()) {
      s.addEvents(List.of(
          new FleetStore.Event("web-01", "main@sha1:1", "status", "first", T0),
          new FleetStore.Event("db-01", "main@sha1:1", "status", "other host", T0),
          new FleetStore.Event("web-01", "main@sha1:2", "target", "second ü", T0.plusSeconds(1)),
          new FleetStore.Event("web-01", "main@sha1:2", "status", "x".repeat(5000), T0.plusSeconds(2))));
      s.addEvents(List.of());
    }
    try (FleetStore s = open()) {
      var events = s.events("web-01", 2);
      assertThat(events).extracting(FleetStore.Event::type).containsExactly("status", "target");
      assertThat(events.get(0).message()).hasSize(EventRepository.MAX_MESSAGE);
      assertThat(events.get(1)).isEqualTo(new FleetStore.Event("web-01", "main@sha1:2", "target", "second ü",
          T0.plusSeconds(1)));
      assertThat(s.events("db-01", 10)).hasSize(1);
      assertThat(s.events("none", 10)).isEmpty();
      assertThat(s.latestEvents("status")).containsOnlyKeys("db-01", "web-01");
      assertThat(s.latestEvents("status").get("web-01").at()).isEqualTo(T0.plusSeconds(2));
      assertThat(s.latestEvents("target")).containsOnlyKeys("web-01");
      assertThat(s.latestEvents("target").get("web-01").message()).isEqualTo("second ü");
    }
  }

  @Test
  void reports_areThere_afterTheStoreIsOpenedAgain() {
    try (FleetStore s = open()) {
      s.saveReport(new StatusReport("web-01", "{\"a\":1}", null, null), T0);
      s.saveReport(new StatusReport("web-01", "{\"a\":2}", "{\"e\":1}", null), T0.plusSeconds(1));
      s.saveReport(new StatusReport("db-01", "{\"b\":1}", null, "{\"kind\":\"AgentReport\"}"), T0);
      s.recordRevision(new FleetStore.Revision("main@sha1:1", FleetStore.Revision.SERVED, List.of(), T0));
      s.recordRevision(new FleetStore.Revision("main@sha1:2", FleetStore.Revision.STALLED, List.of("a: x", "b: y"), T0));
    }
    try (FleetStore s = open()) {
      var reports = s.reports();
      assertThat(reports).containsOnlyKeys("db-01", "web-01");
      assertThat(reports.get("web-01").report()).isEqualTo(new StatusReport("web-01", "{\"a\":2}", "{\"e\":1}", null));
      assertThat(reports.get("web-01").at()).isEqualTo(T0.plusSeconds(1));
      assertThat(s.report("web-01")).contains(reports.get("web-01"));
      assertThat(s.report("db-01")).contains(reports.get("db-01"));
      assertThat(s.report("none")).isEmpty();
      assertThat(s.servedRevision().orElseThrow().revision()).isEqualTo("main@sha1:1");
      assertThat(s.revisions(10).get(0).errors()).containsExactly("a: x", "b: y");
    }
  }

  @Test
  void revisions_keepTheHostsTheyChanged_afterTheStoreIsOpenedAgain() {
    try (FleetStore s = open()) {
      s.recordRevision(new FleetStore.Revision("main@sha1:1", FleetStore.Revision.SERVED, List.of(), T0));
      s.recordRevision(new FleetStore.Revision("main@sha1:2", FleetStore.Revision.SERVED, List.of(), T0,
          java.util.Optional.of(List.of("web-02", "db-01", "web-01"))));
      s.recordRevision(new FleetStore.Revision("main@sha1:3", FleetStore.Revision.SERVED, List.of(), T0,
          java.util.Optional.of(List.of())));
      s.recordRevision(new FleetStore.Revision("main@sha1:4", FleetStore.Revision.STALLED, List.of("a: x"), T0));
    }
    try (FleetStore s = open()) {
      List<FleetStore.Revision> r = s.revisions(10);
      assertThat(r).extracting(FleetStore.Revision::revision)
          .containsExactly("main@sha1:4", "main@sha1:3", "main@sha1:2", "main@sha1:1");
      assertThat(r.get(0).hostsChanged()).as("a stalled revision changed nothing known").isEmpty();
      assertThat(r.get(1).hostsChanged()).as("known to change no host").contains(List.of());
      assertThat(r.get(2).hostsChanged()).as("sorted").contains(List.of("db-01", "web-01", "web-02"));
      assertThat(r.get(3).hostsChanged()).as("not known").isEmpty();
      assertThat(s.servedRevision().orElseThrow().hostsChanged()).contains(List.of());
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "the right host in time, web-01, 60, true",
      "another host, db-01, 60, false",
      "an expired enrollment, web-01, -1, false"})
  void exchange_burnsTheEnrollment_onlyForItsHostInTime(String what, String host, long ttl, boolean ok) {
    try (FleetStore s = open()) {
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
    try (FleetStore s = open()) {
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

  @Test
  void revokeOperator_removesThatOne_butNeverTheLast() {
    try (FleetStore s = open()) {
      s.addCredential(new Credential("1".repeat(64), Tokens.Kind.OPERATOR, null, null, T0));
      s.addCredential(new Credential("2".repeat(64), Tokens.Kind.OPERATOR, null, null, T0.plusSeconds(1)));
      s.addCredential(new Credential("a".repeat(64), Tokens.Kind.HOST, "web-01", null, T0));
      assertThat(s.operators()).extracting(Credential::hash).containsExactly("1".repeat(64), "2".repeat(64));
      assertThat(s.revokeOperator("a".repeat(64))).isFalse(); // a host's credential is not an operator's
      assertThat(s.credential("a".repeat(64))).isPresent();
      assertThat(s.revokeOperator("1".repeat(64))).isTrue();
      assertThat(s.revokeOperator("1".repeat(64))).isFalse();
      assertThat(s.revokeOperator("2".repeat(64))).isFalse(); // the last one
      assertThat(s.operators()).extracting(Credential::hash).containsExactly("2".repeat(64));
      assertThat(s.hasOperator()).isTrue();
    }
  }

  @Test
  void revokeOperator_atOnceOfTheLastTwo_leavesOne() throws Exception {
    try (FleetStore s = open(); var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
      String kept = "0".repeat(64);
      s.addCredential(new Credential(kept, Tokens.Kind.OPERATOR, null, null, T0));
      for (int round = 1; round <= 10; round++) {
        String added = String.format("%064x", round);
        s.addCredential(new Credential(added, Tokens.Kind.OPERATOR, null, null, T0));
        var go = new java.util.concurrent.CountDownLatch(1);
        String a = kept;
        var first = pool.submit(() -> {
          go.await();
          return s.revokeOperator(a);
        });
        var second = pool.submit(() -> {
          go.await();
          return s.revokeOperator(added);
        });
        go.countDown();
        assertThat(first.get() ^ second.get()).as("round %d: exactly one revoked", round).isTrue();
        assertThat(s.operators()).hasSize(1);
        kept = s.operators().getFirst().hash();
      }
    }
  }

  /** One taker's try at a slot through the pure leases, as the server's service does it. */
  static RebootLeases.Outcome take(FleetStore s, String holder, String group, int slots, Instant now) {
    return s.changeLeases(stored -> {
      Map<String, RebootLeases.Lease> held = new LinkedHashMap<>();
      stored.held().forEach(l -> held.put(l.holder(), new RebootLeases.Lease(l.holder(), l.group(), l.token(),
          l.granted(), l.expires())));
      RebootLeases.Outcome o = new RebootLeases(Duration.ofMinutes(5), Map.of(), slots, held, stored.lastToken())
          .acquire(holder, group, now);
      List<FleetStore.Lease> rows = o.leases().held().values().stream().map(l -> new FleetStore.Lease(l.holder(),
          l.group(), l.token(), l.grantedAt(), l.expiresAt())).toList();
      return new FleetStore.LeaseChange<>(new FleetStore.Leases(rows, o.leases().lastToken()), o);
    });
  }

  /**
   * Takers at once on {@code stores} (one store's pool, or two replicas on one database): each round, 8
   * hosts race for a group of {@code slots}; exactly that many are granted, each with its own token.
   */
  static void concurrentTakers_neverGrantOneSlotTwice(List<FleetStore> stores, int slots) throws Exception {
    int takers = 8;
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(takers)) {
      for (int round = 1; round <= 10; round++) {
        String group = "g" + round;
        var go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<RebootLeases.Outcome>> tries = new java.util.ArrayList<>();
        for (int i = 0; i < takers; i++) {
          FleetStore s = stores.get(i % stores.size());
          String holder = "r" + round + "-host-" + i;
          tries.add(pool.submit(() -> {
            go.await();
            return take(s, holder, group, slots, T0);
          }));
        }
        go.countDown();
        List<Long> tokens = new java.util.ArrayList<>();
        for (var t : tries) {
          if (t.get() instanceof RebootLeases.Granted g) {
            tokens.add(g.lease().token());
          }
        }
        assertThat(tokens).as("round %d: granted", round).hasSize(slots).doesNotHaveDuplicates();
        assertThat(stores.getFirst().leases().held()).filteredOn(l -> l.group().equals(group)).hasSize(slots);
      }
      assertThat(stores.getFirst().leases().lastToken()).isEqualTo(10L * slots);
    }
  }

  @ParameterizedTest
  @CsvSource({"1", "3"})
  void changeLeases_concurrentTakers_getExactlyTheSlots(int slots) throws Exception {
    try (FleetStore s = open()) {
      concurrentTakers_neverGrantOneSlotTwice(List.of(s), slots);
    }
  }

  @Test
  void leases_outliveTheStore_andTokensOnlyGrow() {
    try (FleetStore s = open()) {
      assertThat(s.leases()).isEqualTo(new FleetStore.Leases(List.of(), 0));
      assertThat(take(s, "web-01", "web", 1, T0)).isInstanceOf(RebootLeases.Granted.class);
    }
    try (FleetStore s = open()) {
      assertThat(s.leases().held()).containsExactly(new FleetStore.Lease("web-01", "web", 1, T0,
          T0.plus(Duration.ofMinutes(5))));
      assertThat(take(s, "web-02", "web", 1, T0.plusSeconds(1))).isInstanceOf(RebootLeases.Full.class);
      // expired: the slot is free, and the new holder's token is larger than any before it
      var later = take(s, "web-02", "web", 1, T0.plus(Duration.ofMinutes(6)));
      assertThat(later).isInstanceOfSatisfying(RebootLeases.Granted.class, g -> assertThat(g.lease().token())
          .isEqualTo(2));
      assertThat(s.leases().held()).extracting(FleetStore.Lease::holder).containsExactly("web-02");
      String unchanged = s.changeLeases(stored -> new FleetStore.LeaseChange<>(null, "read only"));
      assertThat(unchanged).isEqualTo("read only");
      assertThat(s.leases().lastToken()).isEqualTo(2);
    }
  }
}
