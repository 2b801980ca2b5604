package dev.bootfleet.app.agent;

import dev.bootfleet.adapters.agentclient.ServerDesiredState;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When the agent's next cycle runs. Standalone, every interval (plus up to a tenth of it as jitter). In
 * server mode the agent waits on the server instead: a long poll ({@code If-None-Match} with the last
 * entity tag) that wakes it as soon as its target changes, asked again after each 304 until the
 * interval is up, when it runs a cycle anyway (to report how the host is). While the server cannot be
 * reached it backs off (1 s, doubled up to a minute, never past the interval) and the cycles keep the
 * last target ({@link ServerDesiredState}).
 */
final class AgentLoop {
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

  private final String host;
  private final Duration interval;
  private final ServerDesiredState server;
  private final PrintStream log;

  /** @param server the server's desired state, or null for standalone GitOps (a fixed interval) */
  AgentLoop(String host, Duration interval, ServerDesiredState server, PrintStream log) {
    this.host = host;
    this.interval = interval;
    this.server = server;
    this.log = log;
  }

  /** Returns when the next cycle is due: the interval is up, or (server mode) the target changed. */
  void awaitNext() throws InterruptedException {
    long wait = interval.toMillis() + ThreadLocalRandom.current().nextLong(interval.toMillis() / 10 + 1);
    if (server == null) {
      Thread.sleep(wait);
      return;
    }
    long deadline = System.nanoTime() + wait * 1_000_000;
    Duration backoff = FIRST_BACKOFF;
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        if (server.awaitChange(host, Duration.ofNanos(left))) {
          return;
        }
      } catch (InterruptedIOException e) {
        throw new InterruptedException(e.getMessage());
      } catch (IOException e) {
        long pause = Math.min(backoff.toNanos(), Math.max(0, deadline - System.nanoTime()));
        log.println("bootfleet-agent: waiting for a new target: " + Text.oneLine(e.getMessage(), "?") + "; again in "
            + Math.max(1, pause / 1_000_000_000) + " s");
        Thread.sleep(Duration.ofNanos(pause));
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
    }
  }
}
