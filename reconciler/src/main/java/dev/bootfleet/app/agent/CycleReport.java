package dev.bootfleet.app.agent;

import dev.bootfleet.core.lifecycle.HostRecord;
import dev.bootfleet.core.status.Condition;
import dev.bootfleet.core.status.Reason;
import dev.bootfleet.core.status.SyncStatus;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What one cycle found and did: printed as log lines while it runs (the journal keeps them) and written
 * as {@code <host>.agent.json} at the end. Never holds file contents or URLs with credentials.
 */
final class CycleReport {
  /** One step the agent carried out or left out. */
  public record Step(String type, String target, String result, String detail) {}

  public record Drift(String path, String detail) {}

  final String host;
  final Instant time;
  final String bootId;
  private final PrintStream log;
  /**
   * How long the cycle took, from its start to just before this report was written, in milliseconds
   * (System.nanoTime, not the agent's clock); -1 until then.
   */
  long durationMs = -1;
  String source;
  String revision;
  /** bootc or rpm-ostree, and why that one. */
  String driver;
  String driverHow;
  SyncStatus status = SyncStatus.UNKNOWN;
  Reason why = Reason.NO_OBSERVED_STATE;
  String reason = "";
  /** The last revision this host was found in sync with (kept across cycles), or null. */
  String lastAppliedRevision;
  String bootOutcome;
  String bootImage;
  HostRecord.Hold hold;
  String reboot;
  /** How the reboot asked for in this cycle goes: reboot or soft-reboot; null when none was asked for. */
  String rebootMode;
  String fleetLock;
  /** healthy, failed or pending after a boot into a new deployment; null when no checks ran. */
  String health;
  private List<HealthChecks.Check> healthChecks = List.of();
  final List<Step> steps = new ArrayList<>();
  private boolean unreadable;
  final List<Drift> drift = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  final List<String> problems = new ArrayList<>();

  CycleReport(String host, Instant time, String bootId, PrintStream log) {
    this.host = host;
    this.time = time;
    this.bootId = bootId;
    this.log = log;
  }

  /** The status word ({@code in-sync}, ...), as the report writes it. */
  public String status() {
    return status.id();
  }

  public SyncStatus sync() {
    return status;
  }

  /** The CamelCase reason of the host's conditions. */
  public Reason why() {
    return why;
  }

  /** Ready, Reconciling and Stalled, as the report writes them. */
  public List<Condition> conditions() {
    return Condition.of(why, reason);
  }

  public String reason() {
    return reason;
  }

  public String bootOutcome() {
    return bootOutcome;
  }

  /** bootc or rpm-ostree: the driver this cycle used, or null when none could read the host. */
  public String driver() {
    return driver;
  }

  public String reboot() {
    return reboot;
  }

  /** Milliseconds from the cycle's start to just before its report was written; -1 if it was not. */
  public long durationMs() {
    return durationMs;
  }

  public List<Step> steps() {
    return List.copyOf(steps);
  }

  public List<Drift> drift() {
    return List.copyOf(drift);
  }

  public List<String> problems() {
    return List.copyOf(problems);
  }

  public List<String> notes() {
    return List.copyOf(notes);
  }

  public HostRecord.Hold hold() {
    return hold;
  }

  /**
   * Whether a step of this cycle so far failed or was refused, or a managed path could not be read:
   * either way the host is not known to match Git.
   */
  boolean anyFailed() {
    return unreadable || steps.stream().anyMatch(s -> s.result().equals("failed") || s.result().equals("refused"));
  }

  void step(String type, String target, String result, String detail) {
    steps.add(new Step(type, target, result, detail));
    log.println("bootfleet-agent: " + type + " " + target + ": " + result + (detail == null ? "" : " (" + detail + ")"));
  }

  /** A managed path the agent could not read (a folder or a link where Git names a file, ...). */
  void unreadable(String path, String detail) {
    unreadable = true;
    drift(path, detail);
  }

  void drift(String path, String detail) {
    drift.add(new Drift(path, detail));
    log.println("bootfleet-agent: drift: " + path + ": " + detail);
  }

  void note(String text) {
    notes.add(text);
    log.println("bootfleet-agent: " + text);
  }

  /** A problem of this cycle; a line that already says {@code FILE:LINE:COL: error:} is not prefixed again. */
  void problem(String text) {
    problems.add(text);
    log.println("bootfleet-agent: " + (LOCATED_ERROR.matcher(text).lookingAt() ? text : "error: " + text));
  }

  private static final java.util.regex.Pattern LOCATED_ERROR = java.util.regex.Pattern.compile("\\S+:\\d+(:\\d+)?: error: ");

  /** The health checks' answer: logged, and a failure also a problem naming the failing checks. */
  void health(HealthChecks.Result r) {
    health = r.health();
    healthChecks = r.checks();
    if (r.health().equals("healthy")) {
      note("health: healthy (" + r.checks().size() + " check(s) passed)");
    } else if (r.health().equals("pending")) {
      note("health: pending: " + r.failing());
    } else {
      problem("health: failed: " + r.failing());
    }
  }

  public String health() {
    return health;
  }

  /**
   * The boot the host is in at the end of the cycle: when the cycle rebooted it (a simulated host's reboot returns,
   * and the status reported is the new boot's), the health verdict was on the boot before, so the report says
   * nothing of health; the server would otherwise take it for the new image's.
   */
  void bootNow(String bootIdNow) {
    if (health != null && bootIdNow != null && !bootIdNow.equals(bootId)) {
      note("health: not reported: the verdict (" + health + ") was on the boot this cycle ended");
      health = null;
      healthChecks = List.of();
    }
  }

  /** What the last boot proved about what was staged ({@code HostLifecycle.AfterBoot}). */
  void booted(String outcome, String image, String note) {
    bootOutcome = outcome;
    bootImage = image;
    note(note);
  }

  void status(Reason r, String sentence) {
    status = r.status();
    why = r;
    reason = sentence;
  }

  ObjectNode toJson() {
    JsonMapper m = JsonMapper.shared();
    ObjectNode o = m.createObjectNode();
    o.put("apiVersion", "bootfleet.dev/v1alpha1");
    o.put("kind", "AgentReport");
    o.put("host", host);
    o.put("time", time.toString());
    o.put("bootId", bootId);
    o.put("source", source);
    o.put("revision", revision);
    o.put("driver", driver);
    o.put("driverDetection", driverHow);
    o.put("status", status.id());
    o.put("reason", reason);
    ArrayNode conditions = o.putArray("conditions");
    for (Condition c : conditions()) {
      conditions.addObject().put("type", c.type()).put("status", c.status()).put("reason", c.reason())
          .put("message", c.message());
    }
    o.put("lastAttemptedRevision", revision);
    o.put("lastAppliedRevision", lastAppliedRevision);
    o.put("durationMs", durationMs);
    if (bootOutcome != null) {
      o.putObject("boot").put("outcome", bootOutcome).put("image", bootImage);
    } else {
      o.putNull("boot");
    }
    if (hold != null) {
      o.putObject("hold").put("image", hold.ref()).put("outcome", hold.outcome()).put("reason", hold.reason())
          .put("since", hold.since())
          .put("rollbackReverted", hold.rollbackReverted());
    } else {
      o.putNull("hold");
    }
    o.put("health", health);
    ArrayNode hc = o.putArray("healthChecks");
    healthChecks.forEach(c -> hc.addObject().put("check", c.name()).put("result", c.result()).put("detail", c.detail()));
    o.put("reboot", reboot);
    o.put("rebootMode", rebootMode);
    o.put("fleetLock", fleetLock);
    ArrayNode a = o.putArray("steps");
    for (Step s : steps) {
      ObjectNode x = a.addObject().put("type", s.type()).put("target", s.target()).put("result", s.result());
      x.put("detail", s.detail());
    }
    ArrayNode d = o.putArray("drift");
    drift.forEach(x -> d.addObject().put("path", x.path()).put("detail", x.detail()));
    ArrayNode n = o.putArray("notes");
    notes.forEach(n::add);
    ArrayNode p = o.putArray("problems");
    problems.forEach(p::add);
    return o;
  }
}
