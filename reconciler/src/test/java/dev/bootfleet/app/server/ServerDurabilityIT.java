package dev.bootfleet.app.server;

import static dev.bootfleet.app.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.BootfleetProcesses;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The built jar through {@code bin/bootfleet serve}: every report answered 2xx is still there after the
 * process is killed with SIGKILL and started again on the same data folder, and so are the hosts each served
 * revision changed. And {@code bootfleet host enroll} prints a token the host can exchange.
 */
class ServerDurabilityIT {

  @TempDir
  Path tmp;

  @RegisterExtension
  final BootfleetProcesses bootfleet = new BootfleetProcesses();

  Process serve(ServerHarness h, int port) throws IOException {
    return bootfleet.start(tmp.resolve("server.log"), List.of("serve", "--repo", h.url(), "--data",
        tmp.resolve("data").toString(), "--listen", "127.0.0.1:" + port, "--poll-seconds", "3600"));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void everyAcknowledgedReport_survivesSigkill() throws Exception {
    ServerHarness h = new ServerHarness(tmp);
    int port = freePort();
    h.base = "http://127.0.0.1:" + port;
    Process first = serve(h, port);
    ServerHarness.await("the server ready", Duration.ofSeconds(90), h::ready);
    String operator = Files.readString(tmp.resolve("data/operator.token")).strip();
    assertThat(Files.getPosixFilePermissions(tmp.resolve("data/operator.token")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");

    // bootfleet host enroll prints the one-time token
    var enroll = BootfleetProcesses.command(List.of("host", "enroll", "web-01", "--server", h.base, "--token-file",
        tmp.resolve("data/operator.token").toString())).redirectErrorStream(true);
    Process e = bootfleet.start(enroll);
    assertThat(e.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String printed = new String(e.getInputStream().readAllBytes()).strip();
    assertThat(e.exitValue()).as(printed).isZero();
    assertThat(printed).startsWith("bfe_").doesNotContain("\n");
    var exchanged = h.post("/v1/hosts/web-01/credential", printed, "");
    assertThat(exchanged.statusCode()).isEqualTo(201);

    Map<String, String> lastApplied = new LinkedHashMap<>();
    List<String> hosts = List.of("web-01", "web-02", "web-03", "db-01", "db-02", "edge-01", "edge-02", "core-01");
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("web-01", json(exchanged).get("token").asString());
    for (String host : hosts.subList(1, hosts.size())) {
      tokens.put(host, h.hostToken(operator, host));
    }
    for (int round = 0; round < 3; round++) {
      for (String host : hosts) {
        String rev = "main@sha1:" + round;
        String body = ServerHarness.report(host).replaceFirst("\\}\\s*$", ", \"agent\": {\"kind\": \"AgentReport\", \"host\": \""
            + host + "\", \"lastAppliedRevision\": \"" + rev + "\"}}");
        var r = h.post("/v1/hosts/" + host + "/status", tokens.get(host), body);
        if (r.statusCode() == 204) {
          lastApplied.put(host, rev);
        }
      }
    }
    assertThat(lastApplied).hasSize(hosts.size());

    BootfleetProcesses.kill(first); // SIGKILL: bin/bootfleet execs the JVM, so this is the server itself
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isEqualTo(137);

    serve(h, port);
    ServerHarness.await("the server ready again", Duration.ofSeconds(90), h::ready);
    JsonNode listed = json(h.get("/v1/hosts", operator)).get("hosts");
    for (var want : lastApplied.entrySet()) {
      JsonNode host = ServerIT.find(listed, want.getKey());
      assertThat(host.get("lastAppliedRevision").asString()).as(want.getKey()).isEqualTo(want.getValue());
    }
    String log = Files.readString(tmp.resolve("server.log"));
    assertThat(log).contains("operator.token").doesNotContain(operator, "Exception");
  }

  @Test
  void theHostsARevisionChanged_surviveSigkill() throws Exception {
    ServerHarness h = new ServerHarness(tmp);
    int port = freePort();
    h.base = "http://127.0.0.1:" + port;
    List<String> args = List.of("serve", "--repo", h.url(), "--data", tmp.resolve("data").toString(), "--listen",
        "127.0.0.1:" + port, "--poll-seconds", "1");
    Process first = bootfleet.start(tmp.resolve("server.log"), args);
    ServerHarness.await("the server ready", Duration.ofSeconds(90), h::ready);
    String operator = Files.readString(tmp.resolve("data/operator.token")).strip();
    String before = json(h.get("/v1/revisions", operator)).get("served").asString();
    h.commit("hosts/core-01.yaml", Files.readString(h.work.resolve("hosts/core-01.yaml"))
        .replace("      - mitigations=auto,nosmt", "      - mitigations=auto,nosmt\n      - quiet"));
    ServerHarness.await("the next revision served", Duration.ofSeconds(60),
        () -> ServerIT.call(() -> !json(h.get("/v1/revisions", operator)).get("served").asString().equals(before)));
    JsonNode newest = json(h.get("/v1/revisions", operator)).get("history").get(0);
    assertThat(newest.get("hostsChanged").toString()).as("%s", newest).isEqualTo("[\"core-01\"]");

    BootfleetProcesses.kill(first);
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    bootfleet.start(tmp.resolve("server2.log"), args);
    ServerHarness.await("the server ready again", Duration.ofSeconds(90), h::ready);
    JsonNode again = json(h.get("/v1/revisions", operator)).get("history").get(0);
    assertThat(again.get("revision").asString()).isEqualTo(newest.get("revision").asString());
    assertThat(again.get("hostsChanged").toString()).as("read from the store after a restart: %s", again)
        .isEqualTo("[\"core-01\"]");
  }
}
