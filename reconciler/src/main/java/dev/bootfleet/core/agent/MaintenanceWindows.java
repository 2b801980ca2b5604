package dev.bootfleet.core.agent;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Weekly maintenance windows in Zincati's form ({@code days}, {@code start_time}, {@code
 * length_minutes}, one time zone for all): a reboot is allowed while any window is open. Windows may
 * overlap and cross midnight and the end of the week. Evaluated on local wall-clock time, so a DST change
 * can lengthen, shorten or skip a window, as with Zincati. No windows at all means "any time". Pure.
 */
public record MaintenanceWindows(List<Window> windows, ZoneId zone) {
  private static final int WEEK = 7 * 24 * 60;

  /** One window: it opens on each of {@code days} at {@code start} and stays open {@code lengthMinutes}. */
  public record Window(Set<DayOfWeek> days, LocalTime start, int lengthMinutes) {
    public Window {
      days = days.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(days));
      if (days.isEmpty() || lengthMinutes <= 0 || lengthMinutes > WEEK) {
        throw new IllegalArgumentException("a window needs days and a length from 1 to " + WEEK + " minutes");
      }
    }
  }

  public static final MaintenanceWindows ANY_TIME = new MaintenanceWindows(List.of(), ZoneId.of("UTC"));

  public MaintenanceWindows {
    windows = List.copyOf(windows);
  }

  public boolean anyTime() {
    return windows.isEmpty();
  }

  public boolean isOpen(Instant at) {
    if (windows.isEmpty()) {
      return true;
    }
    int now = minuteOfWeek(at.atZone(zone));
    for (Window w : windows) {
      for (DayOfWeek d : w.days()) {
        int start = (d.getValue() - 1) * 24 * 60 + w.start().getHour() * 60 + w.start().getMinute();
        int since = Math.floorMod(now - start, WEEK);
        if (since < w.lengthMinutes()) {
          return true;
        }
      }
    }
    return false;
  }

  /** The next minute at or after {@code at} when a window is open (empty when there are no windows). */
  public Optional<Instant> nextOpening(Instant at) {
    if (windows.isEmpty()) {
      return Optional.empty();
    }
    Instant t = at.truncatedTo(ChronoUnit.MINUTES);
    if (t.isBefore(at)) {
      t = t.plus(1, ChronoUnit.MINUTES);
    }
    // A week and an hour of minutes covers every window, DST shifts included.
    for (int i = 0; i <= WEEK + 60; i++) {
      Instant c = t.plus(i, ChronoUnit.MINUTES);
      if (isOpen(c)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  private static int minuteOfWeek(ZonedDateTime t) {
    return (t.getDayOfWeek().getValue() - 1) * 24 * 60 + t.getHour() * 60 + t.getMinute();
  }
}
