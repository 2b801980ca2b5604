package dev.bootfleet.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MaintenanceWindowsTest {
  // Sun 23:30 for 60 minutes: crosses midnight and the end of the week (Zincati allows both).
  static final MaintenanceWindows SUNDAY_NIGHT = new MaintenanceWindows(List.of(
      new MaintenanceWindows.Window(Set.of(DayOfWeek.SUNDAY), LocalTime.of(23, 30), 60)), ZoneId.of("UTC"));

  @ParameterizedTest
  @CsvSource({
      "2026-11-22T23:29:59Z, false", // Sunday, a second before
      "2026-11-22T23:30:00Z, true",
      "2026-11-23T00:29:59Z, true", // Monday: the window crossed the week's end
      "2026-11-23T00:30:00Z, false",
      "2026-11-25T23:45:00Z, false"}) // a Wednesday
  void isOpen_followsTheWindowAcrossTheWeekEnd(String at, boolean open) {
    assertThat(SUNDAY_NIGHT.isOpen(Instant.parse(at))).isEqualTo(open);
  }

  @Test
  void isOpen_usesTheWindowsTimeZone() {
    MaintenanceWindows berlin = new MaintenanceWindows(SUNDAY_NIGHT.windows(), ZoneId.of("Europe/Berlin"));

    assertThat(berlin.isOpen(Instant.parse("2026-11-22T22:45:00Z"))).isTrue(); // 23:45 in Berlin
    assertThat(berlin.isOpen(Instant.parse("2026-11-22T23:45:00Z"))).isFalse(); // 00:45 Monday in Berlin
  }

  @Test
  void nextOpening_isTheWindowsStart() {
    assertThat(SUNDAY_NIGHT.nextOpening(Instant.parse("2026-11-24T10:00:30Z")))
        .hasValue(Instant.parse("2026-11-29T23:30:00Z"));
  }

  @Test
  void noWindows_meansAnyTime() {
    assertThat(MaintenanceWindows.ANY_TIME.isOpen(Instant.parse("2026-11-24T10:00:00Z"))).isTrue();
    assertThat(MaintenanceWindows.ANY_TIME.nextOpening(Instant.EPOCH)).isEmpty();
  }
}
