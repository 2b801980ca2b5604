package dev.bootfleet.adapters.store;

import dev.bootfleet.core.port.FleetStore.Event;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** Each host's timeline: what happened to it, at which revision. */
final class EventRepository {
  static final String INSERT = "INSERT INTO host_events (host, revision, type, message, at_ms)"
      + " VALUES (:host, :revision, :type, :message, :at)";
  static final String OF_HOST = "SELECT host, revision, type, message, at_ms FROM host_events WHERE host = :host"
      + " ORDER BY id DESC";
  static final int MAX_MESSAGE = 4000;

  private EventRepository() {}

  static void insert(Handle h, List<Event> events) {
    var batch = h.prepareBatch(INSERT);
    for (Event e : events) {
      String m = e.message().length() > MAX_MESSAGE ? e.message().substring(0, MAX_MESSAGE) : e.message();
      batch.bind("host", e.host()).bind("revision", e.revision()).bind("type", e.type()).bind("message", m)
          .bind("at", e.at().toEpochMilli()).add();
    }
    if (!events.isEmpty()) {
      batch.execute();
    }
  }

  static List<Event> ofHost(Handle h, String host, int limit) {
    return h.createQuery(OF_HOST).bind("host", host).setMaxRows(limit).map((rs, ctx) -> new Event(
        rs.getString("host"), rs.getString("revision"), rs.getString("type"), rs.getString("message"),
        Instant.ofEpochMilli(rs.getLong("at_ms")))).list();
  }
}
