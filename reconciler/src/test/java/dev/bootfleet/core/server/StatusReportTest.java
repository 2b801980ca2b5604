package dev.bootfleet.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.testing.Example;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusReportTest {
  static String status() throws Exception {
    return Files.readString(Example.fleetRepo().resolve("observed/web-01.json"));
  }

  static String etc() throws Exception {
    return Files.readString(Example.fleetRepo().resolve("observed/web-01.etc.json"));
  }

  @org.junit.jupiter.api.Test
  void parse_readsEveryPart_ofAGoodReport() throws Exception {
    String body = "{\"status\": " + status() + ", \"etc\": " + etc()
        + ", \"agent\": {\"kind\": \"AgentReport\", \"host\": \"web-01\", \"lastAppliedRevision\": \"main@sha1:1\"}}";
    StatusReport r = StatusReport.parse("web-01", body.getBytes(StandardCharsets.UTF_8));
    assertThat(r.observation().etc()).isNotNull();
    assertThat(r.agentField("lastAppliedRevision")).isEqualTo("main@sha1:1");
  }

  @org.junit.jupiter.api.Test
  void observation_withAMemo_isTheSame_andParsesEachDocumentOnce() throws Exception {
    var memo = new java.util.concurrent.ConcurrentHashMap<String, dev.bootfleet.core.observed.ObservedHost>();
    StatusReport web01 = new StatusReport("web-01", status(), etc(), null);
    StatusReport web09 = new StatusReport("web-09", status(), null, null);
    assertThat(web01.observation(memo)).isEqualTo(web01.observation());
    assertThat(web09.observation(memo).status()).isSameAs(web01.observation(memo).status());
    assertThat(memo).hasSize(1);
    StatusReport bad = new StatusReport("web-02", "{\"apiVersion\": 3}", null, null);
    assertThatThrownBy(() -> bad.observation(memo)).isInstanceOf(IllegalArgumentException.class);
    assertThat(memo).hasSize(1); // only documents that parse are kept
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      not JSON                | {"status":                                        | body: not JSON
      an array                | []                                                | body: not a JSON object
      no status               | {}                                                | status: missing
      status a string         | {"status": "x"}                                   | status: not an object
      unknown field           | {"status": {}, "extra": 1}                        | extra: unknown field
      status not bootc's      | {"status": {"apiVersion": 3}}                     | status:
      etc a number            | {"status": STATUS, "etc": 3}                      | etc: not an object
      etc of another host     | {"status": STATUS, "etc": ETC2}                   | etc: host:
      agent of another kind   | {"status": STATUS, "agent": {"kind": "Other"}}    | agent.kind:
      agent of another host   | {"status": STATUS, "agent": {"kind": "AgentReport", "host": "db-01"}} | agent.host:
      """)
  void parse_namesTheBadPart_inOneLine(String what, String body, String start) throws Exception {
    String b = body.replace("STATUS", status()).replace("ETC2", etc().replace("\"web-01\"", "\"db-01\""));
    assertThatThrownBy(() -> StatusReport.parse("web-01", b.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(start)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
