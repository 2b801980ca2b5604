package dev.bootfleet.core.render;

import dev.bootfleet.core.status.ChangeKind;
import dev.bootfleet.core.status.PlanStatus;
import dev.bootfleet.core.status.SyncStatus;

import dev.bootfleet.core.plan.Action;
import dev.bootfleet.core.plan.HostPlan;

import dev.bootfleet.core.plan.Plan;
import dev.bootfleet.core.text.Quote;
import java.io.IOException;
import java.util.List;

/**
 * The terminal form: an aligned table, then the details of every host with actions, then the summary.
 * Colour only when asked (the CLI asks on a terminal without {@code NO_COLOR}). Every value from Git or
 * a host is shown through {@link Quote}: a report's escape sequences never reach the terminal.
 */
public final class TextRenderer {
  private static final String RESET = "\u001b[0m";
  private final boolean color;

  public TextRenderer(boolean color) {
    this.color = color;
  }

  public void render(Report report, Appendable out) throws IOException {
    Plan plan = report.plan();
    if (plan.mode() == Plan.Mode.CHANGE) {
      out.append("Changes from ").append(Quote.controls(plan.baseRevision())).append(" to ")
          .append(Quote.controls(plan.revision())).append("\n\n");
    } else {
      out.append(report.kind() == Report.Kind.DRIFT ? "Drift of " : "Plan for ").append(Quote.controls(plan.revision()))
          .append("\n\n");
    }
    List<HostPlan> hosts = report.hosts();
    if (hosts.isEmpty()) { // say so, rather than leave a gap where the table would be
      out.append(report.kind() == Report.Kind.DRIFT ? "No host differs from Git.\n"
          : plan.mode() == Plan.Mode.CHANGE ? "No host changes.\n" : "No hosts.\n");
    } else {
      table(hosts, out);
    }
    for (HostPlan h : hosts) {
      if (h.actions().isEmpty() && h.notes().isEmpty()) {
        continue;
      }
      out.append('\n').append(paint(Quote.controls(h.name()), "\u001b[1m")).append(" (").append(paint(h.status().id(), colorOf(h.status())))
          .append(")\n");
      for (Action a : h.actions()) {
        out.append("  ").append(symbol(a)).append(' ').append(Quote.controls(Describe.action(a))).append('\n');
        String diff = Describe.diff(a);
        if (diff != null) {
          for (String line : Quote.lines(diff).split("\n")) {
            out.append("      ").append(paintDiff(line)).append('\n');
          }
        }
      }
      for (String note : h.notes()) {
        out.append("  note: ").append(Quote.controls(note)).append('\n');
      }
    }
    if (!plan.unmanagedHosts().isEmpty()) {
      out.append("\nUnmanaged (reporting, not in Git): ").append(Quote.controls(String.join(", ", plan.unmanagedHosts()))).append('\n');
    }
    out.append('\n').append(paint(report.summaryLine(), "\u001b[1m")).append('\n');
  }

  private void table(List<HostPlan> hosts, Appendable out) throws IOException {
    int nameW = "HOST".length();
    int statusW = "STATUS".length();
    int actW = "ACTIONS".length();
    for (HostPlan h : hosts) {
      nameW = Math.max(nameW, Quote.controls(h.name()).length());
      statusW = Math.max(statusW, h.status().id().length());
      actW = Math.max(actW, Report.actionList(h).length());
    }
    String fmt = "%-" + nameW + "s  %-" + statusW + "s  %-" + actW + "s  %s";
    out.append(String.format(fmt, "HOST", "STATUS", "ACTIONS", "REASON").stripTrailing()).append('\n');
    for (HostPlan h : hosts) {
      String status = String.format("%-" + statusW + "s", h.status().id());
      out.append(String.format("%-" + nameW + "s  %s  %-" + actW + "s  %s", Quote.controls(h.name()),
          paint(status, colorOf(h.status())), Report.actionList(h), Quote.controls(h.reason())).stripTrailing())
          .append('\n');
    }
  }

  private static char symbol(Action a) {
    return switch (a) {
      case Action.RemoveFile r -> '-';
      case Action.CancelStaged c -> '-';
      case Action.FlatpakUninstall u -> '-';
      case Action.FlatpakInstall i -> '+';
      case Action.FlatpakRemoteAdd r -> r.previousUrl() == null ? '+' : '~';
      case Action.WriteFile w -> w.previousSha256() == null ? '+' : '~';
      default -> '~';
    };
  }

  private String colorOf(PlanStatus s) {
    return switch (s) {
      case SyncStatus.IN_SYNC, ChangeKind.UNCHANGED -> "\u001b[32m";
      case SyncStatus.DRIFTED, ChangeKind.CHANGED, ChangeKind.ADDED -> "\u001b[33m";
      case SyncStatus.HELD, ChangeKind.REMOVED -> "\u001b[31m";
      case SyncStatus.UNKNOWN -> "\u001b[90m";
    };
  }

  private String paintDiff(String line) {
    if (line.startsWith("+") && !line.startsWith("+++")) {
      return paint(line, "\u001b[32m");
    }
    if (line.startsWith("-") && !line.startsWith("---")) {
      return paint(line, "\u001b[31m");
    }
    return line.startsWith("@@") ? paint(line, "\u001b[36m") : line;
  }

  private String paint(String s, String code) {
    return color ? code + s + RESET : s;
  }
}
