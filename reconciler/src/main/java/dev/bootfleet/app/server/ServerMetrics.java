package dev.bootfleet.app.server;

import dev.bootfleet.core.status.SyncStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's metrics, Prometheus names per the conventions: {@code bootfleet_hosts{status}}, {@code
 * bootfleet_reconcile_duration_seconds}, {@code bootfleet_git_fetch_errors_total}, {@code
 * bootfleet_revision_stalled}, {@code bootfleet_status_reports_total}, {@code bootfleet_reboot_leases{group}},
 * and the JVM's. No label carries a
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
  private final MultiGauge leaseGauge;
  private final java.util.Set<String> leaseGroups = new java.util.TreeSet<>();

  ServerMetrics() {
    // promtool check metrics lints two of Micrometer's names: a unit abbreviated (process_cpu_time_ns_total,
    // replaced below by Prometheus's own process_cpu_seconds_total) and a gauge ending _count (system_cpu_count).
    registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
        .meterFilter(new MeterFilter() {
          @Override
          public Meter.Id map(Meter.Id id) {
            return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
          }
        });
    for (SyncStatus s : SyncStatus.values()) {
      Gauge.builder("bootfleet.hosts", () -> hosts.get().getOrDefault(s, 0)).tag("status", s.id())
          .description("Hosts of the served revision by status, as /v1/hosts shows them").register(registry);
    }
    Gauge.builder("bootfleet.revision.stalled", stalled, AtomicInteger::get)
        .description("1 while the newest fetched revision has errors and is not served").register(registry);
    // A histogram, as the conventions ask of durations, with its buckets bounded to what a plan takes.
    reconcile = Timer.builder("bootfleet.reconcile.duration").description("Time to plan after a revision or a report")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
    fetchErrors = Counter.builder("bootfleet.git.fetch.errors").description("Git fetches that failed").register(registry);
    reports = Counter.builder("bootfleet.status.reports").description("Status reports stored").register(registry);
    leaseGauge = MultiGauge.builder("bootfleet.reboot.leases")
        .description("Reboot leases held now, per group (FleetLock and the agents' leases)").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
          .description("CPU time the process used").register(registry);
    }
  }

  /**
   * Sets {@code bootfleet_reboot_leases{group}}: the live reboot leases per group. A group seen once stays,
   * at 0 when none is held (a series that vanished would read as "no data", not "free").
   */
  synchronized void leases(Map<String, Integer> byGroup) {
    leaseGroups.addAll(byGroup.keySet());
    java.util.List<MultiGauge.Row<?>> rows = new java.util.ArrayList<>();
    for (String g : leaseGroups) {
      rows.add(MultiGauge.Row.of(io.micrometer.core.instrument.Tags.of("group", g), byGroup.getOrDefault(g, 0)));
    }
    leaseGauge.register(rows, true);
  }

  /**
   * {@code bootfleet_rollout_hosts{rollout,wave,state}}: each rollout's hosts by wave and state as the last
   * decision left them, read at each scrape (rollouts and waves are few and named in Git; no host name).
   */
  void rollouts(Supplier<Map<java.util.List<String>, Integer>> counts) {
    io.micrometer.core.instrument.MultiGauge g = io.micrometer.core.instrument.MultiGauge.builder("bootfleet.rollout.hosts")
        .description("Hosts of each rollout by wave and state").register(registry);
    rolloutHosts = g;
    rolloutCounts = counts;
    refreshRollouts();
  }

  private volatile io.micrometer.core.instrument.MultiGauge rolloutHosts;
  private volatile Supplier<Map<java.util.List<String>, Integer>> rolloutCounts = Map::of;

  /** Registers the rows of the rollouts' gauge as the last decision left them (waves appear and go with Git). */
  void refreshRollouts() {
    io.micrometer.core.instrument.MultiGauge g = rolloutHosts;
    if (g == null) {
      return;
    }
    java.util.List<io.micrometer.core.instrument.MultiGauge.Row<?>> rows = new java.util.ArrayList<>();
    rolloutCounts.get().forEach((k, n) -> rows.add(io.micrometer.core.instrument.MultiGauge.Row.of(
        io.micrometer.core.instrument.Tags.of("rollout", k.get(0), "wave", k.get(1), "state", k.get(2)), n)));
    g.register(rows, true);
  }

  /** Where the hosts' counts come from: read at each scrape, so a host that fell silent counts as unknown. */
  void hosts(Supplier<Map<SyncStatus, Integer>> counts) {
    hosts = counts;
  }

  void stalled(boolean yes) {
    stalled.set(yes ? 1 : 0);
  }
}
