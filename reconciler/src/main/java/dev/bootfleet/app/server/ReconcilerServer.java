package dev.bootfleet.app.server;

import dev.bootfleet.adapters.git.FleetMirror;
import dev.bootfleet.adapters.http.ApiServer;
import dev.bootfleet.adapters.store.SqlFleetStore;
import dev.bootfleet.adapters.tls.ServerTls;
import dev.bootfleet.core.port.ChangeFeed;
import dev.bootfleet.core.port.FleetStore;
import dev.bootfleet.core.server.Tokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import java.util.function.Consumer;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * {@code bootfleet serve} wired by hand: the store in the data folder, the clone of the fleet repository
 * beside it, the service, the Quartz schedule and the HTTP API. {@link #start} returns once the API
 * listens; the first fetch runs at once on the schedule's thread.
 */
public final class ReconcilerServer implements AutoCloseable {
  static final String OPERATOR_TOKEN = "operator.token";
  private static final JobKey JOB = JobKey.jobKey("git-poll");
  /** How often a replica on a shared database checks in with Quartz, and looks for work when idle. */
  static final long CHECKIN_MS = 2000;
  /**
   * The server's clock ticks in milliseconds, the precision the store keeps times in: a time the API shows
   * is the same before and after a restart, whatever engine the store is on.
   */
  static final Clock CLOCK = Clock.tickMillis(ZoneOffset.UTC);

  /**
   * What {@code bootfleet serve} was given.
   *
   * @param database the PostgreSQL store, or null for the embedded store in {@code data}
   * @param tls HTTPS (and mutual TLS) from PEM files, or null for plain HTTP (ADR 0019)
   * @param operatorToken an operator credential to take into a store that has none (only its hash is
   *     stored, and no {@code operator.token} is written), or null
   */
  public record Config(String repo, String branch, String path, String host, int port, Path data,
      Duration poll, Duration jitter, Duration longPoll, Duration stale, byte[] webhookSecret,
      SqlFleetStore.Database database, ServerTls tls, String operatorToken) {
    /** Plain HTTP, no preset operator. */
    public Config(String repo, String branch, String path, String host, int port, Path data, Duration poll,
        Duration jitter, Duration longPoll, Duration stale, byte[] webhookSecret, SqlFleetStore.Database database) {
      this(repo, branch, path, host, port, data, poll, jitter, longPoll, stale, webhookSecret, database, null, null);
    }

    @Override
    public String toString() {
      return "Config[repo=" + FleetMirror.redact(repo) + ", data=" + data + ", database=" + database
          + ", operatorToken=" + (operatorToken == null ? "none" : "***") + "]";
    }
  }

  private final Config config;
  private final Consumer<String> log;
  private SqlFleetStore store;
  private ChangeFeed feed = ChangeFeed.NONE;
  private Scheduler scheduler;
  private ApiServer api;
  private dev.bootfleet.adapters.web.Dashboard dashboard;
  private FleetService service;
  private LeaseService leases;
  private Duration leaseTtl = LeaseService.DEFAULT_TTL;
  private java.util.Map<String, Integer> leaseSlots = java.util.Map.of();
  private int defaultSlots = LeaseService.DEFAULT_SLOTS;
  private int port;

  public ReconcilerServer(Config config, Consumer<String> log) {
    this.config = config;
    this.log = log;
  }

  public ReconcilerServer(Config config) {
    this(config, new ServerLog(System.err));
  }

  /** Opens the store, schedules the Git poll and starts the API; returns the port it listens on. */
  public int start() throws IOException, SchedulerException {
    if (config.database() != null) {
      store = SqlFleetStore.open(config.database()); // before anything is written in the data folder
      log.accept("the store is in " + config.database().url()
          + (config.database().user() == null ? "" : " as " + config.database().user()));
    }
    Files.createDirectories(config.data());
    if (store == null) {
      store = SqlFleetStore.embedded(config.data());
    }
    SecureRandom random = new SecureRandom();
    if (config.operatorToken() != null) {
      seedOperator(config.operatorToken());
    } else if (!store.hasOperator()) {
      String token = Tokens.generate(Tokens.Kind.OPERATOR, random);
      writePrivate(config.data().resolve(OPERATOR_TOKEN), token + "\n");
      store.addCredential(new FleetStore.Credential(Tokens.hash(token), Tokens.Kind.OPERATOR, null, null,
          CLOCK.instant()));
      log.accept("created the operator credential in " + config.data().resolve(OPERATOR_TOKEN) + " (mode 0600)");
    }
    ServerMetrics metrics = new ServerMetrics();
    FleetMirror mirror = new FleetMirror(config.repo(), config.branch(), config.path(), config.data().resolve("repo.git"));
    service = new FleetService(store, mirror, CLOCK, config.stale(), metrics, log);
    service.loadReports();

    boolean shared = store.shared();
    scheduler = new StdSchedulerFactory(shared ? clustered() : inMemory()).getScheduler();
    scheduler.getContext().put(GitPollJob.SERVICE, service);
    JobDetail job = JobBuilder.newJob(GitPollJob.class).withIdentity(JOB).storeDurably().requestRecovery(shared).build();
    scheduler.addJob(job, true);
    schedulePoll();
    scheduler.addJob(JobBuilder.newJob(RolloutTickJob.class).withIdentity(RolloutTickJob.JOB).storeDurably().build(), true);
    try {
      scheduler.scheduleJob(RolloutTickJob.schedule());
    } catch (ObjectAlreadyExistsException e) {
      // another replica on the shared database scheduled it: one tick for all
    }
    if (shared) {
      feed = store.changeFeed(log);
      service.tell(feed);
      feed.start(service); // listening before the first load: no change falls between the two
    }
    service.onFetchNow(() -> {
      try {
        scheduler.triggerJob(JOB);
      } catch (SchedulerException e) {
        log.accept("error: cannot start a fetch: " + e.getMessage());
      }
    });
    scheduler.start();
    // the first load now, here (a shared schedule's next poll may be another replica's, and later)
    Thread.ofPlatform().daemon().name("bootfleet-first-load").start(service::pollGit);

    api = new ApiServer(service, store, metrics.registry, CLOCK, random,
        new ApiServer.Settings(config.host(), config.port(), config.webhookSecret(), config.longPoll(), config.tls()),
        log);
    leases = new LeaseService(store, CLOCK, leaseTtl, leaseSlots, defaultSlots, metrics, log);
    leases.rollouts(service::rolloutGate); // a governed host's slot waits for its wave and window
    api.locks(leases).beforeScrape(leases::refreshMetrics);
    dashboard = new dev.bootfleet.adapters.web.Dashboard(service, store, CLOCK, random, config.tls() != null, log);
    api.extra(dashboard::routes); // the web dashboard at / (ADR 0024)
    port = api.start();
    log.accept("listening on " + (config.tls() == null ? "http" : "https") + "://" + config.host() + ":" + port
        + (config.tls() != null && config.tls().clientCaFile() != null ? " (client certificates required)" : "")
        + " for " + mirror.describe());
    log.accept("the dashboard is at " + (config.tls() == null ? "http" : "https") + "://" + config.host() + ":" + port
        + "/ (log in with an operator token)");
    return port;
  }

  /**
   * The reboot leases' TTL and slots (ADR 0021): how long a lease lives without a heartbeat, how many hosts
   * of a group may hold one at once ({@code slots} by group, else {@code defaultSlots}). Before {@link #start}.
   */
  public ReconcilerServer leases(Duration ttl, java.util.Map<String, Integer> slots, int defaultSlots) {
    this.leaseTtl = ttl;
    this.leaseSlots = java.util.Map.copyOf(slots);
    this.defaultSlots = defaultSlots;
    return this;
  }

  public int port() {
    return port;
  }

  /**
   * The Git poll's schedule. On a shared database it may be there already: a replica started with another
   * --poll-seconds replaces it, else the running one stays (its phase kept).
   */
  private void schedulePoll() throws SchedulerException {
    Trigger wanted = GitPollJob.schedule(JOB, config.poll().toMillis(), config.jitter().toMillis());
    try {
      scheduler.scheduleJob(wanted);
    } catch (ObjectAlreadyExistsException e) {
      if (scheduler.getTrigger(GitPollJob.SCHEDULE) instanceof SimpleTrigger t
          && t.getRepeatInterval() == config.poll().toMillis()) {
        return;
      }
      scheduler.rescheduleJob(GitPollJob.SCHEDULE, wanted);
      log.accept("polling Git every " + config.poll().toSeconds() + " s, for every replica");
    }
  }

  /** Quartz in memory: the embedded store has one replica. */
  private Properties inMemory() {
    Properties q = new Properties();
    q.setProperty("org.quartz.scheduler.instanceName", "bootfleet-" + System.identityHashCode(this));
    q.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    q.setProperty("org.quartz.threadPool.threadCount", "2"); // the Git poll and the rollouts' tick
    q.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    return q;
  }

  /**
   * Quartz's clustered JDBC job store on the shared PostgreSQL (ADR 0018): the replicas run the Git poll one
   * at a time, and when the one running it stops checking in (every {@value #CHECKIN_MS} ms) another takes
   * its schedule over, about ten seconds later. Quartz takes connections from the store's pool.
   */
  private Properties clustered() {
    String pool = "bootfleet-" + System.identityHashCode(this);
    DataSource ds = store.dataSource();
    DBConnectionManager.getInstance().addConnectionProvider(pool, new ConnectionProvider() {
      @Override
      public Connection getConnection() throws SQLException {
        return ds.getConnection();
      }

      @Override
      public void shutdown() {}

      @Override
      public void initialize() {}
    });
    Properties q = new Properties();
    q.setProperty("org.quartz.scheduler.instanceName", "bootfleet");
    q.setProperty("org.quartz.scheduler.instanceId", "AUTO");
    q.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    q.setProperty("org.quartz.scheduler.idleWaitTime", String.valueOf(CHECKIN_MS));
    q.setProperty("org.quartz.threadPool.threadCount", "2"); // the Git poll and the rollouts' tick
    q.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
    q.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
    q.setProperty("org.quartz.jobStore.dataSource", pool);
    q.setProperty("org.quartz.jobStore.isClustered", "true");
    q.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(CHECKIN_MS));
    q.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
    return q;
  }

  /**
   * Takes the preset operator credential into a store that has no operator (its hash only). Into a store
   * that has one it is not added: a credential revoked there stays revoked whatever the environment says.
   */
  private void seedOperator(String token) {
    String hash = Tokens.hash(token);
    if (store.credential(hash).isPresent()) {
      return;
    }
    if (store.hasOperator()) {
      log.accept("warning: BOOTFLEET_OPERATOR_TOKEN is not an operator credential of the store, which has others:"
          + " it is only taken into a store without one (a revoked credential stays revoked)");
      return;
    }
    try {
      store.addCredential(new FleetStore.Credential(hash, Tokens.Kind.OPERATOR, null, null, CLOCK.instant()));
    } catch (RuntimeException e) {
      if (store.credential(hash).isEmpty()) { // not a replica that stored the same one first
        throw e;
      }
    }
    log.accept("took the operator credential of BOOTFLEET_OPERATOR_TOKEN (its hash only; no " + OPERATOR_TOKEN + ")");
  }

  /** The routes the API registered (the OpenAPI test). */
  public java.util.List<ApiServer.Route> routes() {
    return api.routes();
  }

  @Override
  public void close() {
    if (dashboard != null) {
      dashboard.close(); // its open event streams end first, while the server still answers
    }
    if (api != null) {
      api.close();
    }
    feed.close();
    if (scheduler != null) {
      try {
        scheduler.shutdown(true);
      } catch (SchedulerException e) {
        log.accept("warning: the schedule did not stop cleanly: " + e.getMessage());
      }
    }
    if (store != null) {
      store.close();
    }
  }

  /** Writes a file only its owner reads (0600 from its creation), then renames it into place. */
  static void writePrivate(Path file, String text) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
