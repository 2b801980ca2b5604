package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.bootfleet.adapters.agentclient.ServerClient;
import dev.bootfleet.adapters.agentclient.ServerDesiredState;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.server.HostTarget;
import dev.bootfleet.testing.Example;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a server-mode agent runs its next cycle, against a real HTTP server on loopback: it waits on the
 * target's long poll, asks again after each 304 and wakes when the target changes, long before its
 * interval; while the server is unreachable it backs off and still returns when its interval is up.
 */
class AgentLoopTest {
  @TempDir
  Path tmp;

  HttpServer server;
  HostTarget target;
  /** How many 304s the server answers before the changed target. */
  final AtomicInteger notModified = new AtomicInteger();
  final List<String> conditions = new CopyOnWriteArrayList<>();
  ServerClient client;

  @BeforeEach
  void start() throws Exception {
    Fleet fleet = Example.fleet();
    target = HostTarget.of(fleet.revision(), fleet.host("web-01").orElseThrow(), fleet.problems(), fleet.images());
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      String inm = ex.getRequestHeaders().getFirst("If-None-Match");
      conditions.add(inm == null ? "-" : inm);
      ex.getRequestBody().readAllBytes();
      if (inm != null && notModified.getAndDecrement() > 0) {
        ex.sendResponseHeaders(304, -1);
        ex.close();
        return;
      }
      byte[] b = target.json().toString().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("ETag", inm == null ? target.etag() : "\"changed\"");
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    server.start();
    Path token = Files.writeString(tmp.resolve("host.token"), "bfh_test-credential-0123456789\n");
    client = new ServerClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), token, null,
        Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void awaitNext_asksAgainAfterEach304_andWakesWhenTheTargetChanges() throws Exception {
    ServerDesiredState source = new ServerDesiredState(client);
    source.fetch("web-01");
    notModified.set(3);

    new AgentLoop("web-01", Duration.ofHours(1), source, new PrintStream(OutputStream.nullOutputStream()))
        .awaitNext(); // returns: an hour's interval never ran out

    assertThat(conditions).containsExactly("-", target.etag(), target.etag(), target.etag(), target.etag());
    assertThat(source.fetch("web-01").revision()).isEqualTo(Example.fleet().revision());
    assertThat(source.etag()).isEqualTo("\"changed\"");
    assertThat(conditions).hasSize(5); // the cycle's fetch took the target the long poll read
  }

  @Test
  void awaitNext_backsOff_whileTheServerIsUnreachable_untilTheIntervalIsUp() throws Exception {
    ServerDesiredState source = new ServerDesiredState(client);
    source.fetch("web-01");
    server.stop(0);
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    new AgentLoop("web-01", Duration.ofSeconds(2), source, new PrintStream(log, true, StandardCharsets.UTF_8))
        .awaitNext();

    List<String> lines = log.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l)
        .startsWith("bootfleet-agent: waiting for a new target: " + client.describe() + " is unreachable")
        .doesNotContain("bfh_"));
    assertThat(lines.get(0)).endsWith("; again in 1 s");
  }
}
