package dev.bootfleet.adapters.store;

import dev.bootfleet.core.port.FleetStore.StoredReport;
import dev.bootfleet.core.server.StatusReport;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/** Each host's latest report: its three documents as received, and when. */
final class ReportRepository {
  // An update, then an insert when there was no row: plain SQL for H2 and PostgreSQL alike (no MERGE or
  // ON CONFLICT, which each spells its own way).
  static final String UPDATE = "UPDATE host_reports SET status_doc = :status, etc_doc = :etc, agent_doc = :agent,"
      + " at_ms = :at WHERE host = :host";
  static final String INSERT = "INSERT INTO host_reports (host, status_doc, etc_doc, agent_doc, at_ms)"
      + " VALUES (:host, :status, :etc, :agent, :at)";
  static final String ALL = "SELECT host, status_doc, etc_doc, agent_doc, at_ms FROM host_reports";

  private ReportRepository() {}

  static void save(Handle h, StatusReport r, Instant at) {
    int n = h.createUpdate(UPDATE).bind("host", r.host()).bind("status", r.status()).bind("etc", r.etc())
        .bind("agent", r.agent()).bind("at", at.toEpochMilli()).execute();
    if (n == 0) {
      h.createUpdate(INSERT).bind("host", r.host()).bind("status", r.status()).bind("etc", r.etc())
          .bind("agent", r.agent()).bind("at", at.toEpochMilli()).execute();
    }
  }

  static Map<String, StoredReport> all(Handle h) {
    Map<String, StoredReport> out = new TreeMap<>();
    h.createQuery(ALL).map(ReportRepository::row).forEach(r -> out.put(r.report().host(), r));
    return out;
  }

  static Optional<StoredReport> one(Handle h, String host) {
    return h.createQuery(ALL + " WHERE host = :host").bind("host", host).map(ReportRepository::row).findOne();
  }

  private static StoredReport row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
      throws java.sql.SQLException {
    return new StoredReport(new StatusReport(rs.getString("host"), rs.getString("status_doc"), rs.getString("etc_doc"),
        rs.getString("agent_doc")), Instant.ofEpochMilli(rs.getLong("at_ms")));
  }
}
