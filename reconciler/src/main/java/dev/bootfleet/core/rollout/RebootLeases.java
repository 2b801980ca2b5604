package dev.bootfleet.core.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reboot slots as leases, a pure value (ADR 0021): a slot is held for a TTL and kept by heartbeats, so a
 * host that dies holding one frees it when the TTL runs out (airlock's slots never expire); each grant
 * carries a fencing token, larger than every token before it, so a holder whose lease expired cannot act
 * on it, even after it got a new one. Locks are owned and recursive, as FleetLock's: the holder asking
 * again keeps its lease (and token) and renews it; unlocking what one does not hold succeeds.
 *
 * <p>Every operation takes the time and returns the new leases with its outcome; nothing changes in
 * place, so the server stores the result in one transaction, and replays read the same.
 *
 * @param slots by group: how many hosts of the group may hold a lease at once
 * @param defaultSlots for a group not in {@code slots}
 * @param held by holder (a holder holds one lease)
 * @param lastToken the largest token granted so far
 */
public record RebootLeases(Duration ttl, Map<String, Integer> slots, int defaultSlots, Map<String, Lease> held,
    long lastToken) {
  /** A lease on a reboot slot. */
  public record Lease(String holder, String group, long token, Instant grantedAt, Instant expiresAt) {
    public boolean liveAt(Instant now) {
      return now.isBefore(expiresAt);
    }
  }

  /** What an operation did, and the leases after it. */
  public sealed interface Outcome permits Granted, Full, Renewed, Fenced, Released {
    RebootLeases leases();
  }

  /** The holder has the lease (a new one, or its own renewed when it asked again). */
  public record Granted(Lease lease, boolean renewed, RebootLeases leases) implements Outcome {}

  /** Every slot of the group is held by others, live. */
  public record Full(String group, List<Lease> holders, RebootLeases leases) implements Outcome {}

  /** A heartbeat kept the lease. */
  public record Renewed(Lease lease, RebootLeases leases) implements Outcome {}

  /** The token is not the holder's live lease's: it expired, was released, or was replaced. */
  public record Fenced(String holder, long token, RebootLeases leases) implements Outcome {}

  /** The holder holds nothing now; {@code lease} is what it released, or null when it held nothing. */
  public record Released(Lease lease, RebootLeases leases) implements Outcome {}

  public RebootLeases {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a lease's TTL must be positive: " + ttl);
    }
    if (defaultSlots < 0) {
      throw new IllegalArgumentException("slots must not be negative: " + defaultSlots);
    }
    slots = Map.copyOf(slots);
    held = Map.copyOf(held);
  }

  static RebootLeases empty(Duration ttl, Map<String, Integer> slots, int defaultSlots) {
    return new RebootLeases(ttl, slots, defaultSlots, Map.of(), 0);
  }

  /** FleetLock's RecursiveLock: the holder's live lease renewed, or a new one if a slot is free. */
  public Outcome acquire(String holder, String group, Instant now) {
    RebootLeases live = expire(now);
    Lease mine = live.held.get(holder);
    if (mine != null && mine.group().equals(group)) {
      Lease renewed = new Lease(holder, group, mine.token(), mine.grantedAt(), now.plus(ttl));
      return new Granted(renewed, true, live.with(holder, renewed, lastToken));
    }
    List<Lease> others = live.holders(group).stream().filter(l -> !l.holder().equals(holder)).toList();
    if (others.size() >= slotsOf(group)) {
      return new Full(group, others, live);
    }
    // A holder moving to another group gives up its slot in the first.
    Lease lease = new Lease(holder, group, lastToken + 1, now, now.plus(ttl));
    return new Granted(lease, false, live.with(holder, lease, lastToken + 1));
  }

  /** Keeps the lease {@code token} names alive for another TTL, if it is the holder's live lease. */
  public Outcome heartbeat(String holder, long token, Instant now) {
    RebootLeases live = expire(now);
    Lease mine = live.held.get(holder);
    if (mine == null || mine.token() != token) {
      return new Fenced(holder, token, live);
    }
    Lease renewed = new Lease(holder, mine.group(), token, mine.grantedAt(), now.plus(ttl));
    return new Renewed(renewed, live.with(holder, renewed, lastToken));
  }

  /** FleetLock's UnlockIfHeld: the holder's lease goes back; holding none is not an error. */
  public Outcome release(String holder, Instant now) {
    RebootLeases live = expire(now);
    Lease mine = live.held.get(holder);
    if (mine == null) {
      return new Released(null, live);
    }
    Map<String, Lease> rest = new LinkedHashMap<>(live.held);
    rest.remove(holder);
    return new Released(mine, new RebootLeases(ttl, slots, defaultSlots, rest, lastToken));
  }

  /** Whether {@code holder} may act under {@code token} now: the fencing check before a reboot. */
  public boolean permits(String holder, long token, Instant now) {
    Lease l = held.get(holder);
    return l != null && l.token() == token && l.liveAt(now);
  }

  /** The live leases of {@code group}, oldest first. */
  public List<Lease> holders(String group) {
    List<Lease> out = new ArrayList<>();
    for (Lease l : held.values()) {
      if (l.group().equals(group)) {
        out.add(l);
      }
    }
    out.sort(Comparator.comparingLong(Lease::token));
    return out;
  }

  /** The leases without those that expired by {@code now}. */
  public RebootLeases expire(Instant now) {
    if (held.values().stream().allMatch(l -> l.liveAt(now))) {
      return this;
    }
    Map<String, Lease> live = new LinkedHashMap<>();
    held.forEach((k, l) -> {
      if (l.liveAt(now)) {
        live.put(k, l);
      }
    });
    return new RebootLeases(ttl, slots, defaultSlots, live, lastToken);
  }

  private int slotsOf(String group) {
    return slots.getOrDefault(group, defaultSlots);
  }

  private RebootLeases with(String holder, Lease lease, long token) {
    Map<String, Lease> next = new LinkedHashMap<>(held);
    next.put(holder, lease);
    return new RebootLeases(ttl, slots, defaultSlots, next, token);
  }
}
