package dev.bootfleet.core.render;

import dev.bootfleet.core.plan.Action;
import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.plan.Plan;
import dev.bootfleet.core.text.Quote;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pull-request form: one comment, updated in place (a bot finds it by the hidden marker on the
 * first line), with the summary first, a table of hosts, and each host's diffs folded in a details block.
 * Every value from Git or a host is shown through {@link Quote} and escaped for Markdown and HTML.
 */
public final class MarkdownRenderer {
  /** The first line of every comment; a CI job edits the comment that starts with it. */
  public static final String MARKER = "<!-- bootfleet:plan -->";
  /** GitHub caps a comment at 65,536 characters; the table and the details share that. */
  static final int MAX_DETAILS_CHARS = 45_000;

  public void render(Report report, Appendable out) throws IOException {
    Plan plan = report.plan();
    out.append(MARKER).append('\n');
    String title = report.kind() == Report.Kind.DRIFT ? "bootfleet drift" : "bootfleet plan";
    out.append("### ").append(title).append(": ");
    if (plan.mode() == Plan.Mode.CHANGE) {
      out.append(code(plan.baseRevision())).append(" → ").append(code(plan.revision())).append("\n\n");
    } else {
      out.append(code(plan.revision())).append("\n\n");
    }
    out.append("**").append(report.summaryLine()).append("**\n\n");
    // A pull-request comment lists the hosts the change touches; the summary line counts the rest.
    List<HostPlan> hosts = plan.mode() == Plan.Mode.CHANGE
        ? report.hosts().stream().filter(h -> h.status().differs()).toList() : report.hosts();
    if (hosts.isEmpty()) {
      out.append(report.kind() == Report.Kind.DRIFT ? "Every host matches Git.\n"
          : plan.mode() == Plan.Mode.CHANGE ? "This change does not touch any host.\n" : "No hosts.\n");
      return;
    }
    out.append("| Host | Status | Actions | Reason |\n|---|---|---|---|\n");
    for (HostPlan h : hosts) {
      out.append("| ").append(code(h.name()).replace("|", "\\|")).append(" | ").append(h.status().id()).append(" | ")
          .append(cell(Report.actionList(h))).append(" | ").append(cell(h.reason())).append(" |\n");
    }
    // Hosts whose changes are identical (a group edit, say) share one block, so a fleet-wide change
    // stays one readable comment.
    Map<String, List<String>> byBody = new LinkedHashMap<>();
    Map<String, String> titles = new LinkedHashMap<>();
    for (HostPlan h : hosts) {
      if (h.actions().isEmpty() && h.notes().isEmpty()) {
        continue;
      }
      String body = details(h);
      byBody.computeIfAbsent(body, k -> new ArrayList<>()).add(h.name());
      titles.putIfAbsent(body, h.status().id() + " — " + escape(h.reason()));
    }
    StringBuilder blocks = new StringBuilder();
    int shown = 0;
    for (var e : byBody.entrySet()) {
      List<String> names = e.getValue();
      String who = names.size() == 1 ? html(names.get(0))
          : names.size() + " hosts: " + String.join(", ", names.stream().map(MarkdownRenderer::html).toList());
      String block = "\n<details><summary>" + who + ": " + titles.get(e.getKey()) + "</summary>\n\n" + e.getKey()
          + "\n</details>\n";
      if (blocks.length() + block.length() > MAX_DETAILS_CHARS) {
        blocks.append("\n_").append(byBody.size() - shown)
            .append(" more blocks left out to fit one comment; see the JSON plan (--format json) for all of them._\n");
        break;
      }
      blocks.append(block);
      shown++;
    }
    out.append(blocks);
    if (!plan.unmanagedHosts().isEmpty()) {
      out.append("\nUnmanaged (reporting, not in Git): ");
      out.append(String.join(", ", plan.unmanagedHosts().stream().map(MarkdownRenderer::code).toList())).append('\n');
    }
  }

  private static String details(HostPlan h) {
    StringBuilder out = new StringBuilder();
    for (Action a : h.actions()) {
      out.append("- ").append(code(Describe.action(a))).append('\n');
    }
    for (String note : h.notes()) {
      out.append("- note: ").append(escape(note)).append('\n');
    }
    for (Action a : h.actions()) {
      String diff = Describe.diff(a);
      if (diff != null) {
        out.append("\n```diff\n").append(Quote.lines(diff).replace("```", "`\u200b``"));
        if (!diff.endsWith("\n")) {
          out.append('\n');
        }
        out.append("```\n");
      }
    }
    return out.toString();
  }

  private static String code(String s) {
    return "`" + Quote.controls(s).replace("`", "'") + "`";
  }

  /** A name in an HTML {@code <code>} element (inside {@code <summary>}, where Markdown is not read). */
  private static String html(String s) {
    return "<code>" + escape(s) + "</code>";
  }

  private static String cell(String s) {
    return escape(s).replace("|", "\\|");
  }

  /** A value as Markdown text: control characters escaped, then {@code & < >} as HTML entities. */
  private static String escape(String s) {
    return Quote.controls(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
