package dev.bootfleet.adapters.http;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.render.Report;
import dev.bootfleet.core.server.HostTarget;
import dev.bootfleet.core.server.StatusReport;
import java.time.Duration;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the HTTP API asks of the server (implemented in {@code app.server}): the served revision's targets
 * and plans, the store behind reports. Host names reach it checked against the manifest name rule.
 */
public interface Backend {
  /** The host's target at the served revision; null when no revision is served or it declares no such host. */
  HostTarget target(String host);

  /**
   * Waits until the host's target has another entity tag than {@code etag}, or {@code max} passes; returns
   * the target then (the same tag: nothing changed).
   */
  HostTarget awaitTarget(String host, String etag, Duration max) throws InterruptedException;

  /** Whether the served revision declares the host. */
  boolean declared(String host);

  /** Stores a host's report durably (committed on return) and plans the host again. */
  void report(StatusReport report);

  /** {@code GET /v1/hosts}. */
  ObjectNode hosts();

  /** {@code GET /v1/hosts/{name}}; null when no such host is declared. */
  ObjectNode host(String name);

  /** The served revision's plan against the stored reports; null when no revision is served. */
  Report plan(boolean drift);

  /**
   * {@code GET /v1/observed}: every host's last report as it came (its documents and when), the server's
   * time and its stale limit, for a CLI that plans against them ({@code plan --server}).
   */
  ObjectNode observed();

  /** {@code GET /v1/revisions}. */
  ObjectNode revisions();

  /** Asks for a Git fetch now (a verified webhook). */
  void fetchNow();

  /** Whether the store answers and a revision is served. */
  boolean ready();

  /** {@code GET /v1/rollouts}: each rollout of the served revision and where its run stands (ADR 0021). */
  ObjectNode rollouts();

  /** {@code GET /v1/rollouts/{id}}: waves, counts, budget in use, rejected digests, events; null when none. */
  ObjectNode rollout(String id);

  /**
   * An operator's {@code action} on rollout {@code id} ({@code pause}, {@code resume}, {@code abort},
   * {@code approve} with an optional wave as {@code arg}, {@code clear} with a digest), recorded with {@code
   * who}; returns the rollout as {@link #rollout} shows it.
   *
   * @throws Refused with a 4xx status when the rollout, wave or digest is not there, or the action is not now
   */
  ObjectNode rolloutAction(String id, String action, String arg, String who);

  /**
   * What the dashboard's fleet page asks for (ADR 0024): the hosts of {@code group} with label {@code labelKey}
   * = {@code labelValue} (null: any), of {@code status} (a status id, {@code stalled}, or null: any), page
   * {@code page} (from 1) of {@code pageSize} rows.
   */
  record FleetQuery(String group, String labelKey, String labelValue, String status, int page, int pageSize) {}

  /**
   * The fleet page, filtered where the hosts are, so that the page never reads every host as JSON: {@code
   * revision}; {@code counts} by status id and {@code stalled}, over the hosts the group and label keep;
   * {@code spread}, for each desired image over them, how many boot which image ({@code [{desiredImage,
   * booted: [{bootedImage, hosts}]}]}, sorted, nulls first); {@code total}, the hosts the status filter keeps
   * too; {@code groups}, every group declared; {@code hosts}, the page's rows as {@link #hosts} shows each,
   * with {@code desiredRef}, Git's own reference. A page past the last is the last.
   */
  ObjectNode fleetPage(FleetQuery q);

  /** The served revision's hosts as Git declares them (groups, labels: the dashboard's filters); empty when none. */
  default java.util.List<DesiredHost> desiredHosts() {
    return java.util.List.of();
  }

  /** One host's plan as {@link #plan} shows it, actions and {@code /etc} diffs included; null when there is none. */
  default HostPlan hostPlan(String name) {
    Report r = plan(false);
    return r == null ? null : r.plan().hosts().stream().filter(h -> h.name().equals(name)).findFirst().orElse(null);
  }

  /**
   * Has {@code listener} called after each change a page would show: a revision served or stalled, a report
   * stored and planned, a rollout decision. It is called under the server's lock, so it must return at once.
   */
  default void onChange(Runnable listener) {
  }

  /** An operator's request the server refuses: its HTTP status and a one-line reason. */
  final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }
}
