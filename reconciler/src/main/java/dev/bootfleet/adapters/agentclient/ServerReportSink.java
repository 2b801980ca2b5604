package dev.bootfleet.adapters.agentclient;

import dev.bootfleet.core.port.ReportSink;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;

/**
 * Sends a cycle's report to {@code POST /v1/hosts/{name}/status}, trying again after each pause of its
 * backoff (1 s, then 2 s by default) when the server cannot be reached or fails (5xx); a refused
 * credential or a refused report is not tried again. Bounded: at most the pauses plus one request
 * timeout per try.
 */
public final class ServerReportSink implements ReportSink {
  /** What waits between tries; tests pass one that returns at once. */
  @FunctionalInterface
  public interface Pause {
    Pause SLEEP = d -> Thread.sleep(d.toMillis());

    void pause(Duration d) throws InterruptedException;
  }

  public static final List<Duration> BACKOFF = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2));

  private final ServerClient client;
  private final List<Duration> backoff;
  private final Pause pause;

  public ServerReportSink(ServerClient client, List<Duration> backoff, Pause pause) {
    this.client = client;
    this.backoff = List.copyOf(backoff);
    this.pause = pause;
  }

  @Override
  public void send(String host, String status, String etc, String agent) throws IOException {
    String body = "{\"status\": " + status + ", \"etc\": " + (etc == null ? "null" : etc) + ", \"agent\": " + agent
        + "}";
    String path = "/v1/hosts/" + host + "/status";
    String last = null;
    for (int attempt = 0; attempt <= backoff.size(); attempt++) {
      if (attempt > 0) {
        try {
          pause.pause(backoff.get(attempt - 1));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("the report was not sent: interrupted");
        }
      }
      ServerClient.Response r;
      try {
        r = client.post(path, body);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        if (e.getMessage() != null && e.getMessage().startsWith(client.tokenFile() + ":")) {
          throw e;
        }
        last = Text.oneLine(e.getMessage(), "unreachable");
        continue;
      }
      if (r.status() / 100 == 2) {
        return;
      }
      if (r.status() == 401 || r.status() == 403) {
        throw new IOException("the report was not sent: " + client.refused(r));
      }
      if (r.status() < 500) {
        throw new IOException("the report was not sent: " + client.failed("POST " + path, r));
      }
      last = client.failed("POST " + path, r);
    }
    throw new IOException("the report was not sent after " + (backoff.size() + 1) + " tries (" + last
        + "); the next cycle sends its own");
  }
}
