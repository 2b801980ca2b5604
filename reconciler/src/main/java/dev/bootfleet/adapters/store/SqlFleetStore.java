package dev.bootfleet.adapters.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.bootfleet.core.port.FleetStore;
import dev.bootfleet.core.server.StatusReport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.Jdbi;

/**
 * The store behind {@link FleetStore}: a pooled JDBC database (HikariCP), its schema migrated by Flyway
 * from {@code db/migration}, queried with Jdbi, one small repository class per thing stored. The embedded
 * form is an H2 file under the server's data folder with {@code WRITE_DELAY=0}: a transaction's changes
 * are written to the file when it commits, before the server answers (ADR 0016).
 */
public final class SqlFleetStore implements FleetStore {
  private final Database db;
  private final HikariDataSource pool;
  private final Jdbi jdbi;

  private SqlFleetStore(Database db, HikariDataSource pool) {
    this.db = db;
    this.pool = pool;
    this.jdbi = Jdbi.create(pool);
  }

  /**
   * A database server to keep the store in: its JDBC URL (which carries no password), the user, and the
   * password (null for none). {@link #toString} never shows the password.
   */
  public record Database(String url, String user, String password) {
    @Override
    public String toString() {
      return "Database[url=" + url + ", user=" + user + ", password=" + (password == null ? "none" : "***") + "]";
    }
  }

  /** The embedded store in {@code dataDir} ({@code store.mv.db}), created and migrated when new. */
  public static SqlFleetStore embedded(Path dataDir) {
    String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("store") + ";WRITE_DELAY=0";
    return open(new Database(url, "sa", ""));
  }

  /**
   * The store in a database server ({@code jdbc:postgresql://…}), migrated by the same Flyway migrations as
   * the embedded store; the database must exist and {@code db.user()} must be allowed to create tables in it.
   */
  public static SqlFleetStore open(Database db) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(db.url());
    c.setUsername(db.user());
    c.setPassword(db.password());
    c.setMaximumPoolSize(10); // the API's requests, and Quartz's few on PostgreSQL
    c.setPoolName("bootfleet-store");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(c);
    } catch (HikariPool.PoolInitializationException e) {
      throw new Unavailable("cannot connect (" + firstLine(e) + ")", e);
    }
    try {
      Flyway.configure().dataSource(pool).locations("classpath:db/migration")
          .javaMigrations(new V2__Quartz_tables()).load().migrate();
    } catch (FlywayException e) {
      pool.close();
      throw new Unavailable("cannot migrate the store's schema (" + firstLine(e) + ")", e);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new SqlFleetStore(db, pool);
  }

  /** Whether the store is in PostgreSQL, where replicas can share it (ADR 0018). */
  public boolean shared() {
    return db.url().startsWith("jdbc:postgresql:");
  }

  /** The pool, for Quartz's clustered job store on the same database ({@link #shared} only). */
  public javax.sql.DataSource dataSource() {
    return pool;
  }

  /** How the replicas on this database tell each other of changes: LISTEN/NOTIFY, or none when embedded. */
  public dev.bootfleet.core.port.ChangeFeed changeFeed(java.util.function.Consumer<String> log) {
    return shared() ? new PgChangeFeed(db, jdbi, log) : dev.bootfleet.core.port.ChangeFeed.NONE;
  }

  /** The store cannot be opened: its message is one line for the user (the database's own words, no secret). */
  public static final class Unavailable extends RuntimeException {
    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The first line of the innermost cause's message: what the driver or the server said. */
  static String firstLine(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t && t.getCause().getMessage() != null) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }

  @Override
  public void recordRevision(Revision r) {
    jdbi.useTransaction(h -> RevisionRepository.insert(h, r));
  }

  @Override
  public Optional<Revision> servedRevision() {
    return jdbi.withHandle(RevisionRepository::served);
  }

  @Override
  public List<Revision> revisions(int limit) {
    return jdbi.withHandle(h -> RevisionRepository.newest(h, limit));
  }

  @Override
  public void saveReport(StatusReport report, Instant at) {
    jdbi.useTransaction(h -> ReportRepository.save(h, report, at));
  }

  @Override
  public Optional<StoredReport> report(String host) {
    return jdbi.withHandle(h -> ReportRepository.one(h, host));
  }

  @Override
  public Map<String, StoredReport> reports() {
    return jdbi.withHandle(ReportRepository::all);
  }

  @Override
  public void addEvents(List<Event> events) {
    jdbi.useTransaction(h -> EventRepository.insert(h, events));
  }

  @Override
  public List<Event> events(String host, int limit) {
    return jdbi.withHandle(h -> EventRepository.ofHost(h, host, limit));
  }

  @Override
  public Map<String, Event> latestEvents(String type) {
    return jdbi.withHandle(h -> EventRepository.latest(h, type));
  }

  @Override
  public Map<String, RolloutRun> rolloutRuns() {
    return jdbi.withHandle(RolloutRepository::runs);
  }

  @Override
  public Map<String, RolloutHost> rolloutHosts() {
    return jdbi.withHandle(RolloutRepository::hosts);
  }

  @Override
  public boolean saveRollout(RolloutRun run, List<RolloutHost> hosts, List<RolloutEvent> events) {
    return jdbi.inTransaction(h -> RolloutRepository.save(h, run, hosts, events));
  }

  @Override
  public boolean saveRolloutChanges(RolloutRun run, List<RolloutHost> changed, List<RolloutEvent> events) {
    return jdbi.inTransaction(h -> RolloutRepository.saveChanges(h, run, changed, events));
  }

  @Override
  public List<RolloutEvent> rolloutEvents(String rollout, int limit) {
    return jdbi.withHandle(h -> RolloutRepository.events(h, rollout, limit));
  }

  @Override
  public void addCredential(Credential c) {
    jdbi.useTransaction(h -> CredentialRepository.insert(h, c));
  }

  @Override
  public Optional<Credential> credential(String hash) {
    return jdbi.withHandle(h -> CredentialRepository.byHash(h, hash));
  }

  @Override
  public boolean exchange(String enrollmentHash, Credential host, Instant now) {
    return jdbi.inTransaction(h -> {
      Optional<Credential> e = CredentialRepository.byHash(h, enrollmentHash);
      if (e.isEmpty() || e.get().kind() != dev.bootfleet.core.server.Tokens.Kind.ENROLLMENT
          || !host.host().equals(e.get().host()) || e.get().expires() != null && !now.isBefore(e.get().expires())) {
        return false;
      }
      // The delete decides: of two exchanges of one token, only the one that deletes the row goes on.
      if (!CredentialRepository.delete(h, enrollmentHash)) {
        return false;
      }
      CredentialRepository.deleteHostTokens(h, host.host());
      CredentialRepository.insert(h, host);
      return true;
    });
  }

  @Override
  public int revokeHost(String host) {
    return jdbi.inTransaction(h -> CredentialRepository.deleteHost(h, host));
  }

  @Override
  public List<Credential> operators() {
    return jdbi.withHandle(CredentialRepository::operators);
  }

  @Override
  public boolean revokeOperator(String hash) {
    return jdbi.inTransaction(h -> CredentialRepository.deleteOperator(h, hash));
  }

  @Override
  public boolean hasOperator() {
    return jdbi.withHandle(CredentialRepository::anyOperator);
  }

  @Override
  public <T> T changeLeases(java.util.function.Function<Leases, LeaseChange<T>> change) {
    return jdbi.inTransaction(h -> {
      LeaseChange<T> c = change.apply(LeaseRepository.lock(h));
      if (c.next() != null) {
        LeaseRepository.write(h, c.next());
      }
      if (!c.events().isEmpty()) {
        EventRepository.insert(h, c.events());
      }
      return c.result();
    });
  }

  @Override
  public Leases leases() {
    return jdbi.withHandle(LeaseRepository::read);
  }

  @Override
  public boolean reachable() {
    try {
      return jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one() == 1);
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
