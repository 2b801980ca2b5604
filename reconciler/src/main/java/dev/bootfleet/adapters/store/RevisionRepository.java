package dev.bootfleet.adapters.store;

import dev.bootfleet.core.port.FleetStore.Revision;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The revisions the server loaded. Each error is one line; they are kept joined by line breaks. The hosts a
 * served revision changed are rows of {@code revision_hosts} (V5), {@code hosts_known} saying whether they are.
 */
final class RevisionRepository {
  static final String INSERT = "INSERT INTO revisions (revision, state, errors, at_ms, hosts_known)"
      + " VALUES (:revision, :state, :errors, :at, :known)";
  static final String INSERT_HOST = "INSERT INTO revision_hosts (revision_id, host) VALUES (:id, :host)";
  static final String COLUMNS = "SELECT id, revision, state, errors, at_ms, hosts_known FROM revisions";
  static final String NEWEST = COLUMNS + " ORDER BY id DESC";
  static final String SERVED = COLUMNS + " WHERE state = 'served' ORDER BY id DESC";
  static final String HOSTS = "SELECT host FROM revision_hosts WHERE revision_id = :id ORDER BY host";

  private RevisionRepository() {}

  /** A row read before its hosts are. */
  private record Row(long id, Revision revision, boolean known) {}

  static void insert(Handle h, Revision r) {
    long id = h.createUpdate(INSERT).bind("revision", r.revision()).bind("state", r.state())
        .bind("errors", String.join("\n", r.errors())).bind("at", r.at().toEpochMilli())
        .bind("known", r.hostsChanged().isPresent()).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    List<String> hosts = r.hostsChanged().orElse(List.of());
    if (!hosts.isEmpty()) {
      PreparedBatch b = h.prepareBatch(INSERT_HOST);
      for (String host : new java.util.TreeSet<>(hosts)) {
        b.bind("id", id).bind("host", host).add();
      }
      b.execute();
    }
  }

  static Optional<Revision> served(Handle h) {
    return h.createQuery(SERVED).setMaxRows(1).map((rs, ctx) -> row(rs)).findFirst().map(r -> withHosts(h, r));
  }

  static List<Revision> newest(Handle h, int limit) {
    return h.createQuery(NEWEST).setMaxRows(limit).map((rs, ctx) -> row(rs)).list().stream()
        .map(r -> withHosts(h, r)).toList();
  }

  private static Revision withHosts(Handle h, Row r) {
    if (!r.known()) {
      return r.revision();
    }
    List<String> hosts = h.createQuery(HOSTS).bind("id", r.id()).mapTo(String.class).list();
    Revision x = r.revision();
    return new Revision(x.revision(), x.state(), x.errors(), x.at(), Optional.of(hosts));
  }

  private static Row row(java.sql.ResultSet rs) throws java.sql.SQLException {
    String errors = rs.getString("errors");
    return new Row(rs.getLong("id"), new Revision(rs.getString("revision"), rs.getString("state"),
        errors.isEmpty() ? List.of() : List.of(errors.split("\n")), Instant.ofEpochMilli(rs.getLong("at_ms"))),
        rs.getBoolean("hosts_known"));
  }
}
