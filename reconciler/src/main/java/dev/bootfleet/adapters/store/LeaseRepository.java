package dev.bootfleet.adapters.store;

import dev.bootfleet.core.port.FleetStore.Lease;
import dev.bootfleet.core.port.FleetStore.Leases;
import java.time.Instant;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Reboot leases (V4): the holders' rows and the one row of the largest token. {@link #lock} takes that row
 * for update first, so every change of the leases runs after the one before it, on any replica.
 */
final class LeaseRepository {
  static final String LOCK = "SELECT last_token FROM reboot_lease_tokens WHERE id = 1 FOR UPDATE";
  static final String LAST = "SELECT last_token FROM reboot_lease_tokens WHERE id = 1";
  static final String ALL = "SELECT holder, lease_group, token, granted_ms, expires_ms FROM reboot_leases"
      + " ORDER BY token";
  static final String CLEAR = "DELETE FROM reboot_leases";
  static final String INSERT = "INSERT INTO reboot_leases (holder, lease_group, token, granted_ms, expires_ms)"
      + " VALUES (:holder, :group, :token, :granted, :expires)";
  static final String SET_LAST = "UPDATE reboot_lease_tokens SET last_token = :last WHERE id = 1";

  private LeaseRepository() {}

  /** In its caller's transaction: locks the leases until it ends, and reads them. */
  static Leases lock(Handle h) {
    long last = h.createQuery(LOCK).mapTo(Long.class).one();
    return new Leases(rows(h), last);
  }

  static Leases read(Handle h) {
    long last = h.createQuery(LAST).mapTo(Long.class).one();
    return new Leases(rows(h), last);
  }

  /** Replaces the leases (a few rows per group: rewriting them is simpler than a diff, and as cheap). */
  static void write(Handle h, Leases next) {
    h.createUpdate(CLEAR).execute();
    if (!next.held().isEmpty()) {
      PreparedBatch b = h.prepareBatch(INSERT);
      for (Lease l : next.held()) {
        b.bind("holder", l.holder()).bind("group", l.group()).bind("token", l.token())
            .bind("granted", l.granted().toEpochMilli()).bind("expires", l.expires().toEpochMilli()).add();
      }
      b.execute();
    }
    h.createUpdate(SET_LAST).bind("last", next.lastToken()).execute();
  }

  private static java.util.List<Lease> rows(Handle h) {
    return h.createQuery(ALL).map((rs, ctx) -> new Lease(rs.getString("holder"), rs.getString("lease_group"),
        rs.getLong("token"), Instant.ofEpochMilli(rs.getLong("granted_ms")),
        Instant.ofEpochMilli(rs.getLong("expires_ms")))).list();
  }
}
