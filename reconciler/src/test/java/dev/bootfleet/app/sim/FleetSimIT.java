package dev.bootfleet.app.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.app.server.ReconcilerServer;
import dev.bootfleet.core.server.WebhookSignature;
import dev.bootfleet.testing.Example;
import dev.bootfleet.testing.RegistryServer;
import dev.bootfleet.testing.TestImages;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fleet simulator end to end: the real server in this process over a JGit repository, a real
 * registry, and {@code bin/bootfleet sim fleet} with 20 simulated hosts that enroll through the API. A
 * commit bumping the digest and its webhook gets every simulated host staged, as the server shows; the
 * hosts' interval is an hour, so only the long poll can have woken them.
 */
class FleetSimIT {
  static final String SECRET = "webhook-secret-for-fleet-sim";
  static final Path BIN = Example.projectRoot().resolve("bin/bootfleet");
  static final int HOSTS = 20;
  static final PersonIdent WHO = new PersonIdent("Test", "test@example.com");

  @TempDir
  Path tmp;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  final List<String> said = new CopyOnWriteArrayList<>();
  RegistryServer registry;
  ReconcilerServer server;
  Process sim;
  String base;
  String operator;

  @AfterEach
  void stop() throws Exception {
    if (sim != null) {
      // the launcher may run the JVM as its child (while it records its start-up cache): end both
      List<ProcessHandle> all = new ArrayList<>(sim.descendants().toList());
      all.add(sim.toHandle());
      all.forEach(ProcessHandle::destroy);
      for (ProcessHandle p : all) {
        if (!p.onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS).thenApply(x -> !p.isAlive()).get()) {
          p.destroyForcibly();
        }
      }
    }
    if (server != null) {
      server.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  /**
   * Hosts that reboot into an image {@code --unhealthy-image} names run greenboot's check after the boot, as a real
   * host does, and report {@code health: failed}; their reboots took the server's lease (one slot: one at a time),
   * and each host's lease is given back after its boot.
   */
  @Test
  void unhealthyImage_hostsThatBootIt_reportHealthFailed_afterALeasedReboot() throws Exception {
    registry = RegistryServer.start();
    TestImages images = new TestImages(registry);
    TestImages.Image v1 = images.push("fleet/web-os", "43.1");
    TestImages.Image v2 = images.push("fleet/web-os", "43.2");
    List<String> names = List.of("web-01", "web-02");
    Path repo = Files.createDirectories(tmp.resolve("fleet"));
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      commit(git, repo, v1.pinned(), names);
      startServer(repo, Duration.ofSeconds(1));
      sim = new ProcessBuilder(BIN.toString(), "sim", "fleet", "--server", base, "--names", String.join(",", names),
          "--operator-token-file", tmp.resolve("data/operator.token").toString(), "--image", v1.pinned(),
          "--unhealthy-image", v2.tagged(), "--reboot-any-time", "--dir", tmp.resolve("sim").toString(),
          "--interval-seconds", "2").redirectErrorStream(true).start();
      readOutput();
      await("both simulated hosts reported their first cycle", Duration.ofSeconds(120),
          () -> reported().size() == names.size());
      for (String name : names) { // booted v1 at the start: no boot into a new deployment, no health yet
        assertThat(agent(name).path("health").isNull()).isTrue();
      }

      commit(git, repo, v2.pinned(), names);
      await("both hosts booted " + v2.digest() + " and reported greenboot failed", Duration.ofSeconds(90),
          () -> names.stream().allMatch(n -> health(n).equals("failed")));
      for (String name : names) {
        JsonNode h = json(get("/v1/hosts/" + name, operator));
        assertThat(h.path("observed").path("status").path("status").path("booted").path("image").path("imageDigest")
            .asString()).isEqualTo(v2.digest());
        assertThat(h.path("observed").path("agent").path("healthChecks").toString())
            .contains("greenboot-healthcheck.service failed");
      }
      // both leases were given back after the boots: with one slot in the group, web-02 can take it again
      String web02 = Files.readString(tmp.resolve("sim/web-02/host.token")).strip();
      await("the reboot slot is free again", Duration.ofSeconds(30), () -> http.send(HttpRequest.newBuilder(
          URI.create(base + "/v1/pre-reboot")).header("fleet-lock-protocol", "true")
          .header("Authorization", "Bearer " + web02).timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofString("{\"client_params\":{\"id\":\"web-02\",\"group\":\"default\"}}"))
          .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
      assertThat(String.join("\n", said)).doesNotContain("Exception").doesNotContain(operator);
    }
  }

  /** The server in this process over {@code repo}, polling Git every {@code poll}; waits until it serves. */
  void startServer(Path repo, Duration poll) throws Exception {
    server = new ReconcilerServer(new ReconcilerServer.Config(repo.toUri().toString(), "main", "", "127.0.0.1", 0,
        tmp.resolve("data"), poll, Duration.ZERO, Duration.ofSeconds(30), Duration.ofSeconds(900),
        SECRET.getBytes(StandardCharsets.UTF_8), null), line -> System.err.println("[server] " + line));
    base = "http://127.0.0.1:" + server.start();
    await("the first revision served", Duration.ofSeconds(60), () -> get("/readyz", null).statusCode() == 200);
    operator = Files.readString(tmp.resolve("data/operator.token")).strip();
  }

  void readOutput() {
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(sim.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          said.add(line);
        }
      } catch (java.io.IOException e) {
        said.add("(output closed: " + e.getMessage() + ")");
      }
    });
  }

  /** The agent part of {@code name}'s last report as the server stored it. */
  JsonNode agent(String name) throws Exception {
    return json(get("/v1/hosts/" + name, operator)).path("observed").path("agent");
  }

  /** What {@code name}'s last report says of its health ("" when nothing). */
  String health(String name) {
    try {
      return agent(name).path("health").asString("");
    } catch (Exception e) {
      return "";
    }
  }

  @Test
  void commitAndWebhook_getEverySimulatedHostStaged_throughTheLongPoll() throws Exception {
    registry = RegistryServer.start();
    TestImages images = new TestImages(registry);
    TestImages.Image v1 = images.push("fleet/web-os", "42.1");
    TestImages.Image v2 = images.push("fleet/web-os", "42.2");
    Path repo = Files.createDirectories(tmp.resolve("fleet"));
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      commit(git, repo, v1.pinned());
      startServer(repo, Duration.ofHours(1));

      sim = new ProcessBuilder(BIN.toString(), "sim", "fleet", "--server", base, "--hosts", String.valueOf(HOSTS),
          "--operator-token-file", tmp.resolve("data/operator.token").toString(), "--image", v1.pinned(),
          "--dir", tmp.resolve("sim").toString(), "--interval-seconds", "3600", "--events")
          .redirectErrorStream(true).start();
      readOutput();
      await("every simulated host reported its first cycle", Duration.ofSeconds(120),
          () -> reported().size() == HOSTS);
      assertThat(staged(v1.digest())).isEmpty();
      assertThat(said).anySatisfy(l -> assertThat(l).contains("enrolling " + HOSTS + " simulated hosts"));

      commit(git, repo, v2.pinned());
      String head = git.getRepository().resolve("refs/heads/main").name();
      byte[] hook = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(base + "/hooks/git"))
          .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(WebhookSignature.hmac(
              SECRET.getBytes(StandardCharsets.UTF_8), hook)))
          .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(hook)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(accepted.statusCode()).isEqualTo(202);

      // what the server shows: every host's last report has v2 staged, from the new revision
      await("every simulated host staged " + v2.digest(), Duration.ofSeconds(60),
          () -> staged(v2.digest()).size() == HOSTS);
      for (JsonNode h : json(get("/v1/hosts", operator)).path("hosts")) {
        assertThat(h.path("lastAttemptedRevision").asString()).contains(head);
      }
      await("the simulator says all staged", Duration.ofSeconds(10),
          () -> said.contains("fleet simulator: all " + HOSTS + " simulated hosts staged " + v2.digest()));
      assertThat(said.stream().filter(l -> l.startsWith("staged ")).count()).isEqualTo(HOSTS);
      assertThat(String.join("\n", said)).doesNotContain("Exception").doesNotContain(operator);
    }
  }

  /** The hosts whose last report the server holds. */
  List<String> reported() throws Exception {
    List<String> names = new ArrayList<>();
    for (JsonNode h : json(get("/v1/hosts", operator)).path("hosts")) {
      if (!h.path("lastReport").isNull() && !h.path("lastReport").isMissingNode()) {
        names.add(h.path("name").asString());
      }
    }
    return names;
  }

  /** The hosts whose last report, as the server stored it, has {@code digest} staged. */
  List<String> staged(String digest) throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= HOSTS; i++) {
      String name = "sim-%03d".formatted(i);
      JsonNode d = json(get("/v1/hosts/" + name, operator));
      if (d.path("observed").path("status").path("status").path("staged").path("image").path("imageDigest")
          .asString("").equals(digest)) {
        names.add(name);
      }
    }
    return names;
  }

  static void commit(Git git, Path repo, String image) throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= HOSTS; i++) {
      names.add("sim-%03d".formatted(i));
    }
    commit(git, repo, image, names);
  }

  static void commit(Git git, Path repo, String image, List<String> names) throws Exception {
    Files.createDirectories(repo.resolve("hosts"));
    for (String name : names) {
      Files.writeString(repo.resolve("hosts/" + name + ".yaml"), """
          apiVersion: bootfleet.dev/v1alpha1
          kind: Host
          metadata:
            name: %s
          spec:
            image:
              ref: %s
          """.formatted(name, image));
    }
    git.add().addFilepattern(".").call();
    git.commit().setMessage("fleet: " + image).setAuthor(WHO).setCommitter(WHO).setSign(false).call();
  }

  HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    return http.send((token == null ? b : b.header("Authorization", "Bearer " + token)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) {
    return JsonMapper.shared().readTree(r.body());
  }

  interface Check {
    boolean holds() throws Exception;
  }

  /** Checks {@code condition} until it holds or {@code max} passes (then fails, with what the simulator said). */
  void await(String what, Duration max, Check condition) throws Exception {
    Instant end = Instant.now().plus(max);
    while (!condition.holds()) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("not within " + max + ": " + what + "\nthe simulator said:\n"
            + String.join("\n", said.subList(Math.max(0, said.size() - 40), said.size())));
      }
      Thread.sleep(100); // between checks of the condition, not in place of one
    }
  }
}
