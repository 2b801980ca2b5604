package dev.bootfleet.adapters.agentclient;

import dev.bootfleet.core.image.ImageLock;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.DesiredHostReader;
import dev.bootfleet.core.manifest.ImageLockFile;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.port.DesiredStateSource;
import dev.bootfleet.core.text.Text;
import dev.bootfleet.core.yaml.Pos;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The desired state from the reconciler server: {@code GET /v1/hosts/{name}/target} with the host's
 * credential, read with {@link DesiredHostReader} into the very {@link Desired} the Git source gives.
 * While the server cannot be reached or fails (5xx), the last target fetched stands, with a warning, so
 * the agent changes nothing new; with none fetched yet, the fetch fails. A refused credential is one line
 * naming its file. Used from one agent thread.
 */
public final class ServerDesiredState implements DesiredStateSource {
  /** {@code file:line:col: warning: text}, as {@code Problem.format} writes it. */
  private static final Pattern FORMATTED = Pattern.compile("^(?:(.+?)(?::(\\d+):(\\d+))?: )?(error|warning): (.+)$");

  private final ServerClient client;
  private String etag;
  private Desired last;
  /** A target a long poll read, for the next {@link #fetch} to return without asking again. */
  private Desired pending;

  public ServerDesiredState(ServerClient client) {
    this.client = client;
  }

  @Override
  public String describe() {
    return client.describe();
  }

  /** The entity tag of the last target read, or null. */
  public String etag() {
    return etag;
  }

  @Override
  public Desired fetch(String hostName) throws IOException {
    if (pending != null) {
      Desired d = pending;
      pending = null;
      return d;
    }
    ServerClient.Response r;
    try {
      r = client.get("/v1/hosts/" + hostName + "/target");
    } catch (java.io.InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(client.tokenFile() + ":")) {
        throw e; // the credential's file: a configuration problem, not the server's
      }
      return keep(Text.oneLine(e.getMessage(), "the server is unreachable"));
    }
    if (r.status() == 200) {
      Desired d = read(r.json());
      etag = r.etag();
      last = d;
      return d;
    }
    if (r.status() == 401 || r.status() == 403) {
      throw new IOException(client.refused(r));
    }
    if (r.status() >= 500) {
      return keep(client.failed("GET target", r));
    }
    throw new IOException(client.failed("GET /v1/hosts/" + hostName + "/target", r));
  }

  /**
   * Waits up to {@code wait} for this host's target to change: a GET with {@code If-None-Match} and the
   * last entity tag, which the server holds until the target changes or its long poll ends (304). With
   * no target read yet it asks once, without waiting.
   *
   * @return true when a new target was read (the next {@link #fetch} returns it), false when none came
   * @throws IOException when the server cannot be reached, fails or refuses: the caller backs off
   */
  public boolean awaitChange(String hostName, java.time.Duration wait) throws IOException {
    String path = "/v1/hosts/" + hostName + "/target";
    ServerClient.Response r;
    try {
      r = etag == null ? client.get(path) : client.getIfNoneMatch(path, etag, wait);
    } catch (ServerClient.TimedOut e) {
      return false; // the server held the poll longer than this agent waits: no change
    }
    if (r.status() == 304) {
      return false;
    }
    if (r.status() == 200) {
      Desired d = read(r.json());
      etag = r.etag();
      last = d;
      pending = d;
      return true;
    }
    if (r.status() == 401 || r.status() == 403) {
      throw new IOException(client.refused(r));
    }
    throw new IOException(client.failed("GET " + path, r));
  }

  /** The last target with a warning saying why; without one, the fetch fails. */
  private Desired keep(String why) throws IOException {
    if (last == null) {
      throw new IOException(why + "; no target was fetched yet, so nothing is changed");
    }
    List<Problem> problems = new ArrayList<>(last.problems());
    problems.add(Problem.warning("", null, "", why + "; keeping the target of revision " + last.revision()));
    return new Desired(last.revision(), last.host(), problems, last.images(), last.rollout());
  }

  /** A HostTarget document; one IOException naming the field when it does not read. */
  static Desired read(JsonNode o) throws IOException {
    try {
      if (!"HostTarget".equals(o.path("kind").asString(null))) {
        throw new IllegalArgumentException("kind: " + o.path("kind") + " is not HostTarget");
      }
      JsonNode rev = o.get("revision");
      if (rev == null || !rev.isString()) {
        throw new IllegalArgumentException("revision: missing (expected the served revision)");
      }
      DesiredHost host = DesiredHostReader.read(o.get("host"));
      List<Problem> problems = new ArrayList<>();
      for (JsonNode p : o.path("problems")) {
        problems.add(problem(p.asString()));
      }
      ImageLock images = ImageLock.EMPTY;
      JsonNode lock = o.get("images");
      if (lock != null && !lock.isNull()) {
        ImageLockFile.Result l = ImageLockFile.parse(lock.toString(), "images");
        if (l.problems().stream().anyMatch(Problem::isError)) {
          throw new IllegalArgumentException("images: " + l.problems().get(0).text());
        }
        images = l.lock();
      }
      return new Desired(rev.asString(), host, problems, images, rollout(o.get("rollout")));
    } catch (IllegalArgumentException e) {
      throw new IOException("the server's target does not read: " + Text.oneLine(e.getMessage(), "?"));
    }
  }

  /** The target's rollout part, or null when no rollout governs the host. */
  static DesiredStateSource.Rollout rollout(JsonNode r) {
    if (r == null || r.isNull()) {
      return null;
    }
    if (!r.isObject() || !r.path("reboot").isBoolean()) {
      throw new IllegalArgumentException("rollout: " + Text.oneLine(r.toString(), "?") + " has no reboot: true|false");
    }
    return new DesiredStateSource.Rollout(r.path("reboot").asBoolean(), textOrNull(r, "reason"),
        textOrNull(r, "message"), textOrNull(r, "rollbackFrom"), r.path("unstage").asBoolean(false),
        textOrNull(r, "rebootMode"));
  }

  private static String textOrNull(JsonNode o, String key) {
    JsonNode v = o.get(key);
    return v == null || !v.isString() ? null : v.asString();
  }

  /** A problem line as the server formatted it, back into a {@link Problem} that formats the same. */
  static Problem problem(String line) {
    Matcher m = FORMATTED.matcher(line);
    if (!m.matches()) {
      return Problem.warning("", null, "", Text.oneLine(line, "?"));
    }
    Pos pos = m.group(2) == null ? Pos.NONE : new Pos(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    Problem.Severity s = m.group(4).equals("error") ? Problem.Severity.ERROR : Problem.Severity.WARNING;
    return new Problem(s, m.group(1), pos, "", m.group(5));
  }
}
