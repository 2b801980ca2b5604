package dev.bootfleet.app.server;

import dev.bootfleet.adapters.http.RebootLocks;
import dev.bootfleet.core.port.FleetStore;
import dev.bootfleet.core.rollout.Decision;
import dev.bootfleet.core.rollout.FleetLockGate;
import dev.bootfleet.core.rollout.FleetLockWire;
import dev.bootfleet.core.rollout.RebootLeases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The reboot leases behind the FleetLock routes (ADR 0021): each request is read by the wire format,
 * decided by {@link FleetLockGate} against the stored leases, and the leases it leaves are stored, all in
 * one transaction of the store ({@link FleetStore#changeLeases}), so replicas sharing PostgreSQL decide
 * one request after another and never grant one slot twice. The clock is read once per request.
 */
final class LeaseService implements RebootLocks {
  /** How long a lease lives without a heartbeat, unless {@code serve} says otherwise. */
  static final Duration DEFAULT_TTL = Duration.ofMinutes(15);
  /** Hosts of one group that may hold a slot at once, unless {@code serve} says otherwise. */
  static final int DEFAULT_SLOTS = 1;

  /** Whether a host's rollout lets it reboot now; null when no rollout governs it (the slots alone decide). */
  @FunctionalInterface
  interface RolloutGate {
    RolloutGate NONE = (host, now) -> null;

    Gate of(String host, Instant now);
  }

  /**
   * A rollout's decision at the request's time, and whether the host's maintenance window is open; {@link
   * #STARTING} before the server has served a revision (whether a rollout governs the host is not known yet).
   */
  record Gate(Decision decision, boolean windowOpen, boolean starting) {
    static final Gate STARTING = new Gate(null, false, true);

    Gate(Decision decision, boolean windowOpen) {
      this(decision, windowOpen, false);
    }
  }

  private final FleetStore store;
  private final Clock clock;
  private final Duration ttl;
  private final Map<String, Integer> slots;
  private final int defaultSlots;
  private final ServerMetrics metrics;
  private final Consumer<String> log;
  private volatile RolloutGate rollouts = RolloutGate.NONE;
  /** The Git revision the lease events are tied to: the one served when the request came. */
  private final java.util.function.Supplier<String> revision;
  private static final String FENCED = "fenced_lease";

  LeaseService(FleetStore store, Clock clock, Duration ttl, Map<String, Integer> slots, int defaultSlots,
      ServerMetrics metrics, Consumer<String> log) {
    this.store = store;
    this.clock = clock;
    this.ttl = ttl;
    this.slots = Map.copyOf(slots);
    this.defaultSlots = defaultSlots;
    this.metrics = metrics;
    this.log = log;
    this.revision = () -> store.servedRevision().map(FleetStore.Revision::revision).orElse(NO_REVISION);
  }

  /** The revision of lease events before any was served. */
  static final String NO_REVISION = "none";

  /** Where the rollouts' decisions come from (the rollout engine's, once the server runs rollouts). */
  void rollouts(RolloutGate gate) {
    this.rollouts = gate;
  }

  @Override
  public Answer preReboot(String caller, String protocolHeader, String body) {
    FleetLockWire.Request r = FleetLockWire.read(protocolHeader, body);
    Instant now = clock.instant();
    Gate gate = r.ok() && caller != null && caller.equals(r.params().id()) ? rollouts.of(caller, now) : null;
    FleetLockGate.Answer a = change(caller, now, l -> FleetLockGate.preReboot(r, caller,
        gate == null ? null : gate.decision(), gate == null || gate.windowOpen(), gate != null && gate.starting(), l,
        now));
    if (a.ok() && a.lease() != null) {
      log.accept("reboot lease " + a.lease().token() + " of group " + a.lease().group() + " to host " + caller
          + " until " + a.lease().expiresAt());
    }
    return answer(a);
  }

  @Override
  public Answer steadyState(String caller, String protocolHeader, String body) {
    FleetLockWire.Request r = FleetLockWire.read(protocolHeader, body);
    long token = FleetLockWire.token(body);
    Instant now = clock.instant();
    return answer(change(caller, now, l -> FleetLockGate.steadyState(r, caller, token, l, now)));
  }

  @Override
  public Answer heartbeat(String caller, String protocolHeader, String body) {
    FleetLockWire.Request r = FleetLockWire.read(protocolHeader, body);
    long token = FleetLockWire.token(body);
    Instant now = clock.instant();
    return answer(change(caller, now, l -> FleetLockGate.heartbeat(r, caller, token, l, now)));
  }

  /**
   * Reads the leases, decides, stores what the decision leaves when it differs and the timeline events it
   * makes ({@link #events}): one transaction, so replicas record each event once.
   */
  private FleetLockGate.Answer change(String caller, Instant now,
      java.util.function.Function<RebootLeases, FleetLockGate.Answer> decide) {
    String served = this.revision.get();
    return store.changeLeases(stored -> {
      RebootLeases before = leases(stored);
      FleetLockGate.Answer a = decide.apply(before);
      FleetStore.Leases next = rows(a.leases());
      return new FleetStore.LeaseChange<>(next.equals(stored) ? null : next, a,
          events(before, a, caller, now, served));
    });
  }

  /**
   * What a lease decision adds to hosts' timelines (ADR 0021, "Server: lease events"): {@code lease-granted} (a
   * new token), {@code lease-regranted} (a new token to a holder whose lease had expired: its old one is fenced),
   * {@code lease-freed} (given back), {@code lease-expired} (dropped after its TTL without a heartbeat, when the
   * next change of the leases noticed it) and {@code lease-fenced} (a token refused). A lease kept or renewed
   * in time records nothing: heartbeats would flood the timeline.
   */
  static List<FleetStore.Event> events(RebootLeases before, FleetLockGate.Answer a, String caller, Instant now,
      String revision) {
    List<FleetStore.Event> out = new ArrayList<>();
    Map<String, RebootLeases.Lease> after = a.leases() == null ? before.held() : a.leases().held();
    for (RebootLeases.Lease b : before.held().values()) {
      RebootLeases.Lease n = after.get(b.holder());
      if (n != null && n.token() == b.token()) {
        continue;
      }
      boolean expired = !b.liveAt(now);
      if (n != null) {
        out.add(new FleetStore.Event(b.holder(), revision, expired ? "lease-regranted" : "lease-granted",
            "reboot lease " + n.token() + " of group " + n.group() + " until " + n.expiresAt()
                + (expired ? "; its lease " + b.token() + " had expired at " + b.expiresAt() + " and is fenced"
                : "; it gave up lease " + b.token() + " of group " + b.group()), now));
      } else if (expired) {
        out.add(new FleetStore.Event(b.holder(), revision, "lease-expired", "reboot lease " + b.token() + " of group "
            + b.group() + " expired at " + b.expiresAt() + " without a heartbeat; its slot is free", now));
      } else {
        out.add(new FleetStore.Event(b.holder(), revision, "lease-freed", "reboot lease " + b.token() + " of group "
            + b.group() + " given back (steady-state)", now));
      }
    }
    for (RebootLeases.Lease n : after.values()) {
      if (!before.held().containsKey(n.holder())) {
        out.add(new FleetStore.Event(n.holder(), revision, "lease-granted", "reboot lease " + n.token() + " of group "
            + n.group() + " until " + n.expiresAt(), now));
      }
    }
    if (!a.ok() && a.error() != null && FENCED.equals(a.error().kind()) && caller != null) {
      out.add(new FleetStore.Event(caller, revision, "lease-fenced", a.error().value(), now));
    }
    return out;
  }

  private RebootLeases leases(FleetStore.Leases stored) {
    Map<String, RebootLeases.Lease> held = new LinkedHashMap<>();
    for (FleetStore.Lease l : stored.held()) {
      held.put(l.holder(), new RebootLeases.Lease(l.holder(), l.group(), l.token(), l.granted(), l.expires()));
    }
    return new RebootLeases(ttl, slots, defaultSlots, held, stored.lastToken());
  }

  private static FleetStore.Leases rows(RebootLeases leases) {
    List<FleetStore.Lease> out = new ArrayList<>();
    leases.held().values().stream().sorted(java.util.Comparator.comparingLong(RebootLeases.Lease::token))
        .forEach(l -> out.add(new FleetStore.Lease(l.holder(), l.group(), l.token(), l.grantedAt(), l.expiresAt())));
    return new FleetStore.Leases(out, leases.lastToken());
  }

  private static Answer answer(FleetLockGate.Answer a) {
    if (a.ok()) {
      return new Answer(200, a.lease() == null ? "{}" : FleetLockWire.leaseJson(a.lease()));
    }
    return new Answer(a.status(), a.error().toJson());
  }

  /** The live leases by group, read from the store: for the metrics, at each scrape. */
  Map<String, Integer> held() {
    Instant now = clock.instant();
    Map<String, Integer> out = new TreeMap<>();
    for (FleetStore.Lease l : store.leases().held()) {
      if (now.isBefore(l.expires())) {
        out.merge(l.group(), 1, Integer::sum);
      }
    }
    return out;
  }

  /** Sets {@code bootfleet_reboot_leases{group}} from the store (any replica's leases count). */
  void refreshMetrics() {
    try {
      metrics.leases(held());
    } catch (RuntimeException e) {
      log.accept("warning: cannot read the reboot leases for the metrics: " + e.getClass().getSimpleName());
    }
  }
}
