package dev.bootfleet.app.server;

import static dev.bootfleet.app.server.ServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's real {@code /metrics}, after it served a revision, took a report and failed a fetch, checked
 * by Prometheus's own linter ({@code promtool check metrics}, Debian's package {@code prometheus}); and the
 * three routes that answer without a credential reveal no host name, revision or secret.
 */
class MetricsLintIT {
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  @TempDir
  Path tmp;

  ServerHarness h;
  ReconcilerServer server;
  String operator;
  String web01;

  @BeforeEach
  void start() throws Exception {
    h = new ServerHarness(tmp);
    // a rollout, so that its gauge has rows for promtool to check
    h.commit("rollout.yaml", """
        apiVersion: bootfleet.dev/v1alpha1
        kind: Rollout
        metadata: {name: web}
        spec:
          selector: {matchLabels: {role: web}}
          waves: [{name: canary, selector: {matchLabels: {site: ams1}}}]
        """);
    server = new ReconcilerServer(new ReconcilerServer.Config(h.url(), "main", "", "127.0.0.1", 0, tmp.resolve("data"),
        Duration.ofHours(1), Duration.ZERO, Duration.ofSeconds(60), Duration.ofSeconds(900),
        ServerHarness.SECRET.getBytes(StandardCharsets.UTF_8), null), line -> System.err.println("[server] " + line));
    h.base = "http://127.0.0.1:" + server.start();
    ServerHarness.await("the first revision served", Duration.ofSeconds(60), h::ready);
    operator = Files.readString(tmp.resolve("data/operator.token")).strip();
    web01 = h.hostToken(operator, "web-01");
    assertThat(h.post("/v1/hosts/web-01/status", web01, ServerHarness.report("web-01")).statusCode()).isEqualTo(204);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void metrics_passPromtoolCheck_withNoLintComplaint() throws Exception {
    // a host no rollout governs takes a slot (a governed one waits for its rollout: RolloutServerIT)
    String db01 = h.hostToken(operator, "db-01");
    assertThat(h.send(h.req("/v1/pre-reboot", db01).header("fleet-lock-protocol", "true").POST(HttpRequest
        .BodyPublishers.ofString("{\"client_params\": {\"id\": \"db-01\", \"group\": \"web\"}}"))).statusCode())
        .isEqualTo(200);
    HttpResponse<String> r = h.get("/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    String scrape = r.body();
    assertThat(scrape).contains("bootfleet_hosts{status=\"in-sync\"}", "bootfleet_reconcile_duration_seconds_count",
        "bootfleet_git_fetch_errors_total", "bootfleet_revision_stalled 0.0", "bootfleet_status_reports_total 1.0",
        "jvm_memory_used_bytes", "jvm_threads_live_threads",
        "bootfleet_reconcile_duration_seconds_bucket", "process_cpu_seconds_total", "system_cpus ",
        "bootfleet_reboot_leases{group=\"web\"} 1.0");
    ServerHarness.await("web-01 healthy in the rollout's gauge", Duration.ofSeconds(30), () -> {
      try {
        return h.get("/metrics", null).body().contains(
            "bootfleet_rollout_hosts{rollout=\"web\",state=\"healthy\",wave=\"rest\"} 1.0");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    scrape = h.get("/metrics", null).body();

    Checked c = promtool(scrape);
    assertThat(c.exit).as("promtool check metrics: " + c.output).isZero();
    assertThat(c.output).as("promtool's lint").isBlank();
  }

  @Test
  void promtool_failsOnLint_soTheCheckAboveCanFail() throws Exception {
    Checked c = promtool("# HELP bootfleet_things Things\n# TYPE bootfleet_things counter\nbootfleet_things 1\n");
    assertThat(c.exit).isNotZero();
    assertThat(c.output).contains("bootfleet_things", "_total");
  }

  @Test
  void unauthenticatedRoutes_revealNoHostRevisionOrSecret() throws Exception {
    String revision = json(h.get("/v1/revisions", operator)).get("served").asString();
    String sha = revision.substring(revision.indexOf("sha1:") + 5);
    for (String path : List.of("/healthz", "/readyz", "/metrics")) {
      HttpResponse<String> r = h.get(path, null);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.body()).as(path).doesNotContain("web-01", "web-02", sha, sha.substring(0, 7), operator, web01,
          ServerHarness.SECRET, "sha256:", h.url(), tmp.toString());
      assertThat(r.headers().map().toString()).as(path + " headers").doesNotContain("web-01", sha.substring(0, 7));
    }
  }

  record Checked(int exit, String output) {}

  /** {@code promtool check metrics} on {@code text}: its exit code and everything it wrote. */
  static Checked promtool(String text) throws IOException, InterruptedException {
    assertThat(Files.isExecutable(PROMTOOL)).as(PROMTOOL + " is missing: install the Debian package prometheus"
        + " (apt-get install prometheus)").isTrue();
    Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    try (var in = p.getOutputStream()) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("promtool check metrics did not end within 60 s");
    }
    return new Checked(p.exitValue(), out.join());
  }

  private static String read(InputStream in) {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return b.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
