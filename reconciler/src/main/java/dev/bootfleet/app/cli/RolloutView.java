package dev.bootfleet.app.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * How a rollout ({@code GET /v1/rollouts/{id}}) reads in a terminal: as plain lines (one for the run, one per
 * wave, the rejected digests, the newest events), or as a block of progress bars, one per wave, redrawn in place
 * ({@code rollout status --watch} on a terminal, {@code bootfleet demo}). A bar's characters name the host
 * states as well as its counts do, so nothing is told by colour alone.
 */
final class RolloutView {
  /** The bar's character for each host state. */
  static final Map<String, Character> BAR = Map.of("healthy", '#', "rebooted", '+', "leased", '*', "staged", '=',
      "failed", 'x', "rejected", 'x', "unknown", '?', "skipped", '-');
  /** The order the bar fills in. */
  static final List<String> ORDER = List.of("healthy", "rebooted", "leased", "staged", "failed", "rejected",
      "unknown", "skipped");
  /** The run's phases after which nothing more happens until Git or an operator acts. */
  static final Set<String> ENDED = Set.of("complete", "halted", "aborted");

  private RolloutView() {}

  /** The run's header line. */
  static String header(JsonNode r) {
    return "rollout " + r.get("name").asString() + ": " + r.get("phase").asString("")
        + (r.path("paused").asBoolean() ? " (paused by an operator)" : "")
        + (r.path("aborted").asBoolean() ? " (aborted by an operator)" : "") + ", target "
        + r.get("target").asString("") + ", budget in use " + r.path("budgetInUse").asInt();
  }

  /** A wave's plain line: its state, size and each non-zero count. */
  static String waveLine(JsonNode w) {
    StringBuilder b = new StringBuilder("  wave " + w.get("name").asString() + ": " + w.get("state").asString()
        + ", " + w.get("hosts").asInt() + " hosts");
    counts(w, b);
    if (w.path("approval").asBoolean()) {
      b.append(", needs approval");
    }
    if (w.hasNonNull("startsAt")) {
      b.append(", starts at ").append(w.get("startsAt").asString());
    }
    return b.toString();
  }

  private static void counts(JsonNode w, StringBuilder b) {
    w.get("counts").properties().forEach(e -> {
      if (e.getValue().asInt() > 0) {
        b.append(", ").append(e.getValue().asInt()).append(' ').append(e.getKey());
      }
    });
  }

  /** An event's line. */
  static String eventLine(JsonNode e) {
    return "  " + e.get("at").asString() + "  " + e.get("type").asString() + "  "
        + (e.get("host").isNull() ? "" : e.get("host").asString() + "  ") + e.get("message").asString() + "  ("
        + e.get("who").asString() + ")";
  }

  /** The whole rollout as plain lines, the newest {@code events} events last. */
  static List<String> lines(JsonNode r, int events) {
    List<String> out = new ArrayList<>();
    out.add(header(r));
    r.path("waves").forEach(w -> out.add(waveLine(w)));
    r.path("rejected").forEach(d -> out.add("  rejected " + d.asString()));
    int n = 0;
    for (JsonNode e : r.path("events")) {
      if (n++ == events) {
        break;
      }
      out.add(eventLine(e));
    }
    return out;
  }

  /**
   * The rollout as a block of progress bars: the header, then per wave its name, a bar {@code width}
   * characters wide ({@code #} healthy, {@code +} rebooted, {@code *} leased, {@code =} staged, {@code x} failed
   * or rejected, {@code ?} unknown, {@code -} skipped, {@code .} pending) and its counts, then the rejected digests.
   */
  static List<String> bars(JsonNode r, int width) {
    List<String> out = new ArrayList<>();
    out.add(header(r));
    int name = 4;
    for (JsonNode w : r.path("waves")) {
      name = Math.max(name, w.get("name").asString().length());
    }
    for (JsonNode w : r.path("waves")) {
      StringBuilder b = new StringBuilder("  ").append(pad(w.get("name").asString(), name)).append(" [")
          .append(bar(w.get("counts"), w.get("hosts").asInt(), width)).append("] ")
          .append(w.get("state").asString());
      counts(w, b);
      if (w.path("approval").asBoolean() && !"done".equals(w.get("state").asString())) {
        b.append(", needs approval");
      }
      out.add(b.toString());
    }
    r.path("rejected").forEach(d -> out.add("  rejected " + d.asString()));
    return out;
  }

  /** One wave's bar: each state's share of {@code hosts}, rounded so the bar is always {@code width} long. */
  static String bar(JsonNode counts, int hosts, int width) {
    StringBuilder b = new StringBuilder(width);
    if (hosts <= 0) {
      return ".".repeat(width);
    }
    int cumulative = 0;
    for (String state : ORDER) {
      cumulative += counts.path(state).asInt();
      int upTo = (int) Math.round((double) Math.min(cumulative, hosts) * width / hosts);
      while (b.length() < upTo) {
        b.append(BAR.get(state));
      }
    }
    while (b.length() < width) {
      b.append('.');
    }
    return b.toString();
  }

  private static String pad(String s, int n) {
    return s.length() >= n ? s : s + " ".repeat(n - s.length());
  }

  /** Whether the run has ended: complete, halted or aborted. */
  static boolean ended(JsonNode r) {
    return ENDED.contains(r.path("phase").asString(""));
  }

  /**
   * Follows a rollout on a stream that is not a terminal: prints each event once, oldest first, then the
   * header and each wave's line when it changed, so a CI log reads as a story.
   */
  static final class Follower {
    private final PrintWriter out;
    private final Map<String, String> last = new java.util.HashMap<>();
    private final Set<String> seenEvents = new HashSet<>();

    Follower(PrintWriter out) {
      this.out = out;
    }

    /** Prints what changed since the last call. */
    void show(JsonNode r) {
      Map<String, String> now = new java.util.LinkedHashMap<>();
      now.put("", header(r));
      r.path("waves").forEach(w -> now.put("wave " + w.get("name").asString(), waveLine(w)));
      r.path("rejected").forEach(d -> now.put("rejected " + d.asString(), "  rejected " + d.asString()));
      List<JsonNode> fresh = new ArrayList<>();
      for (JsonNode e : r.path("events")) {
        if (seenEvents.add(e.get("at").asString() + e.get("type").asString() + e.path("host").asString("")
            + e.get("message").asString())) {
          fresh.add(e);
        }
      }
      for (int i = fresh.size() - 1; i >= 0; i--) {
        out.println(eventLine(fresh.get(i)));
      }
      now.forEach((slot, line) -> {
        if (!line.equals(last.put(slot, line))) {
          out.println(line);
        }
      });
      out.flush();
    }
  }

  /** Redraws a block of lines in place on a terminal (ANSI cursor-up and erase-down). */
  static final class Redrawn {
    private final PrintWriter out;
    private int drawn;

    Redrawn(PrintWriter out) {
      this.out = out;
    }

    /** Replaces the block drawn last with {@code lines}. */
    void show(List<String> lines) {
      if (drawn > 0) {
        out.print("\u001b[" + drawn + "F\u001b[J");
      }
      lines.forEach(out::println);
      drawn = lines.size();
      out.flush();
    }
  }
}
