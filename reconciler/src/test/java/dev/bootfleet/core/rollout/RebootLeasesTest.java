package dev.bootfleet.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.rollout.RebootLeases.Fenced;
import dev.bootfleet.core.rollout.RebootLeases.Full;
import dev.bootfleet.core.rollout.RebootLeases.Granted;
import dev.bootfleet.core.rollout.RebootLeases.Outcome;
import dev.bootfleet.core.rollout.RebootLeases.Released;
import dev.bootfleet.core.rollout.RebootLeases.Renewed;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Leases with a TTL, heartbeats and fencing tokens; FleetLock's recursive, owned locks. */
class RebootLeasesTest {
  static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");
  static final Duration TTL = Duration.ofMinutes(10);
  static final RebootLeases ONE_SLOT = RebootLeases.empty(TTL, Map.of("workers", 2), 1);

  @Test
  void acquire_grantsAFreeSlot_withANewToken() {
    Outcome o = ONE_SLOT.acquire("web-01", "default", T0);

    assertThat(o).isInstanceOfSatisfying(Granted.class, g -> {
      assertThat(g.lease().token()).isEqualTo(1);
      assertThat(g.lease().expiresAt()).isEqualTo(T0.plus(TTL));
      assertThat(g.renewed()).isFalse();
    });
  }

  @Test
  void acquire_isRecursive_theHolderKeepsItsTokenAndRenews() {
    RebootLeases l = ONE_SLOT.acquire("web-01", "default", T0).leases();

    Outcome again = l.acquire("web-01", "default", T0.plusSeconds(60));

    assertThat(again).isInstanceOfSatisfying(Granted.class, g -> {
      assertThat(g.lease().token()).isEqualTo(1);
      assertThat(g.renewed()).isTrue();
      assertThat(g.lease().expiresAt()).isEqualTo(T0.plusSeconds(60).plus(TTL));
    });
  }

  @Test
  void acquire_whenEverySlotIsHeld_isFull_namingTheHolders() {
    RebootLeases l = ONE_SLOT.acquire("web-01", "default", T0).leases();

    Outcome o = l.acquire("web-02", "default", T0.plusSeconds(1));

    assertThat(o).isInstanceOfSatisfying(Full.class, f ->
        assertThat(f.holders()).extracting(RebootLeases.Lease::holder).containsExactly("web-01"));
  }

  @Test
  void groups_haveTheirOwnSlots() {
    RebootLeases l = ONE_SLOT.acquire("w1", "workers", T0).leases();
    l = l.acquire("w2", "workers", T0).leases();

    assertThat(l.acquire("w3", "workers", T0)).isInstanceOf(Full.class);
    assertThat(l.acquire("web-01", "default", T0)).isInstanceOf(Granted.class);
  }

  @Test
  void aHostThatDiesHoldingALease_freesItAfterTheTtl() {
    RebootLeases l = ONE_SLOT.acquire("web-01", "default", T0).leases();

    assertThat(l.acquire("web-02", "default", T0.plus(TTL).minusSeconds(1))).isInstanceOf(Full.class);
    assertThat(l.acquire("web-02", "default", T0.plus(TTL))).isInstanceOfSatisfying(Granted.class,
        g -> assertThat(g.lease().token()).isEqualTo(2));
  }

  @Test
  void heartbeat_keepsTheLeasePastItsFirstTtl() {
    RebootLeases l = ONE_SLOT.acquire("web-01", "default", T0).leases();
    l = l.heartbeat("web-01", 1, T0.plus(Duration.ofMinutes(8))).leases();

    assertThat(l.acquire("web-02", "default", T0.plus(Duration.ofMinutes(12)))).isInstanceOf(Full.class);
    assertThat(l.permits("web-01", 1, T0.plus(Duration.ofMinutes(12)))).isTrue();
  }

  @Test
  void aLateHolder_isFencedOut_evenAfterGettingANewLease() {
    RebootLeases l = ONE_SLOT.acquire("web-01", "default", T0).leases();
    // web-01 stalls past its TTL; web-02 takes the slot and gives it back; web-01 asks again.
    l = l.acquire("web-02", "default", T0.plus(TTL)).leases();
    l = l.release("web-02", T0.plus(TTL).plusSeconds(30)).leases();
    l = l.acquire("web-01", "default", T0.plus(TTL).plusSeconds(60)).leases();

    assertThat(l.heartbeat("web-01", 1, T0.plus(TTL).plusSeconds(61))).isInstanceOf(Fenced.class);
    assertThat(l.permits("web-01", 1, T0.plus(TTL).plusSeconds(61))).isFalse();
    assertThat(l.permits("web-01", 3, T0.plus(TTL).plusSeconds(61))).isTrue();
  }

  @Test
  void heartbeat_afterExpiry_isFenced() {
    RebootLeases l = ONE_SLOT.acquire("web-01", "default", T0).leases();

    assertThat(l.heartbeat("web-01", 1, T0.plus(TTL))).isInstanceOf(Fenced.class);
    assertThat(l.heartbeat("web-01", 1, T0.plus(TTL).minusSeconds(1))).isInstanceOf(Renewed.class);
  }

  @Test
  void release_isUnlockIfHeld_holdingNothingIsNoError() {
    Outcome o = ONE_SLOT.release("web-01", T0);

    assertThat(o).isInstanceOfSatisfying(Released.class, r -> assertThat(r.lease()).isNull());
    RebootLeases l = ONE_SLOT.acquire("web-01", "default", T0).leases();
    assertThat(l.release("web-01", T0.plusSeconds(5))).isInstanceOfSatisfying(Released.class,
        r -> assertThat(r.leases().holders("default")).isEmpty());
  }

  /**
   * Random sequences of locks, heartbeats and unlocks by a few hosts with the clock moving on: never
   * more live leases in a group than its slots, tokens only grow, and a token once superseded or expired
   * never permits again.
   */
  @Property(tries = 300)
  void slotsAreNeverOverbooked_andTokensOnlyGrow(@ForAll("steps") List<int[]> steps) {
    RebootLeases l = ONE_SLOT;
    Instant now = T0;
    Map<String, Long> lastToken = new HashMap<>();
    java.util.Set<String> dead = new java.util.HashSet<>(); // holder@token that no longer permits
    long maxToken = 0;
    for (int[] s : steps) {
      String holder = "h" + s[1];
      String group = s[2] == 0 ? "default" : "workers";
      now = now.plusSeconds(s[3]);
      Outcome o = switch (s[0]) {
        case 0 -> l.acquire(holder, group, now);
        case 1 -> l.heartbeat(holder, lastToken.getOrDefault(holder, 0L), now);
        default -> l.release(holder, now);
      };
      l = o.leases();
      if (o instanceof Granted g) {
        assertThat(g.lease().token()).isGreaterThanOrEqualTo(g.renewed() ? 1 : maxToken + 1);
        Long before = lastToken.put(holder, g.lease().token());
        if (before != null && before != g.lease().token()) {
          dead.add(holder + "@" + before);
        }
        maxToken = Math.max(maxToken, g.lease().token());
      }
      for (String group2 : List.of("default", "workers")) {
        assertThat(l.expire(now).holders(group2)).hasSizeLessThanOrEqualTo(group2.equals("workers") ? 2 : 1);
      }
      for (String d : dead) {
        String[] p = d.split("@");
        assertThat(l.permits(p[0], Long.parseLong(p[1]), now)).as("a superseded token %s", d).isFalse();
      }
      for (var e : lastToken.entrySet()) {
        if (!l.permits(e.getKey(), e.getValue(), now)) {
          dead.add(e.getKey() + "@" + e.getValue()); // expired or released: never again
        }
      }
    }
  }

  @Provide
  Arbitrary<List<int[]>> steps() {
    Arbitrary<int[]> step = Arbitraries.integers().between(0, 2).flatMap(op -> Arbitraries.integers().between(0, 4)
        .flatMap(h -> Arbitraries.integers().between(0, 1).flatMap(g -> Arbitraries.integers().between(0, 400)
            .map(dt -> new int[] {op, h, g, dt}))));
    return step.list().ofMinSize(1).ofMaxSize(60);
  }
}
