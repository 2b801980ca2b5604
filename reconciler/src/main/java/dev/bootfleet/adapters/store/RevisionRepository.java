package dev.bootfleet.adapters.store;

import dev.bootfleet.core.port.FleetStore.Revision;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The revisions the server loaded. Each error is one line; they are kept joined by line breaks. */
final class RevisionRepository {
  static final String INSERT = "INSERT INTO revisions (revision, state, errors, at_ms) VALUES (:revision, :state, :errors, :at)";
  static final String NEWEST = "SELECT revision, state, errors, at_ms FROM revisions ORDER BY id DESC";
  static final String SERVED = "SELECT revision, state, errors, at_ms FROM revisions WHERE state = 'served' ORDER BY id DESC";

  private RevisionRepository() {}

  static void insert(Handle h, Revision r) {
    h.createUpdate(INSERT).bind("revision", r.revision()).bind("state", r.state())
        .bind("errors", String.join("\n", r.errors())).bind("at", r.at().toEpochMilli()).execute();
  }

  static Optional<Revision> served(Handle h) {
    return h.createQuery(SERVED).setMaxRows(1).map((rs, ctx) -> row(rs)).findFirst();
  }

  static List<Revision> newest(Handle h, int limit) {
    return h.createQuery(NEWEST).setMaxRows(limit).map((rs, ctx) -> row(rs)).list();
  }

  private static Revision row(java.sql.ResultSet rs) throws java.sql.SQLException {
    String errors = rs.getString("errors");
    return new Revision(rs.getString("revision"), rs.getString("state"),
        errors.isEmpty() ? List.of() : List.of(errors.split("\n")), Instant.ofEpochMilli(rs.getLong("at_ms")));
  }
}
