package dev.bootfleet.app.server;

import static dev.bootfleet.app.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.adapters.store.SqlFleetStore;
import dev.bootfleet.testing.PostgresExtension;
import dev.bootfleet.testing.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The server in this process (as {@link ServerIT} starts it) with its store in a real PostgreSQL 15: it
 * serves the repository and takes a report; stopped and started again on the same database, with a new,
 * empty data folder, it still has the revision, the report, the timeline and the credentials.
 */
class ServerPostgresIT {
  @RegisterExtension
  static final PostgresExtension PG = new PostgresExtension();

  @TempDir
  Path tmp;

  ReconcilerServer server;
  final List<String> log = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  void launch(ServerHarness h, SqlFleetStore.Database db, Path data) throws Exception {
    server = new ReconcilerServer(new ReconcilerServer.Config(h.url(), "main", "", "127.0.0.1", 0, data,
        Duration.ofHours(1), Duration.ZERO, Duration.ofSeconds(60), Duration.ofSeconds(900),
        ServerHarness.SECRET.getBytes(StandardCharsets.UTF_8), db), line -> {
          log.add(line);
          System.err.println("[server] " + line);
        });
    h.base = "http://127.0.0.1:" + server.start();
    ServerHarness.await("a revision served", Duration.ofSeconds(60), h::ready);
  }

  @Test
  void restart_onTheSameDatabase_keepsReportsTimelineAndCredentials() throws Exception {
    ServerHarness h = new ServerHarness(tmp);
    SqlFleetStore.Database db = new SqlFleetStore.Database(PG.server().newDatabase(), PostgresServer.USER, PG.server().password());
    launch(h, db, tmp.resolve("data-1"));
    String operator = Files.readString(tmp.resolve("data-1/operator.token")).strip();
    String served = json(h.get("/v1/revisions", operator)).get("served").asString();
    String web01 = h.hostToken(operator, "web-01");
    assertThat(h.get("/v1/hosts/web-01/target", web01).statusCode()).isEqualTo(200);
    var report = h.post("/v1/hosts/web-01/status", web01, ServerHarness.report("web-01"));
    assertThat(report.statusCode()).as(report.body()).isEqualTo(204);
    JsonNode before = json(h.get("/v1/hosts/web-01", operator));
    assertThat(before.get("observed").isNull()).isFalse();
    assertThat(before.get("timeline")).isNotEmpty();
    server.close();

    // A new data folder: whatever the second server knows, it read from PostgreSQL.
    launch(h, db, tmp.resolve("data-2"));
    assertThat(tmp.resolve("data-2/operator.token")).doesNotExist(); // the first operator credential is still there
    assertThat(json(h.get("/v1/revisions", operator)).get("served").asString()).isEqualTo(served);
    JsonNode after = json(h.get("/v1/hosts/web-01", operator));
    assertThat(after.get("observed")).isEqualTo(before.get("observed"));
    assertThat(after.get("timeline")).isEqualTo(before.get("timeline")); // the restart itself changed nothing
    assertThat(h.get("/v1/hosts/web-01/target", web01).statusCode()).isEqualTo(200);
    assertThat(log).anyMatch(l -> l.contains("the store is in " + db.url()))
        .noneMatch(l -> l.contains(PG.server().password()));
  }
}
