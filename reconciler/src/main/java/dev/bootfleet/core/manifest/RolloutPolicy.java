package dev.bootfleet.core.manifest;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@code Rollout} manifest says (ADR 0021): the waves in order (the first is the canary), how
 * many hosts may be down at once per wave and per label value, the health gate, the soak between waves,
 * the flags an operator sets in Git, and the maintenance windows. Checked when read; the engine in
 * {@code core.rollout} carries no defaults of its own.
 *
 * @param selector the hosts the rollout governs
 * @param waves the declared waves, in order; {@link #REST} is added by {@link #wavesWithRest()}
 * @param maxUnavailable for waves that do not say
 * @param successThreshold percent of a wave's hosts that must come back healthy
 * @param offlineAfter a host not seen for this long is unknown
 * @param offlineCountFor how long an unknown host still counts as down; then it is skipped
 * @param timeZone the windows' zone; empty for "the host's own zone"
 */
public record RolloutPolicy(LabelSelector selector, List<Wave> waves, Amount maxUnavailable, List<Budget> budgets,
    int successThreshold, Duration soak, Duration healthTimeout, Duration offlineAfter, Duration offlineCountFor,
    boolean paused, boolean aborted, RebootMode rebootMode, boolean urgent, Optional<java.time.ZoneId> timeZone,
    List<WindowSpec> windows) {
  /** The name of the last wave, which takes the hosts no declared wave matches. */
  public static final String REST = "rest";
  public static final Amount DEFAULT_MAX_UNAVAILABLE = Amount.count(1);
  public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofMinutes(15);
  public static final Duration DEFAULT_OFFLINE_AFTER = Duration.ofMinutes(10);
  public static final Duration DEFAULT_OFFLINE_COUNT_FOR = Duration.ofMinutes(30);

  public enum RebootMode {
    REBOOT("reboot"), SOFT_REBOOT("soft-reboot");

    private final String id;

    RebootMode(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }
  }

  public RolloutPolicy {
    Objects.requireNonNull(selector, "selector");
    waves = List.copyOf(waves);
    budgets = List.copyOf(budgets);
    windows = List.copyOf(windows);
    Objects.requireNonNull(maxUnavailable, "maxUnavailable");
    Objects.requireNonNull(rebootMode, "rebootMode");
    Objects.requireNonNull(timeZone, "timeZone");
    if (successThreshold < 1 || successThreshold > 100) {
      throw new IllegalArgumentException("successThreshold is a percentage from 1 to 100: " + successThreshold);
    }
    for (Duration d : List.of(soak, healthTimeout, offlineAfter, offlineCountFor)) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("a negative duration: " + d);
      }
    }
  }

  /**
   * The declared waves and, last, {@link #REST} (every host, the rollout's maxUnavailable, no approval):
   * a host goes to the first that matches it. The loader refuses a declared wave of that name.
   */
  public List<Wave> wavesWithRest() {
    List<Wave> all = new java.util.ArrayList<>(waves);
    all.add(new Wave(REST, LabelSelector.ALL, Optional.empty(), false));
    return List.copyOf(all);
  }

  /** A wave: the hosts its selector matches that no earlier wave took. */
  public record Wave(String name, LabelSelector selector, Optional<Amount> maxUnavailable, boolean approval) {
    public Wave {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(selector, "selector");
      Objects.requireNonNull(maxUnavailable, "maxUnavailable");
    }
  }

  /** At most {@code maxUnavailable} hosts down at once among the hosts sharing a value of {@code labelKey}. */
  public record Budget(String labelKey, Amount maxUnavailable) {}

  /** A count, or a percentage of a number of hosts. */
  public record Amount(int value, boolean percent) {
    public Amount {
      if (value < 1 || percent && value > 100) {
        throw new IllegalArgumentException("an amount is a count from 1 or a percentage from 1 to 100: " + value);
      }
    }

    public static Amount count(int n) {
      return new Amount(n, false);
    }

    public static Amount percent(int p) {
      return new Amount(p, true);
    }

    /**
     * How many of {@code total} hosts: a count as it is, a percentage rounded down (as Kubernetes'
     * maxUnavailable), at least 1 so that a small wave never stalls.
     */
    public int of(int total) {
      return percent ? Math.max(1, (int) ((long) total * value / 100)) : value;
    }

    @Override
    public String toString() {
      return percent ? value + "%" : Integer.toString(value);
    }
  }

  /** A maintenance window as written: Zincati's weekly form or a cron schedule with a duration. */
  public sealed interface WindowSpec permits Weekly, Cron {}

  /** Zincati's form: opens on each of {@code days} at {@code start} for {@code lengthMinutes}. */
  public record Weekly(Set<DayOfWeek> days, LocalTime start, int lengthMinutes) implements WindowSpec {
    public Weekly {
      days = Set.copyOf(days);
    }
  }

  /** Opens at each time of the Quartz cron {@code schedule} and stays open {@code duration}. */
  public record Cron(String schedule, Duration duration) implements WindowSpec {}
}
