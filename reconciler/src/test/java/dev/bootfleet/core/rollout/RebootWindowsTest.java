package dev.bootfleet.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.RolloutPolicy.Cron;
import dev.bootfleet.core.manifest.RolloutPolicy.Weekly;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Weekly and cron windows, in the windows' zone; daylight-saving edges as properties. */
class RebootWindowsTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  /** Zones with DST (both hemispheres, a 30-minute shift, a 45-minute offset) and one without. */
  private static final List<String> ZONES = List.of("Europe/Berlin", "America/New_York", "Australia/Sydney",
      "Australia/Lord_Howe", "Pacific/Chatham", "America/Santiago", "Asia/Kolkata", "UTC");

  @ParameterizedTest
  @CsvSource({
      "2026-11-28T22:29:59Z, false", // Saturday 23:29:59 in Berlin
      "2026-11-28T22:30:00Z, true",
      "2026-11-28T23:29:59Z, true",
      "2026-11-28T23:30:00Z, false",
      "2026-11-30T01:00:00Z, true", // Monday 02:00 Berlin: the cron window, 2 h from 02:00
      "2026-11-30T02:59:59Z, true",
      "2026-11-30T03:00:00Z, false",
      "2026-11-29T01:30:00Z, false"}) // Sunday 02:30: the cron window is Monday to Friday
  void isOpen_eitherForm_inTheWindowsZone(String at, boolean open) {
    RebootWindows w = RebootWindows.of(List.of(new Weekly(Set.of(DayOfWeek.SATURDAY), LocalTime.of(23, 30), 60),
        new Cron("0 0 2 ? * MON-FRI", Duration.ofHours(2))), BERLIN);

    assertThat(w.isOpen(Instant.parse(at))).isEqualTo(open);
  }

  @ParameterizedTest
  @CsvSource({
      "2026-11-28T10:00:00Z, 2026-11-28T22:30:00Z", // the weekly window comes first
      "2026-11-29T00:00:00Z, 2026-11-30T01:00:00Z", // then Monday's cron window
      "2026-11-30T01:30:00Z, 2026-11-30T01:30:00Z"}) // open: now
  void nextOpening_isTheEarliestOfBothForms(String at, String next) {
    RebootWindows w = RebootWindows.of(List.of(new Weekly(Set.of(DayOfWeek.SATURDAY), LocalTime.of(23, 30), 60),
        new Cron("0 0 2 ? * MON-FRI", Duration.ofHours(2))), BERLIN);

    assertThat(w.nextOpening(Instant.parse(at))).contains(Instant.parse(next));
  }

  @Test
  void noWindows_isAnyTime() {
    RebootWindows w = RebootWindows.of(List.of(), BERLIN);

    assertThat(w.anyTime()).isTrue();
    assertThat(w.isOpen(Instant.parse("2026-03-29T01:30:00Z"))).isTrue();
  }

  @Test
  void cronAtAnHourTheSpringGapSkips_opensAtTheFirstValidInstant() {
    // 2026-03-29 in Berlin: 02:00 CET jumps to 03:00 CEST; a 02:30 window opens at 03:30 CEST (01:30Z).
    RebootWindows w = RebootWindows.of(List.of(new Cron("0 30 2 * * ?", Duration.ofMinutes(30))), BERLIN);

    assertThat(w.isOpen(Instant.parse("2026-03-29T01:29:59Z"))).isFalse();
    assertThat(w.isOpen(Instant.parse("2026-03-29T01:30:00Z"))).isTrue();
    assertThat(w.isOpen(Instant.parse("2026-03-29T02:00:00Z"))).isFalse();
  }

  @Test
  void weeklyWindow_inTheAutumnOverlap_isOpenForBothOccurrences() {
    // 2026-10-25 in Berlin: 03:00 CEST falls back to 02:00 CET; 02:00-03:00 wall clock happens twice.
    RebootWindows w = RebootWindows.of(List.of(new Weekly(Set.of(DayOfWeek.SUNDAY), LocalTime.of(2, 0), 60)),
        BERLIN);

    assertThat(w.isOpen(Instant.parse("2026-10-25T00:30:00Z"))).isTrue(); // 02:30 CEST
    assertThat(w.isOpen(Instant.parse("2026-10-25T01:30:00Z"))).isTrue(); // 02:30 CET
    assertThat(w.isOpen(Instant.parse("2026-10-25T02:00:00Z"))).isFalse(); // 03:00 CET
  }

  /**
   * A daily cron window opens where java.time puts that wall-clock time on each day (a time in a
   * spring gap moved forward by the gap, the earlier of two in an autumn overlap) and lasts its duration
   * in real time: checked at instants near each zone's 2026 and 2027 transitions.
   */
  @Property(tries = 2000)
  void cronWindow_opensAtTheWallClockTime_acrossDstChanges(@ForAll("zones") String zoneId,
      @ForAll @IntRange(min = 0, max = 23) int hour, @ForAll("quarters") int minute,
      @ForAll @IntRange(min = 1, max = 240) int minutes, @ForAll("nearTransitions") long offsetSeconds,
      @ForAll @IntRange(min = 0, max = 3) int transition) {
    ZoneId zone = ZoneId.of(zoneId);
    Instant at = transition(zone, transition).plusSeconds(offsetSeconds);
    RebootWindows w = RebootWindows.of(List.of(new Cron("0 " + minute + " " + hour + " * * ?",
        Duration.ofMinutes(minutes))), zone);

    boolean expected = false;
    LocalDate today = at.atZone(zone).toLocalDate();
    for (int back = 0; back <= 11; back++) { // 240 minutes reach at most into the previous day
      ZonedDateTime start = ZonedDateTime.of(today.minusDays(back), LocalTime.of(hour, minute), zone);
      Instant s = start.toInstant();
      if (!s.isAfter(at) && at.isBefore(s.plus(Duration.ofMinutes(minutes)))) {
        expected = true;
      }
    }
    assertThat(w.isOpen(at)).as("%s at %s (%s)", zoneId, at, at.atZone(zone)).isEqualTo(expected);
  }

  /**
   * Zincati's weekly windows are read on the wall clock: whatever DST does, a window is open exactly
   * when the local time is within its span, and a day's window is open at most an hour longer or
   * shorter than its length.
   */
  @Property(tries = 300)
  void weeklyWindow_followsTheWallClock_andDstMovesItByAtMostAnHour(@ForAll("zones") String zoneId,
      @ForAll DayOfWeek day, @ForAll @IntRange(min = 0, max = 23) int hour, @ForAll("quarters") int minute,
      @ForAll @IntRange(min = 1, max = 600) int length, @ForAll @IntRange(min = 0, max = 3) int transition) {
    ZoneId zone = ZoneId.of(zoneId);
    RebootWindows w = RebootWindows.of(List.of(new Weekly(Set.of(day), LocalTime.of(hour, minute), length)), zone);
    Instant from = transition(zone, transition).minus(4, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MINUTES);
    int open = 0;
    for (int i = 0; i < 7 * 24 * 60; i++) {
      Instant t = from.plus(i, ChronoUnit.MINUTES);
      ZonedDateTime local = t.atZone(zone);
      int minuteOfWeek = (local.getDayOfWeek().getValue() - 1) * 1440 + local.getHour() * 60 + local.getMinute();
      int start = (day.getValue() - 1) * 1440 + hour * 60 + minute;
      boolean inSpan = Math.floorMod(minuteOfWeek - start, 7 * 1440) < length;
      boolean isOpen = w.isOpen(t);
      assertThat(isOpen).as("%s at %s", zoneId, local).isEqualTo(inSpan);
      open += isOpen ? 1 : 0;
    }
    assertThat(open).isBetween(length - 60, length + 60);
  }

  @Provide
  Arbitrary<String> zones() {
    return Arbitraries.of(ZONES);
  }

  @Provide
  Arbitrary<Integer> quarters() {
    return Arbitraries.of(0, 15, 30, 45);
  }

  @Provide
  Arbitrary<Long> nearTransitions() {
    return Arbitraries.longs().between(-2 * 86_400, 2 * 86_400).edgeCases(c -> c.add(0L, -1L, 1800L, 3600L));
  }

  /** The zone's {@code n}th DST transition from 2026 on, or a fixed instant for a zone without one. */
  private static Instant transition(ZoneId zone, int n) {
    var rules = zone.getRules();
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i <= n; i++) {
      var next = rules.nextTransition(t);
      if (next == null) {
        return Instant.parse("2026-03-29T01:00:00Z").plus(i * 180L, ChronoUnit.DAYS);
      }
      t = next.getInstant();
    }
    return t;
  }
}
