package dev.bootfleet.adapters.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.core.port.ChangeFeed;
import dev.bootfleet.core.port.FleetStore;
import dev.bootfleet.testing.PostgresExtension;
import dev.bootfleet.testing.PostgresServer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store's contract on PostgreSQL 15, a real server started once for the class, with a new database
 * for each test: the same migrations and SQL as on H2.
 */
class SqlFleetStorePostgresTest extends FleetStoreContract {
  @RegisterExtension
  static final PostgresExtension PG = new PostgresExtension();
  String url;

  @BeforeEach
  void newDatabase() {
    url = PG.server().newDatabase();
  }

  @Override
  FleetStore open() {
    return SqlFleetStore.open(new SqlFleetStore.Database(url, PostgresServer.USER, PG.server().password()));
  }

  @Test
  void changeLeases_twoReplicasAtOnce_neverGrantOneSlotTwice() throws Exception {
    try (FleetStore one = open(); FleetStore two = open()) {
      concurrentTakers_neverGrantOneSlotTwice(List.of(one, two), 1);
    }
  }

  @Test
  void open_isOneLineWithoutThePassword_whenThePasswordIsWrong() {
    assertThatThrownBy(() -> SqlFleetStore.open(new SqlFleetStore.Database(url, PostgresServer.USER, "wrong-hunter2")))
        .isInstanceOf(SqlFleetStore.Unavailable.class)
        .hasMessageStartingWith("cannot connect (")
        .hasMessageContaining("password authentication failed")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2", "\n"));
  }

  @Test
  void migration_createsQuartzTables_fromTheQuartzJar() {
    open().close();
    List<String> tables = Jdbi.create(url, PostgresServer.USER, PG.server().password()).withHandle(h -> h
        .createQuery("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'qrtz%' ORDER BY 1")
        .mapTo(String.class).list());
    assertThat(tables).contains("qrtz_job_details", "qrtz_triggers", "qrtz_simple_triggers", "qrtz_fired_triggers",
        "qrtz_scheduler_state", "qrtz_locks");
  }

  @Test
  void changeFeed_tellsTheOtherReplicas_notItself_andReconnectsAfterALostConnection() throws Exception {
    List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (SqlFleetStore one = (SqlFleetStore) open(); SqlFleetStore two = (SqlFleetStore) open();
        ChangeFeed a = one.changeFeed(log::add); ChangeFeed b = two.changeFeed(log::add)) {
      Heard heardA = new Heard();
      Heard heardB = new Heard();
      a.start(heardA);
      b.start(heardB);
      a.publish(new ChangeFeed.Change(ChangeFeed.Kind.REPORT, "web-01"));
      b.publish(new ChangeFeed.Change(ChangeFeed.Kind.REVISION, "main@sha1:2"));
      assertThat(heardB.changes.poll(30, TimeUnit.SECONDS)).isEqualTo(new ChangeFeed.Change(ChangeFeed.Kind.REPORT, "web-01"));
      assertThat(heardA.changes.poll(30, TimeUnit.SECONDS))
          .isEqualTo(new ChangeFeed.Change(ChangeFeed.Kind.REVISION, "main@sha1:2"));

      // end b's listening session from the server's side: b connects again and says it may have missed changes
      Jdbi.create(PG.server().url("postgres"), PostgresServer.USER, PG.server().password()).useHandle(h -> h.createQuery(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'bootfleet-changes'"
              + " AND datname = :db").bind("db", url.substring(url.lastIndexOf('/') + 1)).mapTo(Boolean.class).list());
      assertThat(heardB.gaps.poll(60, TimeUnit.SECONDS)).isNotNull();
      assertThat(heardA.gaps.poll(60, TimeUnit.SECONDS)).isNotNull();
      a.publish(new ChangeFeed.Change(ChangeFeed.Kind.REPORT, "db-01"));
      assertThat(heardB.changes.poll(30, TimeUnit.SECONDS)).isEqualTo(new ChangeFeed.Change(ChangeFeed.Kind.REPORT, "db-01"));
      assertThat(heardA.changes).isEmpty(); // never its own
    }
    assertThat(log).noneMatch(l -> l.contains(PG.server().password()));
  }

  static final class Heard implements ChangeFeed.Listener {
    final BlockingQueue<ChangeFeed.Change> changes = new LinkedBlockingQueue<>();
    final BlockingQueue<Boolean> gaps = new LinkedBlockingQueue<>();

    @Override
    public void onChange(ChangeFeed.Change change) {
      changes.add(change);
    }

    @Override
    public void onGap() {
      gaps.add(true);
    }
  }

  @Override
  List<String> appliedMigrations() {
    return Jdbi.create(url, PostgresServer.USER, PG.server().password()).withHandle(h -> h
        .createQuery("SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank")
        .mapTo(String.class).list());
  }
}
