package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.app.server.ReconcilerServer;
import dev.bootfleet.testing.Example;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bootfleet rollout list|status|pause|resume|abort|approve} against a server in this process over a
 * real Git repository with a {@code Rollout}: each action is recorded with the operator's id, and every refusal
 * is one line and exit 1.
 */
class RolloutCommandIT {
  @TempDir
  Path tmp;

  ReconcilerServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void rolloutCommands_listShowAndSteer_aRun_recordedWithWho() throws Exception {
    Path work = tmp.resolve("fleet");
    Example.copyTree(Example.fleetRepo(), work);
    Files.writeString(work.resolve("rollout.yaml"), """
        apiVersion: bootfleet.dev/v1alpha1
        kind: Rollout
        metadata: {name: web}
        spec:
          selector: {matchLabels: {role: web}}
          waves:
            - {name: canary, selector: {matchLabels: {site: ams1}}}
            - {name: main, selector: {matchLabels: {site: fra1}}, approval: true}
        """);
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("fleet").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").call();
    }
    server = new ReconcilerServer(new ReconcilerServer.Config(work.toUri().toString(), "main", "", "127.0.0.1", 0,
        tmp.resolve("data"), Duration.ofHours(1), Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(900), null,
        null), line -> System.err.println("[server] " + line));
    String base = "http://127.0.0.1:" + server.start();
    String token = tmp.resolve("data/operator.token").toString();
    Instant end = Instant.now().plusSeconds(60);
    Cli.Run list = Cli.run("rollout", "list", "--server", base, "--token-file", token);
    while (!list.out().contains("web  ")) {
      assertThat(Instant.now()).as("the rollout listed within 60 s: " + list).isBefore(end);
      Thread.sleep(50); // between checks of the condition, not in place of one
      list = Cli.run("rollout", "list", "--server", base, "--token-file", token);
    }
    assertThat(list.exit()).isZero();

    Cli.Run status = Cli.run("rollout", "status", "web", "--server", base, "--token-file", token);
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).contains("rollout web: ", "  wave canary: ", "  wave main: ", "needs approval",
        "  wave rest: ");

    Cli.Run pause = Cli.run("rollout", "pause", "web", "--server", base, "--token-file", token);
    assertThat(pause.exit()).as(pause.err()).isZero();
    assertThat(pause.out()).contains("rollout web: paused (paused by an operator)").containsPattern(
        "paused +paused +\\(operator:[0-9a-f]{16}\\)");
    Cli.Run again = Cli.run("rollout", "pause", "web", "--server", base, "--token-file", token);
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err().strip()).contains("is paused already").doesNotContain("\n");

    assertThat(Cli.run("rollout", "resume", "web", "--server", base, "--token-file", token).exit()).isZero();
    Cli.Run approve = Cli.run("rollout", "approve", "web", "main", "--server", base, "--token-file", token);
    assertThat(approve.exit()).as(approve.err()).isZero();
    assertThat(approve.out()).contains("approved wave main");
    Cli.Run wrongWave = Cli.run("rollout", "approve", "web", "nope", "--server", base, "--token-file", token);
    assertThat(wrongWave.exit()).isEqualTo(1);
    assertThat(wrongWave.err()).contains("wave \"nope\" is not one of rollout \"web\"");
    Cli.Run noRollout = Cli.run("rollout", "abort", "nope", "--server", base, "--token-file", token);
    assertThat(noRollout.exit()).isEqualTo(1);
    assertThat(noRollout.err()).contains("no rollout \"nope\"");
    Cli.Run badName = Cli.run("rollout", "status", "Not_A_Name", "--server", base, "--token-file", token);
    assertThat(badName.exit()).isEqualTo(1);
    assertThat(badName.err()).startsWith("bootfleet: error: rollout Not_A_Name: not a rollout name");
    Cli.Run abort = Cli.run("rollout", "abort", "web", "--server", base, "--token-file", token);
    assertThat(abort.exit()).isZero();
    assertThat(abort.out()).contains("rollout web: aborted (aborted by an operator)");

    Cli.Run watch = Cli.run("rollout", "status", "web", "--watch", "--server", base, "--token-file", token);
    assertThat(watch.exit()).as("--watch ends with 2 on an aborted run: " + watch).isEqualTo(2);
    assertThat(watch.out()).contains("rollout web: aborted (aborted by an operator)", "  wave canary: ",
        "aborted  ").doesNotContain("\u001b[");
  }
}
