package dev.bootfleet.adapters.store;

import dev.bootfleet.core.port.FleetStore.Event;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/** Each host's timeline: what happened to it, at which revision. */
final class EventRepository {
  static final String INSERT = "INSERT INTO host_events (host, revision, type, message, at_ms)"
      + " VALUES (:host, :revision, :type, :message, :at)";
  static final String OF_HOST = "SELECT host, revision, type, message, at_ms FROM host_events WHERE host = :host"
      + " ORDER BY id DESC";
  static final String LATEST = "SELECT host, revision, type, message, at_ms FROM host_events e WHERE e.type = :type"
      + " AND e.id = (SELECT MAX(m.id) FROM host_events m WHERE m.host = e.host AND m.type = :type)";
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

  static Map<String, Event> latest(Handle h, String type) {
    Map<String, Event> out = new TreeMap<>();
    h.createQuery(LATEST).bind("type", type).map((rs, ctx) -> event(rs)).forEach(e -> out.put(e.host(), e));
    return out;
  }

  static List<Event> ofHost(Handle h, String host, int limit) {
    return h.createQuery(OF_HOST).bind("host", host).setMaxRows(limit).map((rs, ctx) -> event(rs)).list();
  }

  private static Event event(ResultSet rs) throws SQLException {
    return new Event(rs.getString("host"), rs.getString("revision"), rs.getString("type"), rs.getString("message"),
        Instant.ofEpochMilli(rs.getLong("at_ms")));
  }
}
