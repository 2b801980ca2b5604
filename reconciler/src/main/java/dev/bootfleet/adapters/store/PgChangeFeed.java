package dev.bootfleet.adapters.store;

import dev.bootfleet.core.port.ChangeFeed;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * {@link ChangeFeed} on PostgreSQL's LISTEN/NOTIFY (ADR 0018). Publishing is {@code pg_notify} on a pooled
 * connection; hearing is one thread on a connection of its own, blocked in the driver's
 * {@code getNotifications(timeout)} (a socket read, not a busy loop). A payload is {@code REPLICA KIND SUBJECT};
 * a replica drops its own. When the connection breaks, the thread connects again after a backoff and tells
 * the listener {@link Listener#onGap}: notifications sent meanwhile are lost, and the replica reads again.
 */
final class PgChangeFeed implements ChangeFeed {
  static final String CHANNEL = "bootfleet_changes";
  private static final long WAIT_MS = 10_000;
  private static final long MAX_BACKOFF_MS = 10_000;

  private final SqlFleetStore.Database db;
  private final Jdbi jdbi;
  private final Consumer<String> log;
  private final String replica;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final CountDownLatch listening = new CountDownLatch(1);
  private Thread thread;
  /** The listening connection, closed by {@link #close} to end a wait in the driver at once. */
  private volatile Connection connection;

  PgChangeFeed(SqlFleetStore.Database db, Jdbi jdbi, Consumer<String> log) {
    this.db = db;
    this.jdbi = jdbi;
    this.log = log;
    byte[] id = new byte[6];
    new SecureRandom().nextBytes(id);
    this.replica = HexFormat.of().formatHex(id);
  }

  @Override
  public void publish(Change change) {
    String payload = replica + " " + change.kind().name() + " " + change.subject();
    try {
      jdbi.useHandle(h -> h.createQuery("SELECT pg_notify(:channel, :payload)").bind("channel", CHANNEL)
          .bind("payload", payload).mapTo(String.class).findOne());
    } catch (RuntimeException e) {
      log.accept("warning: cannot tell the other replicas of " + change.kind().name().toLowerCase() + " "
          + change.subject() + " (" + SqlFleetStore.firstLine(e) + "); they catch up at their next poll");
    }
  }

  @Override
  public void start(Listener listener) {
    thread = Thread.ofPlatform().daemon().name("bootfleet-change-feed").start(() -> listen(listener));
    try {
      if (!listening.await(WAIT_MS, TimeUnit.MILLISECONDS)) {
        log.accept("warning: not yet listening to the other replicas; changes they make show at the next poll");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void listen(Listener listener) {
    long backoff = 500;
    boolean first = true;
    while (closed.getCount() > 0) {
      try (Connection c = connect(); Statement s = c.createStatement()) {
        connection = c;
        if (closed.getCount() == 0) {
          return;
        }
        s.execute("LISTEN " + CHANNEL);
        listening.countDown();
        if (!first) {
          log.accept("listening to the other replicas again; reading what may have been missed");
          listener.onGap();
        }
        first = false;
        backoff = 500;
        PGConnection pg = c.unwrap(PGConnection.class);
        while (closed.getCount() > 0) {
          PGNotification[] got = pg.getNotifications((int) WAIT_MS);
          if (got != null) {
            for (PGNotification n : got) {
              deliver(listener, n.getParameter());
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed.getCount() == 0) {
          return;
        }
        log.accept("warning: lost the other replicas' changes (" + SqlFleetStore.firstLine(e) + "); listening again in "
            + backoff + " ms");
        first = false;
      }
      try {
        if (closed.await(backoff, TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
  }

  private void deliver(Listener listener, String payload) {
    String[] p = payload.split(" ", 3);
    if (p.length != 3 || p[0].equals(replica)) {
      return;
    }
    Kind kind;
    try {
      kind = Kind.valueOf(p[1]);
    } catch (IllegalArgumentException e) {
      return; // a newer replica's kind of change: it is read at the next poll
    }
    try {
      listener.onChange(new Change(kind, p[2]));
    } catch (RuntimeException e) {
      log.accept("error: cannot take in " + kind.name().toLowerCase() + " " + p[2] + " from another replica: "
          + SqlFleetStore.firstLine(e));
    }
  }

  private Connection connect() throws SQLException {
    Properties props = new Properties();
    if (db.user() != null) {
      props.setProperty("user", db.user());
    }
    if (db.password() != null) {
      props.setProperty("password", db.password());
    }
    props.setProperty("tcpKeepAlive", "true");
    props.setProperty("ApplicationName", "bootfleet-changes");
    return DriverManager.getConnection(db.url(), props);
  }

  @Override
  public void close() {
    closed.countDown();
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // closing to wake the listening thread: it ends either way
      }
    }
    if (thread != null) {
      try {
        thread.join(WAIT_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
