package dev.bootfleet.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.rollout.FleetLockWire.ClientParams;
import dev.bootfleet.core.rollout.FleetLockWire.Error;
import dev.bootfleet.core.rollout.FleetLockWire.Kind;
import dev.bootfleet.core.rollout.FleetLockWire.Request;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * FleetLock's wire format against the protocol document's own examples (coreos/zincati
 * docs/development/fleetlock/protocol.md, summarised in conventions.md §1).
 */
class FleetLockWireTest {
  /** The document's request body example, as printed there (blank lines included). */
  static final String DOC_BODY = """

      {
        "client_params": {
          "group": "default",
          "id": "c988d2509fdf5cdcbed39037c56406fb"
        }
      }

      """;
  /** The document's error example. */
  static final String DOC_ERROR = """
      {
        "kind": "failed_lock_semaphore_full",
        "value": "semaphore currently full, all slots are locked already"
      }
      """;

  @Test
  void theDocumentsRequest_isRead() {
    // curl -H "fleet-lock-protocol: true" -d @body.json http://example.com/base/v1/pre-reboot
    Request r = FleetLockWire.read("true", DOC_BODY);

    assertThat(r.errors()).isEmpty();
    assertThat(r.params()).isEqualTo(new ClientParams("c988d2509fdf5cdcbed39037c56406fb", "default"));
    assertThat(FleetLockWire.PRE_REBOOT).isEqualTo("/v1/pre-reboot");
    assertThat(FleetLockWire.STEADY_STATE).isEqualTo("/v1/steady-state");
    assertThat(FleetLockWire.HEADER).isEqualTo("fleet-lock-protocol");
  }

  @Test
  void theDocumentsError_isReadAndWrittenAlike() {
    Error e = FleetLockWire.readError(DOC_ERROR, 409);

    assertThat(e).isEqualTo(Error.of(Kind.FAILED_LOCK_SEMAPHORE_FULL,
        "semaphore currently full, all slots are locked already"));
    assertThat(FleetLockWire.readError(e.toJson(), 409)).isEqualTo(e);
    assertThat(e.toJson()).isEqualTo("{\"kind\":\"failed_lock_semaphore_full\",\"value\":\"semaphore currently"
        + " full, all slots are locked already\"}");
  }

  @Test
  void aBodyWritten_isReadBack() {
    ClientParams p = new ClientParams("web-01", "workers.eu-1");

    assertThat(FleetLockWire.read("true", FleetLockWire.body(p)).params()).isEqualTo(p);
    assertThat(FleetLockWire.body(p)).isEqualTo("{\"client_params\":{\"id\":\"web-01\",\"group\":\"workers.eu-1\"}}");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      no header                | `NULL`  | {"client_params":{"id":"a","group":"default"}} | missing_protocol_header: the header fleet-lock-protocol: true is required
      header not true          | false   | {"client_params":{"id":"a","group":"default"}} | missing_protocol_header: the header fleet-lock-protocol: true is required (found "false")
      not JSON                 | true    | client_params                                  | invalid_client_params: the body is not JSON (expected {"client_params": {"id": …, "group": …}})
      no client_params         | true    | {"id":"a","group":"default"}                   | invalid_client_params: client_params: missing or not an object (expected {"client_params": {"id": …, "group": …}})
      empty id                 | true    | {"client_params":{"id":"","group":"default"}}  | invalid_client_params: client_params.id: "" is not valid (expected a non-empty string of at most 253 characters)
      id not a string          | true    | {"client_params":{"id":7,"group":"default"}}   | invalid_client_params: client_params.id: a number is not a string (expected a non-empty string of at most 253 characters)
      group outside the regexp | true    | {"client_params":{"id":"a","group":"eu west"}} | invalid_client_params: client_params.group: "eu west" is not valid (expected letters, digits, '.' and '-', as ^[a-zA-Z0-9.-]+$)
      everything wrong at once | `NULL`  | {"client_params":{}}                           | missing_protocol_header: the header fleet-lock-protocol: true is required; invalid_client_params: client_params.id: missing (expected a non-empty string of at most 253 characters); invalid_client_params: client_params.group: missing (expected letters, digits, '.' and '-', as ^[a-zA-Z0-9.-]+$)
      """)
  void badRequests_areEveryErrorAtOnce_withALowCardinalityKind(String why, String header, String body,
      String expected) {
    Request r = FleetLockWire.read("NULL".equals(header) ? null : header, body);

    assertThat(r.ok()).isFalse();
    assertThat(r.errors().stream().map(e -> e.kind() + ": " + e.value()).collect(Collectors.joining("; ")))
        .as(why).isEqualTo(expected);
  }

  @Test
  void aBodyOverTheCap_isRefusedUnread() {
    Request r = FleetLockWire.read("true", " ".repeat(FleetLockWire.MAX_BODY + 1));

    assertThat(r.errors()).extracting(Error::kind, Error::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple("body_too_large", 413));
  }

  @Test
  void kinds_areFewFixedIdentifiers_andNeverAnHttp200() {
    Set<String> ids = Arrays.stream(Kind.values()).map(k -> k.id).collect(Collectors.toSet());

    assertThat(ids).hasSize(Kind.values().length).allMatch(id -> id.matches("[a-z_]+"));
    assertThat(Arrays.stream(Kind.values()).map(k -> k.status)).allMatch(s -> s >= 400 && s < 600);
    assertThat(Kind.FAILED_LOCK_SEMAPHORE_FULL.status).isEqualTo(409); // not airlock's 500
  }
}
