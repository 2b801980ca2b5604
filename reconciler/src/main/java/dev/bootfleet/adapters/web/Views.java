package dev.bootfleet.adapters.web;

import dev.bootfleet.adapters.http.Backend;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.plan.Action;
import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.render.Describe;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The pages' models, read from the {@link Backend}'s documents (the API's JSON, a host's plan and its diffs):
 * they filter, count, group and page what the backend decided, and never decide a status or a plan again.
 */
final class Views {
  static final int PAGE = 50;
  /** The fleet page's status filters and counts, in order: the API's status ids and the Stalled condition. */
  static final List<String> STATUSES = List.of("in-sync", "drifted", "held", "unknown", "stalled");
  /** A wave's host states as the API counts them, in the order a rollout moves through them. */
  static final List<String> WAVE_STATES = List.of("pending", "staged", "leased", "rebooted", "healthy", "failed",
      "rejected", "unknown", "skipped");
  /** The states a wave's legend always names, even at zero (issue 17's bar). */
  static final List<String> WAVE_STATES_SHOWN = List.of("pending", "staged", "leased", "rebooted", "healthy",
      "failed");
  /** Hosts a revision changed listed by name at most; the rest are counted. */
  static final int CHANGED_SHOWN = 50;
  private static final JsonMapper JSON = JsonMapper.shared();

  /** A request the page cannot answer: its status and a one-line reason. */
  static final class BadInput extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    BadInput(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private final Backend backend;
  private final Templates templates;

  Views(Backend backend, Templates templates) {
    this.backend = backend;
    this.templates = templates;
  }

  // --- pages

  String login(String error) {
    return templates.render("login", m("title", "Log in", "error", error));
  }

  String error(int status, String message, Sessions.Session s) {
    return templates.render("error", frame(s, "Error " + status, "", m("status", status, "message", message)));
  }

  String refusal(int status, String message) {
    return templates.render("error", m("title", "Refused", "status", status, "message", message));
  }

  /** The fleet query: group, label ({@code key=value}), status and page, every problem at once. */
  record FleetQuery(String group, String labelKey, String labelValue, String status, int page) {
    static FleetQuery of(Context ctx) {
      return of(ctx.queryParam("group"), ctx.queryParam("label"), ctx.queryParam("status"), ctx.queryParam("page"));
    }

    static FleetQuery of(String group, String label, String status, String page) {
      List<String> problems = new ArrayList<>();
      group = blank(group);
      label = blank(label);
      status = blank(status);
      String key = null;
      String value = null;
      if (label != null) {
        int eq = label.indexOf('=');
        if (eq <= 0) {
          problems.add("label: \"" + printable(label) + "\" is not a label (expected KEY=VALUE)");
        } else {
          key = label.substring(0, eq).strip();
          value = label.substring(eq + 1).strip();
        }
      }
      if (status != null && !STATUSES.contains(status)) {
        problems.add("status: \"" + printable(status) + "\" is not one (expected " + String.join(", ", STATUSES) + ")");
      }
      int n = 1;
      if (blank(page) != null) {
        try {
          n = Integer.parseInt(page.strip());
        } catch (NumberFormatException e) {
          n = 0;
        }
        if (n < 1) {
          problems.add("page: \"" + printable(page) + "\" is not a page number (expected 1 or more)");
        }
      }
      if (!problems.isEmpty()) {
        throw new BadInput(400, String.join("; ", problems));
      }
      return new FleetQuery(group, key, value, status, n);
    }

    String label() {
      return labelKey == null ? null : labelKey + "=" + labelValue;
    }

    /** This query's link with another status and page (null: none). */
    String href(String otherStatus, int otherPage) {
      List<String> q = new ArrayList<>();
      add(q, "group", group);
      add(q, "label", label());
      add(q, "status", otherStatus);
      if (otherPage > 1) {
        q.add("page=" + otherPage);
      }
      return "/" + (q.isEmpty() ? "" : "?" + String.join("&", q));
    }

    private static void add(List<String> q, String key, String value) {
      if (value != null) {
        q.add(key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    }
  }

  String fleet(Context ctx, Sessions.Session s) {
    return fleet(FleetQuery.of(ctx), s);
  }

  String fleet(FleetQuery q, Sessions.Session s) {
    // filtered, counted and paged by the backend, where the hosts are (ADR 0024): this reads one page's rows
    ObjectNode doc = backend.fleetPage(new Backend.FleetQuery(q.group(), q.labelKey(), q.labelValue(), q.status(),
        q.page(), PAGE));
    Map<String, Integer> counts = new LinkedHashMap<>();
    STATUSES.forEach(st -> counts.put(st, doc.path("counts").path(st).asInt(0)));
    int total = doc.get("total").asInt();
    int pages = Math.max(1, (total + PAGE - 1) / PAGE);
    int page = doc.get("page").asInt();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (JsonNode h : doc.get("hosts")) {
      String name = h.get("name").asString();
      // Git's own reference (its tag with the pinned digest) where it names one, else the API's desired image
      String ref = str(h, "desiredRef");
      String want = ref != null && ref.contains("@") ? ref : str(h, "desiredImage");
      rows.add(m("name", name, "href", "/hosts/" + name, "status", str(h, "status"), "word", word(str(h, "status")),
          "stalled", stalled(h), "desired", image(want), "booted", image(str(h, "bootedImage")),
          "lastReport", str(h, "lastReport"), "reason", str(h, "message")));
    }
    Map<String, Map<String, Integer>> spread = new java.util.LinkedHashMap<>();
    for (JsonNode w : doc.get("spread")) {
      Map<String, Integer> booted = new java.util.LinkedHashMap<>();
      w.get("booted").forEach(b -> booted.put(str(b, "bootedImage") == null ? "(not reported)" : str(b, "bootedImage"),
          b.get("hosts").asInt()));
      spread.put(str(w, "desiredImage") == null ? "(none)" : str(w, "desiredImage"), booted);
    }
    java.util.List<String> groups = strings(doc.get("groups"));
    List<Map<String, Object>> countRows = new ArrayList<>();
    counts.forEach((st, n) -> countRows.add(m("status", st, "word", word(st), "n", n, "href", q.href(st, 1),
        "current", st.equals(q.status()))));
    List<Map<String, Object>> images = new ArrayList<>();
    spread.forEach((want, booted) -> {
      List<Map<String, Object>> b = new ArrayList<>();
      booted.forEach((img, n) -> b.add(m("image", img.startsWith("(") ? null : image(img), "n", n,
          "reported", !img.startsWith("(") && digest(img) != null, "noDigest", !img.startsWith("(") && digest(img) == null,
          "same", digest(img) != null && digest(img).equals(digest(want)))));
      images.add(m("want", image(want), "booted", b));
    });
    List<Map<String, Object>> groupOptions = new ArrayList<>();
    groups.forEach(g -> groupOptions.add(m("name", g, "selected", g.equals(q.group()))));
    List<Map<String, Object>> statusOptions = new ArrayList<>();
    STATUSES.forEach(st -> statusOptions.add(m("id", st, "word", word(st), "selected", st.equals(q.status()))));
    ObjectNode revisions = backend.revisions();
    Map<String, Object> model = m("revision", str(doc, "revision"), "counts", countRows, "rows", rows,
        "total", total, "page", page, "pages", pages,
        "prev", page > 1 ? q.href(q.status(), page - 1) : null,
        "next", page < pages ? q.href(q.status(), page + 1) : null,
        "images", images, "groups", groupOptions, "statuses", statusOptions, "label", q.label(),
        "filtered", q.group() != null || q.label() != null || q.status() != null,
        "stalledRevision", stalledRevision(revisions));
    return templates.render("fleet", frame(s, "Fleet", "fleet", model));
  }

  String host(String name, Sessions.Session s) {
    ObjectNode h = backend.host(name);
    if (h == null) {
      throw new BadInput(404, "host \"" + name + "\" is not declared in the served revision");
    }
    HostPlan plan = backend.hostPlan(name);
    List<Map<String, Object>> actions = new ArrayList<>();
    if (plan != null) {
      for (Action a : plan.actions()) {
        String diff = Describe.diff(a);
        actions.add(m("type", a.type(), "text", Describe.action(a), "diff", diff == null ? null
            : m("path", a instanceof Action.WriteFile w ? w.path() : a instanceof Action.RemoveFile r ? r.path() : "",
                "lines", diffLines(diff))));
      }
    }
    JsonNode d = h.get("desired");
    List<Map<String, Object>> labels = new ArrayList<>();
    d.get("labels").properties().forEach(e -> labels.add(m("key", e.getKey(), "value", e.getValue().asString())));
    List<String> etc = new ArrayList<>();
    d.get("etc").forEach(e -> etc.add(e.get("path").asString() + (e.get("absent").asBoolean() ? " (absent)" : "")));
    DesiredHost dh = backend.desiredHosts().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
    List<Map<String, Object>> conditions = new ArrayList<>();
    h.get("conditions").forEach(c -> conditions.add(m("type", str(c, "type"), "status", str(c, "status"),
        "reason", str(c, "reason"), "message", str(c, "message"))));
    List<Map<String, Object>> timeline = new ArrayList<>();
    h.get("timeline").forEach(e -> timeline.add(m("at", str(e, "at"), "revision", str(e, "revision"),
        "type", str(e, "type"), "message", str(e, "message"))));
    JsonNode observed = h.get("observed");
    Map<String, Object> model = m("name", name, "status", str(h, "status"), "word", word(str(h, "status")),
        "stalled", stalled(h), "reason", str(h, "message"),
        "desired", image(str(h, "desiredImage")), "booted", image(str(h, "bootedImage")),
        "desiredRef", d.get("image").get("ref").asString(), "labels", labels, "etc", etc,
        "groups", dh == null ? "" : String.join(", ", dh.groups()),
        "lastReport", str(h, "lastReport"), "lastApplied", str(h, "lastAppliedRevision"),
        "conditions", conditions, "actions", actions, "notes", plan == null ? List.of() : plan.notes(),
        "inSync", actions.isEmpty(), "timeline", timeline,
        "raw", observed == null || observed.isNull() ? null : JSON.writerWithDefaultPrettyPrinter()
            .writeValueAsString(observed));
    return templates.render("host", frame(s, "Host " + name, "fleet", model));
  }

  String rollouts(Context ctx, Sessions.Session s) {
    ObjectNode doc = backend.rollouts();
    List<Map<String, Object>> rows = new ArrayList<>();
    doc.get("rollouts").forEach(r -> rows.add(m("name", str(r, "name"), "href", "/rollouts/" + str(r, "name"),
        "phase", str(r, "phase"), "target", image(str(r, "target")), "flags", flags(r),
        "rejected", strings(r.get("rejected")))));
    return templates.render("rollouts", frame(s, "Rollouts", "rollouts", m("revision", str(doc, "revision"),
        "rollouts", rows)));
  }

  String rollout(String id, Sessions.Session s, String error) {
    ObjectNode r = backend.rollout(id);
    if (r == null) {
      throw new BadInput(404, "no rollout \"" + id + "\" in the served revision");
    }
    List<Map<String, Object>> waves = new ArrayList<>();
    List<Map<String, Object>> approvals = new ArrayList<>();
    java.util.Set<String> approved = new java.util.HashSet<>(strings(r.get("approved")));
    for (JsonNode w : r.get("waves")) {
      int hosts = w.get("hosts").asInt();
      JsonNode c = w.get("counts");
      List<Map<String, Object>> parts = new ArrayList<>();
      int left = 100;
      for (String st : WAVE_STATES) {
        int n = c.path(st).asInt(0);
        if (n > 0 || WAVE_STATES_SHOWN.contains(st)) {
          int width = hosts == 0 ? 0 : Math.min(left, Math.round(100f * n / hosts));
          left -= width;
          parts.add(m("state", st, "n", n, "width", width, "shown", n > 0));
        }
      }
      String name = str(w, "name");
      boolean needs = w.get("approval").asBoolean() && !approved.contains(name);
      if (needs) {
        approvals.add(m("name", name));
      }
      waves.add(m("name", name, "state", str(w, "state"), "hosts", hosts, "down", w.get("down").asInt(),
          "maxUnavailable", w.get("maxUnavailable").asInt(), "approval", w.get("approval").asBoolean(),
          "approved", approved.contains(name), "doneAt", str(w, "doneAt"), "startsAt", str(w, "startsAt"),
          "parts", parts, "healthy", c.path("healthy").asInt(0)));
    }
    List<Map<String, Object>> events = new ArrayList<>();
    r.get("events").forEach(e -> events.add(m("at", str(e, "at"), "type", str(e, "type"), "host", str(e, "host"),
        "who", str(e, "who"), "message", str(e, "message"))));
    List<Map<String, Object>> hosts = new ArrayList<>();
    r.get("hosts").forEach(x -> hosts.add(m("name", str(x, "name"), "href", "/hosts/" + str(x, "name"),
        "phase", str(x, "phase"), "leased", str(x, "rebootAllowedAt"))));
    Map<String, Object> model = m("name", id, "phase", str(r, "phase"), "target", image(str(r, "target")),
        "flags", flags(r), "paused", r.get("paused").asBoolean(), "aborted", r.get("aborted").asBoolean(),
        "budgetInUse", r.get("budgetInUse").asInt(), "windows", windows(r.get("windows")),
        "timeZone", str(r, "timeZone"), "rebootMode", str(r, "rebootMode"), "urgent", r.get("urgent").asBoolean(),
        "startedAt", str(r, "startedAt"), "rejected", strings(r.get("rejected")), "waves", waves,
        "approvals", approvals, "events", events, "hosts", hosts, "error", error, "csrf", s.csrf());
    return templates.render("rollout", frame(s, "Rollout " + id, "rollouts", model));
  }

  /** A rollout's windows as the page lists them: what each is, "open" or "closed" in words, when it next opens. */
  static List<Map<String, Object>> windows(JsonNode ws) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (JsonNode w : ws) {
      String what = "cron".equals(str(w, "form"))
          ? "cron " + str(w, "expression") + " for " + str(w, "duration") + " (zone " + str(w, "zone") + ")"
          : "weekly on " + String.join(", ", strings(w.get("days"))) + " at " + str(w, "start_time") + " for "
              + w.get("length_minutes").asInt() + " min (time zone " + str(w, "time_zone") + ")";
      boolean open = w.get("open").asBoolean();
      out.add(m("what", what, "open", open, "state", open ? "open" : "closed", "next", str(w, "nextOpensAt"),
          "zone", str(w, "evaluatedIn")));
    }
    return out;
  }

  String revisions(Context ctx, Sessions.Session s) {
    ObjectNode doc = backend.revisions();
    List<Map<String, Object>> history = new ArrayList<>();
    for (JsonNode r : doc.get("history")) {
      String rev = str(r, "revision");
      JsonNode changed = r.get("hostsChanged");
      history.add(m("revision", rev, "state", str(r, "state"), "stalled", "stalled".equals(str(r, "state")),
          "at", str(r, "at"), "errors", strings(r.get("errors")),
          "known", changed != null && !changed.isNull(),
          "changed", changed == null || changed.isNull() ? List.of() : strings(changed).subList(0,
              Math.min(CHANGED_SHOWN, changed.size())),
          "more", changed == null || changed.size() <= CHANGED_SHOWN ? null : changed.size() - CHANGED_SHOWN,
          "served", rev != null && rev.equals(str(doc, "served"))));
    }
    return templates.render("revisions", frame(s, "Revisions", "revisions", m("served", str(doc, "served"),
        "stalledRevision", stalledRevision(doc), "history", history)));
  }

  // --- parts

  /** The model every page's frame needs: title, navigation, the session's CSRF token for logout. */
  private static Map<String, Object> frame(Sessions.Session s, String title, String nav, Map<String, Object> model) {
    model.put("title", title);
    model.put("nav_" + nav, true);
    model.put("session", s != null);
    model.put("operator", s == null ? null : s.operatorId());
    model.put("csrf", s == null ? null : s.csrf());
    return model;
  }

  private static Map<String, Object> stalledRevision(JsonNode revisions) {
    JsonNode st = revisions.get("stalledRevision");
    if (!revisions.path("stalled").asBoolean(false) || st == null || st.isNull()) {
      return null;
    }
    return m("revision", str(st, "revision"), "at", str(st, "at"), "errors", strings(st.get("errors")));
  }

  private static boolean stalled(JsonNode host) {
    for (JsonNode c : host.path("conditions")) {
      if ("Stalled".equals(str(c, "type")) && "True".equals(str(c, "status"))) {
        return true;
      }
    }
    return false;
  }

  private static String flags(JsonNode r) {
    List<String> f = new ArrayList<>();
    for (String k : List.of("paused", "aborted", "halted")) {
      if (r.path(k).asBoolean(false)) {
        f.add(k);
      }
    }
    return String.join(", ", f);
  }

  /** An image as people read it: name and tag, and the digest's first 12 hex digits; the full text as a title. */
  static Map<String, Object> image(String ref) {
    if (ref == null) {
      return null;
    }
    int at = ref.indexOf('@');
    String name = at < 0 ? ref : ref.substring(0, at);
    String digest = at < 0 ? null : ref.substring(at + 1);
    if (name.isEmpty() && digest == null) {
      return null;
    }
    String shortDigest = digest == null ? null : digest.length() > digest.indexOf(':') + 13
        ? digest.substring(0, digest.indexOf(':') + 13) : digest;
    if (name.startsWith("sha256:")) { // a bare digest (a rollout's target)
      shortDigest = name.length() > 19 ? name.substring(0, 19) : name;
      name = "";
    }
    return m("full", ref, "name", name, "digest", shortDigest);
  }

  private static String digest(String ref) {
    int at = ref == null ? -1 : ref.indexOf('@');
    return at < 0 ? null : ref.substring(at + 1);
  }

  /** A unified diff's lines, each with its kind (a class for colour; the sign stays in the text). */
  static List<Map<String, Object>> diffLines(String diff) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : diff.split("\n", -1)) {
      String kind = line.startsWith("+++") || line.startsWith("---") ? "file" : line.startsWith("+") ? "add"
          : line.startsWith("-") ? "del" : line.startsWith("@@") ? "hunk" : "ctx";
      out.add(m("kind", kind, "text", line));
    }
    if (!out.isEmpty() && ((String) out.get(out.size() - 1).get("text")).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  /** Status id as a word for people ({@code in-sync}: "in sync"). */
  static String word(String status) {
    return status == null ? "" : status.replace('-', ' ');
  }

  private static List<String> strings(JsonNode a) {
    List<String> out = new ArrayList<>();
    if (a != null) {
      a.forEach(x -> out.add(x.asString()));
    }
    return out;
  }

  private static String str(JsonNode o, String key) {
    JsonNode v = o.get(key);
    return v == null || v.isNull() ? null : v.asString();
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** {@code s} with control and non-ASCII characters as '?', for a one-line message. */
  static String printable(String s) {
    String t = s.replaceAll("[^\\x20-\\x7e]", "?");
    return t.length() > 80 ? t.substring(0, 80) + "..." : t;
  }

  /** A model map (values may be null: Mustache shows nothing). */
  static Map<String, Object> m(Object... kv) {
    Map<String, Object> out = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      out.put((String) kv[i], kv[i + 1]);
    }
    return out;
  }
}
