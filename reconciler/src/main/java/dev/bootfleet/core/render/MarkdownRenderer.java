package dev.bootfleet.core.render;

import dev.bootfleet.core.plan.Action;
import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.plan.Plan;
import java.io.IOException;
import java.util.List;

/**
 * The pull-request form: one comment, updated in place (a bot finds it by the hidden marker on the
 * first line), with the summary first, a table of hosts, and each host's diffs folded in a details block.
 */
public final class MarkdownRenderer {
  /** The first line of every comment; a CI job edits the comment that starts with it. */
  public static final String MARKER = "<!-- bootfleet:plan -->";

  public void render(Report report, Appendable out) throws IOException {
    Plan plan = report.plan();
    out.append(MARKER).append('\n');
    String title = report.kind() == Report.Kind.DRIFT ? "bootfleet drift" : "bootfleet plan";
    out.append("### ").append(title).append(": ");
    if (plan.mode() == Plan.Mode.CHANGE) {
      out.append('`').append(plan.baseRevision()).append("` → `").append(plan.revision()).append("`\n\n");
    } else {
      out.append('`').append(plan.revision()).append("`\n\n");
    }
    out.append("**").append(report.summaryLine()).append("**\n\n");
    List<HostPlan> hosts = report.hosts();
    if (hosts.isEmpty()) {
      out.append(report.kind() == Report.Kind.DRIFT ? "Every host matches Git.\n" : "No hosts.\n");
      return;
    }
    out.append("| Host | Status | Actions | Reason |\n|---|---|---|---|\n");
    for (HostPlan h : hosts) {
      out.append("| `").append(h.name()).append("` | ").append(h.status().id()).append(" | ")
          .append(cell(Report.actionList(h))).append(" | ").append(cell(h.reason())).append(" |\n");
    }
    for (HostPlan h : hosts) {
      if (h.actions().isEmpty() && h.notes().isEmpty()) {
        continue;
      }
      out.append("\n<details><summary><code>").append(h.name()).append("</code>: ").append(h.status().id())
          .append(" — ").append(escape(h.reason())).append("</summary>\n\n");
      for (Action a : h.actions()) {
        out.append("- ").append(code(Describe.action(a))).append('\n');
      }
      for (String note : h.notes()) {
        out.append("- note: ").append(escape(note)).append('\n');
      }
      for (Action a : h.actions()) {
        String diff = Describe.diff(a);
        if (diff != null) {
          out.append("\n```diff\n").append(diff.replace("```", "`\u200b``"));
          if (!diff.endsWith("\n")) {
            out.append('\n');
          }
          out.append("```\n");
        }
      }
      out.append("\n</details>\n");
    }
    if (!plan.unmanagedHosts().isEmpty()) {
      out.append("\nUnmanaged (reporting, not in Git): ");
      out.append(String.join(", ", plan.unmanagedHosts().stream().map(n -> "`" + n + "`").toList())).append('\n');
    }
  }

  private static String code(String s) {
    return "`" + s.replace("`", "'") + "`";
  }

  private static String cell(String s) {
    return escape(s).replace("|", "\\|");
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
