package dev.bootfleet.core.manifest;

import dev.bootfleet.core.manifest.RolloutPolicy.Amount;
import dev.bootfleet.core.manifest.RolloutPolicy.Budget;
import dev.bootfleet.core.manifest.RolloutPolicy.Cron;
import dev.bootfleet.core.manifest.RolloutPolicy.RebootMode;
import dev.bootfleet.core.manifest.RolloutPolicy.Wave;
import dev.bootfleet.core.manifest.RolloutPolicy.Weekly;
import dev.bootfleet.core.manifest.RolloutPolicy.WindowSpec;
import dev.bootfleet.core.text.Quote;
import dev.bootfleet.core.yaml.Pos;
import dev.bootfleet.core.yaml.YNode;
import dev.bootfleet.core.yaml.YNode.YMap;
import dev.bootfleet.core.yaml.YNode.YScalar;
import dev.bootfleet.core.yaml.YNode.YSeq;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quartz.CronExpression;

/**
 * The rules for a {@code Rollout}'s spec that its schema cannot say: wave and budget keys named once,
 * the reserved wave name, time zones that exist, cron expressions Quartz accepts, durations that must
 * not be zero. Reports through its {@link ManifestParser}, so a field the schema already faulted is not
 * reported twice; every problem is reported, not the first.
 */
final class RolloutReader {
  private final ManifestParser parser;
  private boolean ok = true;

  RolloutReader(ManifestParser parser) {
    this.parser = parser;
  }

  /** The policy, or null when the spec has an error (each one reported). */
  RolloutPolicy policy(YMap spec) {
    LabelSelector selector = spec.get("selector") == null ? LabelSelector.ALL
        : parser.selector(spec.get("selector"), "spec.selector");
    List<Wave> waves = waves(spec);
    Amount maxUnavailable = amount(spec.get("maxUnavailable"), "spec.maxUnavailable")
        .orElse(RolloutPolicy.DEFAULT_MAX_UNAVAILABLE);
    List<Budget> budgets = budgets(spec);
    int threshold = percent(spec.get("successThreshold"), "spec.successThreshold", 100);
    Duration soak = duration(spec.get("soak"), "spec.soak", Duration.ZERO, true);
    Duration health = duration(spec.get("healthTimeout"), "spec.healthTimeout",
        RolloutPolicy.DEFAULT_HEALTH_TIMEOUT, false);
    YMap offline = spec.get("offline") instanceof YMap m ? m : null;
    Duration after = duration(offline == null ? null : offline.get("after"), "spec.offline.after",
        RolloutPolicy.DEFAULT_OFFLINE_AFTER, false);
    Duration countFor = duration(offline == null ? null : offline.get("countFor"), "spec.offline.countFor",
        RolloutPolicy.DEFAULT_OFFLINE_COUNT_FOR, true);
    RebootMode mode = "soft-reboot".equals(ManifestParser.text(spec.get("rebootMode"))) ? RebootMode.SOFT_REBOOT
        : RebootMode.REBOOT;
    YMap windowsNode = spec.get("windows") instanceof YMap m ? m : null;
    Optional<ZoneId> zone = windowsNode == null ? Optional.of(ZoneId.of("UTC")) : zone(windowsNode);
    List<WindowSpec> windows = windowsNode == null ? List.of() : windows(windowsNode);
    if (!ok || parser.reported("spec")) {
      return null;
    }
    return new RolloutPolicy(selector, waves, maxUnavailable, budgets, threshold, soak, health, after, countFor,
        bool(spec.get("paused")), bool(spec.get("aborted")), mode, bool(spec.get("urgent")), zone, windows);
  }

  private List<Wave> waves(YMap spec) {
    List<Wave> out = new ArrayList<>();
    if (!(spec.get("waves") instanceof YSeq seq)) {
      return out;
    }
    Map<String, Pos> seen = new HashMap<>();
    for (int i = 0; i < seq.items().size(); i++) {
      String field = "spec.waves[" + i + "]";
      if (!(seq.items().get(i) instanceof YMap m) || ManifestParser.text(m.get("name")) == null) {
        continue;
      }
      String name = ManifestParser.text(m.get("name"));
      Pos at = m.get("name").pos();
      Pos first = seen.putIfAbsent(name, at);
      if (name.equals(RolloutPolicy.REST)) {
        error(at, field + ".name", Quote.of(name) + " is the name of the wave that takes the hosts no"
            + " other wave matches (expected another name)");
      } else if (first != null) {
        error(at, field + ".name", "wave " + Quote.of(name) + " is declared twice (first at line " + first.line()
            + ")");
      }
      LabelSelector selector = parser.selector(m.get("selector"), field + ".selector");
      out.add(new Wave(name, selector, amount(m.get("maxUnavailable"), field + ".maxUnavailable"),
          bool(m.get("approval"))));
    }
    return out;
  }

  private List<Budget> budgets(YMap spec) {
    List<Budget> out = new ArrayList<>();
    if (!(spec.get("disruptionBudgets") instanceof YSeq seq)) {
      return out;
    }
    Map<String, Pos> seen = new HashMap<>();
    for (int i = 0; i < seq.items().size(); i++) {
      String field = "spec.disruptionBudgets[" + i + "]";
      if (!(seq.items().get(i) instanceof YMap m) || ManifestParser.text(m.get("labelKey")) == null) {
        continue;
      }
      String key = ManifestParser.text(m.get("labelKey"));
      Pos first = seen.putIfAbsent(key, m.get("labelKey").pos());
      if (first != null) {
        error(m.get("labelKey").pos(), field + ".labelKey", "label key " + Quote.of(key) + " has a budget"
            + " already (first at line " + first.line() + ")");
      }
      amount(m.get("maxUnavailable"), field + ".maxUnavailable").ifPresent(a -> out.add(new Budget(key, a)));
    }
    return out;
  }

  private Optional<ZoneId> zone(YMap windows) {
    YNode node = windows.get("time_zone");
    String text = ManifestParser.text(node);
    if (text == null || parser.reported("spec.windows.time_zone")) {
      return Optional.of(ZoneId.of("UTC"));
    }
    if (text.equals("host") || text.equals("localtime")) { // Zincati's word for the node's own zone
      return Optional.empty();
    }
    try {
      return Optional.of(ZoneId.of(text));
    } catch (DateTimeException e) {
      error(node.pos(), "spec.windows.time_zone", Quote.of(text) + " is not a time zone (expected an IANA zone"
          + " such as \"Europe/Berlin\", \"UTC\", or \"host\" (Zincati's \"localtime\") for each host's own zone)");
      return Optional.of(ZoneId.of("UTC"));
    }
  }

  private List<WindowSpec> windows(YMap windows) {
    List<WindowSpec> out = new ArrayList<>();
    if (windows.get("weekly") instanceof YSeq seq) {
      for (int i = 0; i < seq.items().size(); i++) {
        String field = "spec.windows.weekly[" + i + "]";
        if (seq.items().get(i) instanceof YMap m && !parser.reported(field)) {
          Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
          for (String d : ManifestParser.strings(m.get("days"))) {
            days.add(day(d));
          }
          String start = ManifestParser.text(m.get("start_time"));
          Object length = m.get("length_minutes") instanceof YScalar s ? s.text() : null;
          if (start != null && length != null && !days.isEmpty()) {
            out.add(new Weekly(days, LocalTime.parse(start), Integer.parseInt(length.toString())));
          }
        }
      }
    }
    if (windows.get("cron") instanceof YSeq seq) {
      for (int i = 0; i < seq.items().size(); i++) {
        String field = "spec.windows.cron[" + i + "]";
        if (!(seq.items().get(i) instanceof YMap m) || parser.reported(field)) {
          continue;
        }
        String schedule = ManifestParser.text(m.get("schedule"));
        Duration d = duration(m.get("duration"), field + ".duration", null, false);
        if (schedule == null || d == null) {
          continue;
        }
        try {
          new CronExpression(schedule);
          out.add(new Cron(schedule, d));
        } catch (ParseException e) {
          error(m.get("schedule").pos(), field + ".schedule", Quote.of(schedule) + " is not a cron expression: "
              + String.valueOf(e.getMessage()).replaceAll("\\s+", " ") + " (expected Quartz's form, seconds first:"
              + " \"0 0 2 ? * SAT,SUN\")");
        }
      }
    }
    return out;
  }

  private static DayOfWeek day(String name) {
    String three = name.substring(0, 3).toUpperCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().startsWith(three)) {
        return d;
      }
    }
    throw new IllegalArgumentException(name); // the schema lists the names
  }

  private Optional<Amount> amount(YNode node, String field) {
    if (node == null || parser.reported(field)) {
      return Optional.empty();
    }
    String text = ManifestParser.text(node);
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(text.endsWith("%") ? Amount.percent(Integer.parseInt(text.substring(0, text.length() - 1)))
          : Amount.count(Integer.parseInt(text)));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // the schema has said so
    }
  }

  private int percent(YNode node, String field, int otherwise) {
    String text = ManifestParser.text(node);
    if (text == null || parser.reported(field) || !text.matches("[0-9]{1,3}%")) {
      return otherwise;
    }
    return Integer.parseInt(text.substring(0, text.length() - 1));
  }

  private Duration duration(YNode node, String field, Duration otherwise, boolean zeroAllowed) {
    String text = ManifestParser.text(node);
    if (text == null || parser.reported(field)) {
      return otherwise;
    }
    Duration d = DurationText.parse(text);
    if (d == null) {
      error(node.pos(), field, SchemaCheck.describe(node) + " is not " + DurationText.FORM);
      return otherwise;
    }
    if (d.isZero() && !zeroAllowed) {
      error(node.pos(), field, SchemaCheck.describe(node) + " is zero (expected a duration longer than 0s)");
      return otherwise;
    }
    return d;
  }

  private static boolean bool(YNode node) {
    return node instanceof YScalar s && s.type() == YScalar.Type.BOOL && Boolean.parseBoolean(s.text());
  }

  private void error(Pos pos, String field, String message) {
    ok = false;
    parser.error(pos, field, message);
  }
}
