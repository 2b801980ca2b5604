package dev.bootfleet.app.server;

import dev.bootfleet.core.status.SyncStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's metrics, Prometheus names per the conventions: {@code bootfleet_hosts{status}}, {@code
 * bootfleet_reconcile_duration_seconds}, {@code bootfleet_git_fetch_errors_total}, {@code
 * bootfleet_revision_stalled}, {@code bootfleet_status_reports_total}, and the JVM's. No label carries a
 * host name, a revision or a secret.
 */
final class ServerMetrics {
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /** The hosts by status as {@code /v1/hosts} shows them (silent hosts unknown); set by the service. */
  private volatile Supplier<Map<SyncStatus, Integer>> hosts = Map::of;
  private final AtomicInteger stalled = new AtomicInteger();
  final Timer reconcile;
  final Counter fetchErrors;
  final Counter reports;

  ServerMetrics() {
    for (SyncStatus s : SyncStatus.values()) {
      Gauge.builder("bootfleet.hosts", () -> hosts.get().getOrDefault(s, 0)).tag("status", s.id())
          .description("Hosts of the served revision by status, as /v1/hosts shows them").register(registry);
    }
    Gauge.builder("bootfleet.revision.stalled", stalled, AtomicInteger::get)
        .description("1 while the newest fetched revision has errors and is not served").register(registry);
    reconcile = Timer.builder("bootfleet.reconcile.duration").description("Time to plan after a revision or a report")
        .register(registry);
    fetchErrors = Counter.builder("bootfleet.git.fetch.errors").description("Git fetches that failed").register(registry);
    reports = Counter.builder("bootfleet.status.reports").description("Status reports stored").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  /** Where the hosts' counts come from: read at each scrape, so a host that fell silent counts as unknown. */
  void hosts(Supplier<Map<SyncStatus, Integer>> counts) {
    hosts = counts;
  }

  void stalled(boolean yes) {
    stalled.set(yes ? 1 : 0);
  }
}
