package dev.bootfleet.adapters.store;

import dev.bootfleet.core.port.FleetStore;
import java.nio.file.Path;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;

/** The store's contract on the embedded engine: a real H2 file in a new data folder per test. */
class SqlFleetStoreTest extends FleetStoreContract {
  @TempDir
  Path data;

  @Override
  FleetStore open() {
    return SqlFleetStore.embedded(data);
  }

  @Override
  List<String> appliedMigrations() {
    return Jdbi.create("jdbc:h2:file:" + data.toAbsolutePath().resolve("store"), "sa", "").withHandle(h -> h
        .createQuery("SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" AND \"version\" IS NOT NULL ORDER BY \"installed_rank\"")
        .mapTo(String.class).list());
  }
}
