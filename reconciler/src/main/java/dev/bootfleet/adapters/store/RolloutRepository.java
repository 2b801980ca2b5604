package dev.bootfleet.adapters.store;

import dev.bootfleet.core.port.FleetStore.RolloutEvent;
import dev.bootfleet.core.port.FleetStore.RolloutHost;
import dev.bootfleet.core.port.FleetStore.RolloutRun;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/** Rollouts' runs, their hosts' records and their timelines (V3). */
final class RolloutRepository {
  static final int MAX_MESSAGE = 4000;

  private RolloutRepository() {}

  static Map<String, RolloutRun> runs(Handle h) {
    Map<String, RolloutRun> out = new TreeMap<>();
    h.createQuery("SELECT rollout, target, state_doc, at_ms, version FROM rollout_runs")
        .map((rs, ctx) -> new RolloutRun(rs.getString("rollout"), rs.getString("target"), rs.getString("state_doc"),
            Instant.ofEpochMilli(rs.getLong("at_ms")), rs.getLong("version")))
        .forEach(r -> out.put(r.rollout(), r));
    return out;
  }

  static Map<String, RolloutHost> hosts(Handle h) {
    Map<String, RolloutHost> out = new TreeMap<>();
    h.createQuery("SELECT host, rollout, desired, keep_ref, released, granted_ms, rollback_told, phase FROM rollout_hosts")
        .map((rs, ctx) -> host(rs)).forEach(x -> out.put(x.host(), x));
    return out;
  }

  private static RolloutHost host(ResultSet rs) throws SQLException {
    long granted = rs.getLong("granted_ms");
    Instant at = rs.wasNull() ? null : Instant.ofEpochMilli(granted);
    String told = rs.getString("rollback_told");
    return new RolloutHost(rs.getString("host"), rs.getString("rollout"), rs.getString("desired"),
        rs.getString("keep_ref"), rs.getBoolean("released"), at,
        told.isEmpty() ? List.of() : Arrays.asList(told.split(",")), rs.getString("phase"));
  }

  static boolean save(Handle h, RolloutRun run, List<RolloutHost> hosts, List<RolloutEvent> events) {
    long stored = lockedVersion(h, run);
    if (stored < 0) {
      return false;
    }
    h.createUpdate("DELETE FROM rollout_hosts WHERE rollout = :r").bind("r", run.rollout()).execute();
    write(h, run, stored, hosts, events);
    return true;
  }

  /**
   * Takes the lock ({@link #lockSaves}) and reads the stored run's version; -1 when it moved on from the version
   * {@code run} was decided on. Two replicas deciding one rollout at once would otherwise each write what it held,
   * and one could drop the other's rejection (RolloutChaosIT on PostgreSQL). Under the lock the answer holds until
   * the transaction ends.
   */
  private static long lockedVersion(Handle h, RolloutRun run) {
    lockSaves(h);
    long stored = h.createQuery("SELECT version FROM rollout_runs WHERE rollout = :r").bind("r", run.rollout())
        .mapTo(Long.class).findOne().orElse(0L);
    return run.version() == RolloutRun.UNCONDITIONAL || stored == run.version() ? stored : -1;
  }

  /**
   * One save after another, on any replica: two replicas that fetched the same revision both record its run, and
   * on PostgreSQL two interleaved DELETE-then-INSERTs of one new run collide on its key (found by RolloutChaosIT).
   * The lease lock's row serialises them (a rollout's saves are as rare as its decisions).
   */
  private static void lockSaves(Handle h) {
    h.createQuery(LeaseRepository.LOCK).mapTo(Long.class).findOne();
  }

  /** The run, the records of {@code hosts} (replacing each host's) and the events; the rollout's other records stay. */
  static boolean saveChanges(Handle h, RolloutRun run, List<RolloutHost> hosts, List<RolloutEvent> events) {
    long stored = lockedVersion(h, run);
    if (stored < 0) {
      return false;
    }
    write(h, run, stored, hosts, events);
    return true;
  }

  /** Writes the run as version {@code stored + 1}, the records of {@code hosts} and the events (under the lock). */
  private static void write(Handle h, RolloutRun run, long stored, List<RolloutHost> hosts, List<RolloutEvent> events) {
    h.createUpdate("DELETE FROM rollout_runs WHERE rollout = :r").bind("r", run.rollout()).execute();
    h.createUpdate("INSERT INTO rollout_runs (rollout, target, state_doc, at_ms, version) VALUES (:r, :t, :s, :at,"
        + " :v)").bind("r", run.rollout()).bind("t", run.target()).bind("s", run.state())
        .bind("at", run.at().toEpochMilli()).bind("v", stored + 1).execute();
    if (!hosts.isEmpty()) {
      var b = h.prepareBatch("DELETE FROM rollout_hosts WHERE host = :host");
      hosts.forEach(x -> b.bind("host", x.host()).add());
      b.execute();
      var batch = h.prepareBatch("INSERT INTO rollout_hosts (host, rollout, desired, keep_ref, released, granted_ms,"
          + " rollback_told, phase) VALUES (:host, :rollout, :desired, :keep, :released, :granted, :told, :phase)");
      for (RolloutHost x : hosts) {
        batch.bind("host", x.host()).bind("rollout", x.rollout()).bind("desired", x.desired())
            .bind("keep", x.keepRef()).bind("released", x.released())
            .bind("granted", x.grantedAt() == null ? null : x.grantedAt().toEpochMilli())
            .bind("told", String.join(",", x.rollbackTold())).bind("phase", x.phase()).add();
      }
      batch.execute();
    }
    if (!events.isEmpty()) {
      var batch = h.prepareBatch("INSERT INTO rollout_events (rollout, host, revision, type, who, message, at_ms)"
          + " VALUES (:rollout, :host, :revision, :type, :who, :message, :at)");
      for (RolloutEvent e : events) {
        String m = e.message().length() > MAX_MESSAGE ? e.message().substring(0, MAX_MESSAGE) : e.message();
        batch.bind("rollout", e.rollout()).bind("host", e.host()).bind("revision", e.revision())
            .bind("type", e.type()).bind("who", e.who()).bind("message", m).bind("at", e.at().toEpochMilli()).add();
      }
      batch.execute();
      // a host's own events join its timeline (GET /v1/hosts/{name}), tied to the same revision
      List<dev.bootfleet.core.port.FleetStore.Event> own = events.stream().filter(e -> e.host() != null)
          .map(e -> new dev.bootfleet.core.port.FleetStore.Event(e.host(), e.revision(), TIMELINE_TYPE,
              e.rollout() + " " + e.type() + ": " + e.message() + " (" + e.who() + ")", e.at()))
          .toList();
      EventRepository.insert(h, own);
    }
  }

  /** The type of a rollout's event in its host's timeline. */
  static final String TIMELINE_TYPE = "rollout";

  static List<RolloutEvent> events(Handle h, String rollout, int limit) {
    return h.createQuery("SELECT rollout, host, revision, type, who, message, at_ms FROM rollout_events"
            + " WHERE rollout = :r ORDER BY id DESC").bind("r", rollout).setMaxRows(limit)
        .map((rs, ctx) -> new RolloutEvent(rs.getString("rollout"), rs.getString("host"), rs.getString("revision"),
            rs.getString("type"), rs.getString("who"), rs.getString("message"),
            Instant.ofEpochMilli(rs.getLong("at_ms"))))
        .list();
  }
}
