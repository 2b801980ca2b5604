package dev.bootfleet.core.observed;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads what {@code ostree admin status} prints (ostree has no JSON form of it) into bootfleet's ostree
 * status report ({@code schema/ostree-status.schema.json}), which {@link OstreeStatusParser} reads. Pure.
 *
 * <p>ostree prints one header per deployment in bootloader order, {@code "%c %s %s.%d%s"}: {@code *} for
 * the booted one, the stateroot, the commit and deploy serial, then {@code " (staged)"}, {@code "
 * (pending)"} or {@code " (rollback)"} (the last two only on a booted system); then indented lines, of
 * which {@code Version:}, {@code Unlocked:}, {@code Pinned: yes} and {@code origin refspec:} are read and
 * the others (GPG verification, later additions) skipped. {@code No deployments.} is an empty list. A
 * line of any other form is one error naming its line.
 */
public final class OstreeAdminStatus {
  /** {@code apiVersion} and {@code kind} of the report. */
  public static final String API_VERSION = "bootfleet.dev/v1alpha1";
  public static final String KIND = "OstreeStatus";

  private static final Pattern HEADER =
      Pattern.compile("([* ]) (\\S+) ([0-9a-f]{64})\\.(\\d{1,9})(?: \\((staged|pending|rollback)\\))?");
  private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;]*m");
  private static final String HEADER_FORM = "\"* STATEROOT CHECKSUM.SERIAL [(staged|pending|rollback)]\","
      + " an indented detail line or \"No deployments.\"";
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private OstreeAdminStatus() {}

  /**
   * The report for {@code text}.
   *
   * @param updateDriver another updater found active on the host (e.g. {@code eos-autoupdater.timer}), or null
   * @param origin names the source in errors, e.g. {@code web-01: ostree admin status}
   */
  public static ObjectNode report(String text, UpdateDriver updateDriver, String origin)
      throws ObservedStateException {
    ObjectNode root = F.objectNode();
    root.put("apiVersion", API_VERSION);
    root.put("kind", KIND);
    ArrayNode list = root.putArray("deployments");
    ObjectNode current = null;
    List<String> problems = new ArrayList<>();
    String[] lines = ANSI.matcher(text).replaceAll("").split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank() || line.equals("No deployments.") && list.isEmpty()) {
        continue;
      }
      Matcher h = HEADER.matcher(line);
      if (h.matches()) {
        current = list.addObject();
        current.put("stateroot", h.group(2));
        current.put("checksum", h.group(3));
        current.put("serial", Integer.parseInt(h.group(4)));
        current.put("booted", h.group(1).equals("*"));
        String mark = h.group(5);
        current.put("staged", "staged".equals(mark));
        current.put("pending", "pending".equals(mark));
        current.put("rollback", "rollback".equals(mark));
        current.put("pinned", false);
        continue;
      }
      if (current != null && line.startsWith("    ")) {
        detail(current, line.strip());
        continue;
      }
      if (problems.isEmpty()) {
        problems.add(origin + ":" + (i + 1) + ": found " + Field.quote(line) + " (expected " + HEADER_FORM + ")");
      }
    }
    if (!problems.isEmpty()) {
      throw new ObservedStateException(problems.getFirst());
    }
    if (updateDriver != null) {
      ObjectNode d = root.putObject("updateDriver");
      d.put("name", updateDriver.name());
      d.put("unit", updateDriver.unit());
    } else {
      root.putNull("updateDriver");
    }
    return root;
  }

  private static void detail(ObjectNode d, String line) {
    if (line.startsWith("Version: ")) {
      d.put("version", line.substring("Version: ".length()));
    } else if (line.equals("Pinned: yes")) {
      d.put("pinned", true);
    } else if (line.startsWith("Unlocked: ")) {
      d.put("unlocked", line.substring("Unlocked: ".length()));
    } else if (line.startsWith("origin refspec: ")) {
      d.put("refspec", line.substring("origin refspec: ".length()));
    }
    // "origin: none", "origin: <unknown origin type>", GPG lines and later additions carry nothing we use
  }
}
