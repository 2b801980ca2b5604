package dev.bootfleet.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.rollout.FleetLockGate.Answer;
import dev.bootfleet.core.rollout.FleetLockWire.ClientParams;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a FleetLock request gets: identity first, then the rollout, then the slots. */
class FleetLockGateTest {
  static final Instant NOW = RolloutEngineTest.NOW;
  static final RebootLeases FREE = RebootLeases.empty(Duration.ofMinutes(10), Map.of(), 1);

  static FleetLockWire.Request lock(String id) {
    return FleetLockWire.read("true", FleetLockWire.body(new ClientParams(id, "default")));
  }

  static Decision rollout(String policy, String hosts) {
    return RolloutEngine.decide(RolloutEngineTest.policy(policy), RolloutEngineTest.hosts(hosts), RunState.NEW, NOW);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      # case                                | caller | id     | policy        | hosts                       | window | status | kind
      no rollout, a free slot               | web-01 | web-01 | -             | -                           | true   | 200    | -
      no credential                         | -      | web-01 | -             | -                           | true   | 401    | unauthorized
      another host's id                     | web-01 | web-02 | -             | -                           | true   | 403    | forbidden_client_id
      the rollout lets it reboot            | web-01 | web-01 | -             | web-01::staged              | true   | 200    | -
      already granted, asking again         | web-01 | web-01 | -             | web-01::rebooting           | true   | 200    | -
      staged, its window closed             | web-01 | web-01 | window=closed | web-01::staged              | false  | 423    | outside_maintenance_window
      let reboot, the window closed since   | web-01 | web-01 | window=closed | web-01::rebooting           | false  | 423    | outside_maintenance_window
      a decision older than the window's end | web-01 | web-01 | -            | web-01::staged              | false  | 423    | outside_maintenance_window
      its wave has not started              | web-01 | web-01 | -             | c1:ring=canary:staged web-01::staged | true | 423 | rollout_not_ready
      the rollout is paused                 | web-01 | web-01 | paused        | web-01::staged              | true   | 423    | rollout_not_ready
      not staged yet                        | web-01 | web-01 | -             | web-01::pending             | true   | 423    | rollout_not_ready
      """)
  void preReboot_answers(String why, String caller, String id, String policy, String hosts, boolean window,
      int status, String kind) {
    Decision d = hosts.equals("-") ? null : rollout(policy, hosts);

    Answer a = FleetLockGate.preReboot(lock(id), caller.equals("-") ? null : caller, d, window, FREE, NOW);

    assertThat(a.status()).as(why).isEqualTo(status);
    assertThat(a.error() == null ? "-" : a.error().kind()).as(why).isEqualTo(kind);
    assertThat(a.ok()).isEqualTo(a.lease() != null);
  }

  @Test
  void aFullGroup_is409_notAirlocks500() {
    RebootLeases held = FleetLockGate.preReboot(lock("web-01"), "web-01", null, true, FREE, NOW).leases();

    Answer a = FleetLockGate.preReboot(lock("web-02"), "web-02", null, true, held, NOW);

    assertThat(a.status()).isEqualTo(409);
    assertThat(a.error().toJson()).isEqualTo("{\"kind\":\"failed_lock_semaphore_full\",\"value\":\"all 1 reboot"
        + " slots of group default are held\"}");
  }

  @Test
  void steadyState_givesTheSlotBack_heldOrNot() {
    RebootLeases held = FleetLockGate.preReboot(lock("web-01"), "web-01", null, true, FREE, NOW).leases();

    Answer released = FleetLockGate.steadyState(lock("web-01"), "web-01", held, NOW.plusSeconds(5));
    Answer again = FleetLockGate.steadyState(lock("web-01"), "web-01", released.leases(), NOW.plusSeconds(6));

    assertThat(released.status()).isEqualTo(200);
    assertThat(again.status()).isEqualTo(200);
    assertThat(FleetLockGate.preReboot(lock("web-02"), "web-02", null, true, again.leases(), NOW.plusSeconds(7))
        .status()).isEqualTo(200);
  }

  @Test
  void steadyState_withoutCredential_freesNothing() {
    RebootLeases held = FleetLockGate.preReboot(lock("web-01"), "web-01", null, true, FREE, NOW).leases();

    Answer a = FleetLockGate.steadyState(lock("web-01"), null, held, NOW);

    assertThat(a.status()).isEqualTo(401);
    assertThat(a.leases().holders("default")).extracting(RebootLeases.Lease::holder).containsExactly("web-01");
  }

  @Test
  void aMalformedRequest_isOneAnswer_listingEveryProblem() {
    Answer a = FleetLockGate.preReboot(FleetLockWire.read(null, "{\"client_params\":{\"id\":\"\"}}"), "web-01",
        null, true, FREE, NOW);

    assertThat(a.status()).isEqualTo(400);
    assertThat(a.error().kind()).isEqualTo("missing_protocol_header");
    assertThat(a.error().value()).isEqualTo("the header fleet-lock-protocol: true is required; client_params.id:"
        + " \"\" is not valid (expected a non-empty string of at most 253 characters); client_params.group:"
        + " missing (expected letters, digits, '.' and '-', as ^[a-zA-Z0-9.-]+$)");
  }

  @Test
  void heartbeat_renewsTheLiveLease_andFencesAnExpiredOnesToken() {
    Answer granted = FleetLockGate.preReboot(lock("web-01"), "web-01", null, true, FREE, NOW);
    long token = granted.lease().token();

    Answer renewed = FleetLockGate.heartbeat(lock("web-01"), "web-01", token, granted.leases(), NOW.plusSeconds(300));
    assertThat(renewed.status()).isEqualTo(200);
    assertThat(renewed.lease().expiresAt()).isEqualTo(NOW.plusSeconds(300).plus(Duration.ofMinutes(10)));

    // the lease expires, another host takes the slot: the old token is fenced, and frees nothing
    Instant late = NOW.plusSeconds(300).plus(Duration.ofMinutes(11));
    RebootLeases taken = FleetLockGate.preReboot(lock("web-02"), "web-02", null, true, renewed.leases(), late).leases();
    Answer hb = FleetLockGate.heartbeat(lock("web-01"), "web-01", token, taken, late);
    Answer unlock = FleetLockGate.steadyState(lock("web-01"), "web-01", token, taken, late);

    assertThat(hb.status()).isEqualTo(409);
    assertThat(hb.error().kind()).isEqualTo("fenced_lease");
    assertThat(unlock.error().kind()).isEqualTo("fenced_lease");
    assertThat(unlock.leases().holders("default")).extracting(RebootLeases.Lease::holder).containsExactly("web-02");
  }

  @Test
  void steadyState_withoutAToken_isFleetLocksUnlockIfHeld() {
    Answer a = FleetLockGate.steadyState(lock("web-01"), "web-01", 0, FREE, NOW);
    Answer bad = FleetLockGate.heartbeat(lock("web-01"), "web-01", -1, FREE, NOW);

    assertThat(a.status()).isEqualTo(200);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error().kind()).isEqualTo("invalid_client_params");
  }
}
