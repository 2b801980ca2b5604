package dev.bootfleet.core.rollout;

import dev.bootfleet.core.agent.MaintenanceWindows;
import dev.bootfleet.core.manifest.RolloutPolicy;
import dev.bootfleet.core.manifest.RolloutPolicy.Cron;
import dev.bootfleet.core.manifest.RolloutPolicy.Weekly;
import dev.bootfleet.core.manifest.RolloutPolicy.WindowSpec;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * When one host may reboot under a rollout's windows, in the windows' zone or the host's own. Two forms,
 * either open is enough, none at all is "any time":
 *
 * <ul>
 *   <li>Zincati's weekly windows ({@link MaintenanceWindows}): read on the local wall clock, so a DST change
 *       lengthens, shortens or skips a window that spans it, as with Zincati;
 *   <li>a Quartz cron schedule with a duration: a window opens at each fire time, read on the local wall
 *       clock, and lasts the duration in real time. A fire time in a spring-forward gap moves forward by
 *       the gap (02:30 becomes 03:30); in a fall-back overlap it opens once, at the first occurrence.
 * </ul>
 *
 * Pure: Quartz's {@code CronExpression} computes on a {@code Calendar}, no I/O. Not shared between threads
 * (a {@code CronExpression} is mutable); made per evaluation by {@link #of}.
 */
public final class RebootWindows {
  private final MaintenanceWindows weekly;
  private final List<CronWindow> cron;

  /**
   * Quartz reads the schedule on a calendar without DST (UTC), so its fire times are local wall-clock
   * times; java.time places each in the zone: a time in a spring gap moves forward by the gap (02:30
   * becomes 03:30), the earlier of two in an autumn overlap is taken. Quartz's own zone handling drops a
   * fire time that falls in a gap (a whole day without a window), which the property tests caught.
   */
  private record CronWindow(CronExpression expression, Duration duration, ZoneId zone) {
    /** Wider than any offset change (at most 2 h, Troll in Antarctica), so no fire time is missed. */
    private static final Duration SLACK = Duration.ofHours(3);
    /** Fire times looked at per call: a schedule firing every second over a long window is refused. */
    private static final int MAX_FIRES = 200_000;

    boolean isOpen(Instant at) {
      // Open when a fire time falls in (at - duration, at]; local fire times that can map there lie
      // between the local times of those instants, widened by the slack.
      LocalDateTime from = local(at.minus(duration)).minus(SLACK);
      LocalDateTime to = local(at).plus(SLACK);
      int n = 0;
      for (LocalDateTime f = next(from); f != null && !f.isAfter(to); f = next(f)) {
        Instant s = ZonedDateTime.of(f, zone).toInstant();
        if (!s.isAfter(at) && s.isAfter(at.minus(duration))) {
          return true;
        }
        if (++n > MAX_FIRES) {
          throw new IllegalStateException("the schedule fires too often for a window: " + expression);
        }
      }
      return false;
    }

    Optional<Instant> nextStart(Instant at) {
      Instant best = null;
      LocalDateTime from = local(at).minus(SLACK);
      int n = 0;
      for (LocalDateTime f = next(from); f != null && n < MAX_FIRES; f = next(f), n++) {
        Instant s = ZonedDateTime.of(f, zone).toInstant();
        if (!s.isBefore(at) && (best == null || s.isBefore(best))) {
          best = s;
        }
        if (best != null && f.isAfter(local(best).plus(SLACK))) {
          break;
        }
      }
      return Optional.ofNullable(best);
    }

    private LocalDateTime local(Instant t) {
      return t.atZone(zone).toLocalDateTime();
    }

    /** The first local fire time strictly after {@code t}, or null when there is none. */
    private LocalDateTime next(LocalDateTime t) {
      Date d = expression.getNextValidTimeAfter(Date.from(t.toInstant(ZoneOffset.UTC)));
      return d == null ? null : LocalDateTime.ofInstant(d.toInstant(), ZoneOffset.UTC);
    }
  }

  private RebootWindows(MaintenanceWindows weekly, List<CronWindow> cron) {
    this.weekly = weekly;
    this.cron = cron;
  }

  /** The windows of {@code policy} for a host whose own zone is {@code hostZone}. */
  public static RebootWindows of(RolloutPolicy policy, ZoneId hostZone) {
    return of(policy.windows(), policy.timeZone().orElse(hostZone));
  }

  /** The windows {@code specs} read in {@code zone} (one window alone, to describe it). */
  public static RebootWindows of(List<WindowSpec> specs, ZoneId zone) {
    List<MaintenanceWindows.Window> weekly = new ArrayList<>();
    List<CronWindow> cron = new ArrayList<>();
    for (WindowSpec s : specs) {
      switch (s) {
        case Weekly w -> weekly.add(new MaintenanceWindows.Window(w.days(), w.start(), w.lengthMinutes()));
        case Cron c -> cron.add(new CronWindow(expression(c.schedule()), c.duration(), zone));
      }
    }
    return new RebootWindows(new MaintenanceWindows(weekly, zone), List.copyOf(cron));
  }

  private static CronExpression expression(String schedule) {
    try {
      CronExpression e = new CronExpression(schedule);
      e.setTimeZone(TimeZone.getTimeZone(ZoneOffset.UTC));
      return e;
    } catch (ParseException e) {
      // The loader refuses such a manifest (RolloutReader): a policy holds valid expressions only.
      throw new IllegalArgumentException("not a cron expression: " + schedule, e);
    }
  }

  /** Whether no window is declared: any time will do. */
  boolean anyTime() {
    return weekly.anyTime() && cron.isEmpty();
  }

  public boolean isOpen(Instant at) {
    if (anyTime()) {
      return true;
    }
    if (!weekly.anyTime() && weekly.isOpen(at)) {
      return true;
    }
    for (CronWindow c : cron) {
      if (c.isOpen(at)) {
        return true;
      }
    }
    return false;
  }

  /** {@code at} when a window is open, else when the next one opens (empty when none ever will). */
  public Optional<Instant> nextOpening(Instant at) {
    if (isOpen(at)) {
      return Optional.of(at);
    }
    Optional<Instant> best = weekly.anyTime() ? Optional.empty() : weekly.nextOpening(at);
    for (CronWindow c : cron) {
      Optional<Instant> n = c.nextStart(at);
      if (n.isPresent() && (best.isEmpty() || n.get().isBefore(best.get()))) {
        best = n;
      }
    }
    return best;
  }
}
