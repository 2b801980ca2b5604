package dev.bootfleet.core.port;

import dev.bootfleet.core.server.StatusReport;
import dev.bootfleet.core.server.Tokens;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the reconciler server keeps what must outlive it (ADR 0016): the revisions it loaded (served or
 * stalled, with their errors), each host's latest report, a timeline of what happened to each host, and
 * the hashes of its credentials. Every method that returns has committed: a report is on disk when
 * {@link #saveReport} returns. {@code adapters.store} implements it on an embedded H2 file or on
 * PostgreSQL, with the same migrations and SQL.
 */
public interface FleetStore extends AutoCloseable {

  /**
   * A revision the server loaded: {@code served}, or {@code stalled} with its errors; for a served one, the hosts
   * it changed against the revision served before it (sorted), empty when that is not known.
   */
  record Revision(String revision, String state, List<String> errors, Instant at,
      Optional<List<String>> hostsChanged) {
    public static final String SERVED = "served";
    public static final String STALLED = "stalled";

    public Revision {
      errors = List.copyOf(errors);
      hostsChanged = hostsChanged.map(List::copyOf);
    }

    /** A revision whose changed hosts are not known. */
    public Revision(String revision, String state, List<String> errors, Instant at) {
      this(revision, state, errors, at, Optional.empty());
    }
  }

  /** A host's latest report as received, with when it arrived. */
  record StoredReport(StatusReport report, Instant at) {}

  /** Something that happened to a host at a revision ({@code type}: a word such as {@code status}). */
  record Event(String host, String revision, String type, String message, Instant at) {}

  /**
   * A credential, by the hash of its token.
   *
   * @param host the host a host or enrollment token is for; null for an operator
   * @param expires when it stops being accepted, or null for never
   */
  record Credential(String hash, Tokens.Kind kind, String host, Instant expires, Instant created) {}

  /** A reboot lease as stored (ADR 0021): who holds a slot of which group, under which fencing token, until when. */
  record Lease(String holder, String group, long token, Instant granted, Instant expires) {}

  /** Every stored lease (expired ones too, until a change drops them) and the largest token ever granted. */
  record Leases(List<Lease> held, long lastToken) {
    public Leases {
      held = List.copyOf(held);
    }
  }

  /**
   * What a change of the leases returns: the leases to store (null: leave them), its result, and the events it
   * adds to hosts' timelines, written in the same transaction (so each is recorded once, by the replica whose
   * change it was).
   */
  record LeaseChange<T>(Leases next, T result, List<Event> events) {
    public LeaseChange {
      events = List.copyOf(events);
    }

    public LeaseChange(Leases next, T result) {
      this(next, result, List.of());
    }
  }

  void recordRevision(Revision r);

  /** The revision served last, if any. */
  Optional<Revision> servedRevision();

  /** The newest revisions first, at most {@code limit}. */
  List<Revision> revisions(int limit);

  /** Stores a host's report in one transaction; committed on return. */
  void saveReport(StatusReport report, Instant at);

  /** A host's latest report, if it ever reported. */
  Optional<StoredReport> report(String host);

  /** Every host's latest report, by host name. */
  Map<String, StoredReport> reports();

  void addEvents(List<Event> events);

  /** A host's newest events first, at most {@code limit}. */
  List<Event> events(String host, int limit);

  /** Each host's newest event of {@code type}, by host name: what a restarted server last recorded. */
  Map<String, Event> latestEvents(String type);

  void addCredential(Credential c);

  /**
   * A rollout's run as the server keeps it (ADR 0021, "Server").
   *
   * @param target the digests the run rolls out, sorted and joined: another one starts a new run
   * @param state the run's state as the server encodes it (JSON)
   * @param version how many saves the rollout has had: a save based on version V stores V + 1, and only while the
   *     store still holds V (another replica's save in between refuses it); {@link #UNCONDITIONAL} saves whatever
   *     is stored
   */
  record RolloutRun(String rollout, String target, String state, Instant at, long version) {
    public static final long UNCONDITIONAL = -1;

    /** A run saved whatever the store holds (tests, a store being filled). */
    public RolloutRun(String rollout, String target, String state, Instant at) {
      this(rollout, target, state, at, UNCONDITIONAL);
    }
  }

  /**
   * What the server told one governed host in its rollout's run.
   *
   * @param desired the digest Git names for it
   * @param keepRef the image it boots when the run started, served until its wave releases the new digest;
   *     null when unknown
   * @param released whether the new digest was released to it (its wave let it stage)
   * @param grantedAt when it was let reboot onto {@code desired}; null when not yet
   * @param rollbackTold the digests it was told to roll back from, each once
   * @param phase its phase in the run as last recorded
   */
  record RolloutHost(String host, String rollout, String desired, String keepRef, boolean released,
      Instant grantedAt, List<String> rollbackTold, String phase) {
    public RolloutHost {
      rollbackTold = List.copyOf(rollbackTold);
    }
  }

  /** Something that happened in a rollout: {@code who} did {@code type} at {@code revision}; host null for the run. */
  record RolloutEvent(String rollout, String host, String revision, String type, String who, String message,
      Instant at) {}

  /** Every rollout's run, by rollout name. */
  Map<String, RolloutRun> rolloutRuns();

  /** Every governed host's rollout record, by host name. */
  Map<String, RolloutHost> rolloutHosts();

  /**
   * Stores a decision in one transaction: the run, its hosts' records (replacing the rollout's), the events.
   * False, and nothing written, when the stored run is no longer at {@code run.version()} (another replica saved
   * in between: the caller reads the store again and decides anew).
   */
  boolean saveRollout(RolloutRun run, List<RolloutHost> hosts, List<RolloutEvent> events);

  /**
   * Stores a decision that changed some of a rollout's hosts, in one transaction: the run, the records of
   * {@code changed} (each replacing its host's; the rollout's other records stay) and the events. What the
   * server writes after a report: as much as changed, not the whole rollout.
   */
  boolean saveRolloutChanges(RolloutRun run, List<RolloutHost> changed, List<RolloutEvent> events);

  /** A rollout's newest events first, at most {@code limit}. */
  List<RolloutEvent> rolloutEvents(String rollout, int limit);

  Optional<Credential> credential(String hash);

  /**
   * Burns the enrollment {@code enrollmentHash} and stores {@code host} (revoking the host's earlier
   * credentials) in one transaction; false, and nothing changed, when the enrollment is unknown, used,
   * expired at {@code now} or for another host.
   */
  boolean exchange(String enrollmentHash, Credential host, Instant now);

  /** Revokes every credential of a host (its own and its enrollments); how many there were. */
  int revokeHost(String host);

  /** The operators' credentials, oldest first. */
  List<Credential> operators();

  /**
   * Revokes the operator credential {@code hash}; false, and nothing changed, when there is no such
   * operator credential or it is the last one (a server never locks its operators out).
   */
  boolean revokeOperator(String hash);

  boolean hasOperator();

  /**
   * Reads the leases, applies {@code change} (pure: it may run again) and stores what it returns, in one
   * transaction that excludes every other change of the leases, on any replica sharing the store: two
   * takers of one slot are decided one after the other. Committed on return; the change's result.
   */
  <T> T changeLeases(java.util.function.Function<Leases, LeaseChange<T>> change);

  /** The stored leases, as the last change left them. */
  Leases leases();

  /** Whether the store answers (readiness). */
  boolean reachable();

  @Override
  void close();
}
