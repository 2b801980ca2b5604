package dev.bootfleet.adapters.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.core.port.FleetStore;
import dev.bootfleet.testing.PostgresServer;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store's contract on PostgreSQL 15, a real server started once for the class, with a new database
 * for each test: the same migrations and SQL as on H2.
 */
class SqlFleetStorePostgresTest extends FleetStoreContract {
  static PostgresServer pg;
  String url;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  @BeforeEach
  void newDatabase() {
    url = pg.newDatabase();
  }

  @Override
  FleetStore open() {
    return SqlFleetStore.open(new SqlFleetStore.Database(url, PostgresServer.USER, pg.password()));
  }

  @Test
  void open_isOneLineWithoutThePassword_whenThePasswordIsWrong() {
    assertThatThrownBy(() -> SqlFleetStore.open(new SqlFleetStore.Database(url, PostgresServer.USER, "wrong-hunter2")))
        .isInstanceOf(SqlFleetStore.Unavailable.class)
        .hasMessageStartingWith("cannot connect (")
        .hasMessageContaining("password authentication failed")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2", "\n"));
  }

  @Override
  List<String> appliedMigrations() {
    return Jdbi.create(url, PostgresServer.USER, pg.password()).withHandle(h -> h
        .createQuery("SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank")
        .mapTo(String.class).list());
  }
}
