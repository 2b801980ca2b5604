package dev.bootfleet.adapters.agentclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.adapters.fs.ObservedDir;
import dev.bootfleet.testing.Example;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The answer of {@code GET /v1/observed} read into the observations the folder reader makes. */
class ServerObservedTest {
  static final JsonMapper JSON = JsonMapper.shared();
  static final Path OBSERVED = Example.fleetRepo().resolve("observed");

  static String host(String name, String at) throws IOException {
    Path etc = OBSERVED.resolve(name + ".etc.json");
    return "{\"name\": \"" + name + "\", \"at\": \"" + at + "\", \"status\": "
        + Files.readString(OBSERVED.resolve(name + ".json")) + ", \"etc\": "
        + (Files.exists(etc) ? Files.readString(etc) : "null") + ", \"agent\": null}";
  }

  @Test
  void parse_givesTheFolderReadersObservations_andTheServersClock() throws Exception {
    JsonNode answer = JSON.readTree("{\"now\": \"2026-01-01T12:00:00Z\", \"staleAfter\": \"PT15M\", \"hosts\": ["
        + host("web-01", "2026-01-01T11:59:00Z") + ", " + host("db-01", "2026-01-01T11:00:00Z") + "]}");
    ServerObserved.Result r = ServerObserved.parse(answer, "server http://x");
    ObservedDir.Result folder = ObservedDir.read(OBSERVED);
    assertThat(r.observations()).containsOnlyKeys("web-01", "db-01");
    assertThat(r.observations().get("web-01")).isEqualTo(folder.observations().get("web-01"));
    assertThat(r.observations().get("db-01")).isEqualTo(folder.observations().get("db-01"));
    assertThat(r.now()).isEqualTo(Instant.parse("2026-01-01T12:00:00Z"));
    assertThat(r.staleAfter()).isEqualTo(Duration.ofMinutes(15));
    assertThat(r.lastReports().get("db-01")).isEqualTo(Instant.parse("2026-01-01T11:00:00Z"));
  }

  @Test
  void parse_aReportThisVersionDoesNotRead_isUnreadable_andTheOthersStay() throws Exception {
    JsonNode answer = JSON.readTree("{\"now\": \"2026-01-01T12:00:00Z\", \"staleAfter\": \"PT15M\", \"hosts\": ["
        + host("web-01", "2026-01-01T11:59:00Z") + ", {\"name\": \"web-02\", \"at\": \"2026-01-01T11:59:00Z\","
        + " \"status\": {\"apiVersion\": \"org.containers.bootc/v9\", \"kind\": \"BootcHost\"}}]}");
    ServerObserved.Result r = ServerObserved.parse(answer, "server http://x");
    assertThat(r.observations().get("web-01").unreadable()).isNull();
    assertThat(r.observations().get("web-02").unreadable()).startsWith("server http://x: host web-02's report: ");
  }

  @Test
  void parse_anotherAnswer_isOneLine_withEveryProblem() {
    JsonNode answer = JSON.readTree("{\"now\": \"yesterday\", \"staleAfter\": 900, \"hosts\": [{\"name\": \"../x\"},"
        + " {\"name\": \"web-01\", \"at\": \"2026-01-01T11:59:00Z\", \"status\": \"ok\"}]}");
    assertThatThrownBy(() -> ServerObserved.parse(answer, "server http://x"))
        .isInstanceOf(IOException.class)
        .hasMessage("server http://x: GET /v1/observed: not the answer expected: now: \"yesterday\" is not a time"
            + " (expected ISO-8601 UTC, e.g. 2026-01-01T12:00:00Z); staleAfter: 900 is not a duration (expected"
            + " ISO-8601, e.g. PT15M); hosts[0].name: \"../x\" is not a host name (expected a DNS-1123 name);"
            + " hosts[1].status: \"ok\" is not a status document (expected an object)");
  }
}
