package dev.bootfleet.core.manifest;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as manifests write them: {@code 30m}, {@code 1h30m}, {@code 2d}, {@code 0s}. */
public final class DurationText {
  static final String FORM = "a duration such as \"90s\", \"30m\", \"1h30m\" or \"2d\"";
  private static final Pattern FORM_PATTERN =
      Pattern.compile("([0-9]{1,4}d)?([0-9]{1,5}h)?([0-9]{1,6}m)?([0-9]{1,7}s)?");

  private DurationText() {}

  /** The duration, or null when {@code text} is not of {@link #FORM}. */
  static Duration parse(String text) {
    Matcher m = FORM_PATTERN.matcher(text);
    if (text.isEmpty() || !m.matches()) {
      return null;
    }
    Duration d = Duration.ZERO;
    d = d.plusDays(part(m.group(1)));
    d = d.plusHours(part(m.group(2)));
    d = d.plusMinutes(part(m.group(3)));
    return d.plusSeconds(part(m.group(4)));
  }

  /** {@code 1h30m}; {@code 0s} for zero. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder b = new StringBuilder();
    long s = d.toSeconds();
    long[] units = {86_400, 3_600, 60, 1};
    char[] names = {'d', 'h', 'm', 's'};
    for (int i = 0; i < units.length; i++) {
      if (s >= units[i]) {
        b.append(s / units[i]).append(names[i]);
        s %= units[i];
      }
    }
    return b.toString();
  }

  private static long part(String group) {
    return group == null ? 0 : Long.parseLong(group.substring(0, group.length() - 1));
  }
}
