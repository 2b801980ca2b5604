package dev.bootfleet.core.render;

import dev.bootfleet.core.plan.Action;
import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.plan.Plan;
import dev.bootfleet.core.plan.Summary;
import java.io.IOException;
import java.util.List;
import dev.bootfleet.core.text.Quote;
import tools.jackson.core.SerializableString;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.io.CharacterEscapes;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The machine form, following {@code schema/plan.schema.json}. Fields always in the same order. */
public final class JsonRenderer {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .characterEscapes(new ControlEscapes()).build())
      .enable(SerializationFeature.INDENT_OUTPUT).disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

  /**
   * JSON's own escapes, and {@code \\uXXXX} for every other character {@link Quote#isControl} names
   * (DEL, C1, bidirectional overrides, line separators, lone surrogates): the values stay exactly as
   * reported, and the text stays safe to print and valid to read.
   */
  private static final class ControlEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private static final int[] ASCII = standardAsciiEscapesForJSON();

    static {
      ASCII[0x7F] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ASCII;
    }

    @Override
    public SerializableString getEscapeSequence(int c) {
      return Quote.isControl(c) ? new SerializedString(String.format("\\u%04x", c)) : null;
    }
  }

  /** Where the hosts go in the serialized envelope: the root's {@code hosts} key, at its indentation. */
  private static final String HOSTS_SLOT = "\n  \"hosts\" : [ ]";

  /**
   * Writes the report. Each host is serialized on its own, in parallel, and set into the envelope at
   * the indentation Jackson gives it there (JSON strings hold no raw line breaks, so indenting every
   * line is safe); the result is the same text as serializing the whole tree at once
   * ({@code RenderGoldenTest}), but a 100,000-host report no longer serializes on one core.
   */
  public void render(Report report, Appendable out) throws IOException {
    List<String> hosts = report.hosts().parallelStream()
        .map(h -> MAPPER.writeValueAsString(host(h)).replace("\n", "\n  ")).toList();
    String envelope = MAPPER.writeValueAsString(envelope(report));
    int slot = envelope.indexOf(HOSTS_SLOT);
    if (slot < 0 || hosts.isEmpty()) {
      out.append(hosts.isEmpty() ? envelope : MAPPER.writeValueAsString(toJson(report))).append('\n');
      return;
    }
    int open = slot + HOSTS_SLOT.length() - 1; // at the ']' of "[ ]"
    out.append(envelope, 0, open);
    for (int i = 0; i < hosts.size(); i++) {
      out.append(i == 0 ? "" : ", ").append(hosts.get(i));
    }
    out.append(' ').append(envelope, open, envelope.length()).append('\n');
  }

  /** The whole report as one tree. */
  public static ObjectNode toJson(Report report) {
    ObjectNode root = envelope(report);
    ArrayNode hosts = (ArrayNode) root.get("hosts");
    report.hosts().parallelStream().map(JsonRenderer::host).toList().forEach(hosts::add);
    return root;
  }

  /** The report with an empty {@code hosts} array. */
  private static ObjectNode envelope(Report report) {
    Plan plan = report.plan();
    ObjectNode root = F.objectNode();
    root.put("apiVersion", "bootfleet.dev/v1alpha1");
    root.put("kind", report.kind() == Report.Kind.DRIFT ? "DriftReport" : "Plan");
    root.put("mode", plan.mode() == Plan.Mode.CHANGE ? "change" : "observed");
    root.put("revision", plan.revision());
    if (plan.baseRevision() != null) {
      root.put("baseRevision", plan.baseRevision());
    }
    root.put("generatedAt", plan.generatedAt().toString());
    root.set("summary", summary(report));
    root.putArray("hosts");
    ArrayNode unmanaged = root.putArray("unmanagedHosts");
    plan.unmanagedHosts().forEach(unmanaged::add);
    return root;
  }

  private static ObjectNode summary(Report report) {
    Summary s = report.plan().summary();
    ObjectNode o = F.objectNode();
    o.put("line", report.summaryLine());
    o.put("toStage", s.toStage());
    o.put("toReboot", s.toReboot());
    o.put("etcChanges", s.etcChanges());
    o.put("kargsChanges", s.kargsChanges());
    o.put("packageChanges", s.packageChanges());
    o.put("flatpakChanges", s.flatpakChanges());
    o.put("inSync", s.inSync());
    o.put("drifted", s.drifted());
    o.put("held", s.held());
    o.put("unknown", s.unknown());
    o.put("added", s.added());
    o.put("removed", s.removed());
    o.put("changed", s.changed());
    o.put("unchanged", s.unchanged());
    return o;
  }

  private static ObjectNode host(HostPlan h) {
    ObjectNode o = F.objectNode();
    o.put("name", h.name());
    o.put("status", h.status().id());
    o.put("reason", h.reason());
    if (!h.conditions().isEmpty()) {
      ArrayNode conditions = o.putArray("conditions");
      h.conditions().forEach(c -> conditions.addObject().put("type", c.type()).put("status", c.status())
          .put("reason", c.reason()).put("message", c.message()));
    }
    o.put("desiredImage", h.desiredImage());
    if (h.bootedImage() != null) {
      o.put("bootedImage", h.bootedImage());
    }
    ArrayNode actions = o.putArray("actions");
    h.actions().forEach(a -> actions.add(action(a)));
    ArrayNode notes = o.putArray("notes");
    h.notes().forEach(notes::add);
    return o;
  }

  static ObjectNode action(Action a) {
    ObjectNode o = F.objectNode();
    o.put("type", a.type());
    switch (a) {
      case Action.Stage s -> {
        o.put("ref", s.ref());
        o.put("transport", s.transport());
        o.put("enforceSignaturePolicy", s.enforceSignaturePolicy());
        putIfSet(o, "digest", s.digest());
        putIfSet(o, "from", s.from());
      }
      case Action.UnlockStaged u -> o.put("ref", u.ref());
      case Action.CancelStaged c -> putIfSet(o, "ref", c.ref());
      case Action.CancelRollback c -> putIfSet(o, "ref", c.ref());
      case Action.Reboot r -> o.put("ref", r.ref());
      case Action.WriteFile w -> {
        o.put("path", w.path());
        o.put("sha256", w.sha256());
        o.put("size", w.size());
        o.put("mode", w.mode());
        o.put("owner", w.owner());
        o.put("group", w.group());
        putIfSet(o, "previousSha256", w.previousSha256());
        o.put("summary", w.summary());
        putIfSet(o, "diff", w.diff());
      }
      case Action.RemoveFile r -> {
        o.put("path", r.path());
        putIfSet(o, "previousSha256", r.previousSha256());
        putIfSet(o, "diff", r.diff());
      }
      case Action.SetKargs k -> {
        strings(o, "append", k.append());
        strings(o, "delete", k.delete());
      }
      case Action.Rebase r -> {
        o.put("ref", r.ref());
        o.put("image", r.image());
        putIfSet(o, "digest", r.digest());
        putIfSet(o, "from", r.from());
        strings(o, "install", r.install());
        strings(o, "uninstall", r.uninstall());
        putIfSet(o, "revision", r.revision());
      }
      case Action.Deploy d -> {
        o.put("commit", d.commit());
        o.put("image", d.image());
        putIfSet(o, "from", d.from());
        strings(o, "install", d.install());
        strings(o, "uninstall", d.uninstall());
      }
      case Action.InstallPackages p -> strings(o, "packages", p.packages());
      case Action.RemovePackages p -> {
        strings(o, "layered", p.layered());
        strings(o, "base", p.base());
      }
      case Action.Finalize f -> o.put("ref", f.ref());
      case Action.FlatpakRemoteAdd r -> {
        o.put("name", r.name());
        o.put("url", r.url());
        o.put("installation", r.installation());
        putIfSet(o, "previousUrl", r.previousUrl());
      }
      case Action.FlatpakInstall i -> {
        o.put("ref", i.ref());
        o.put("remote", i.remote());
        o.put("installation", i.installation());
        putIfSet(o, "commit", i.commit());
      }
      case Action.FlatpakUpdate u -> {
        o.put("ref", u.ref());
        o.put("installation", u.installation());
        putIfSet(o, "commit", u.commit());
        putIfSet(o, "fromCommit", u.fromCommit());
      }
      case Action.FlatpakUninstall u -> {
        o.put("ref", u.ref());
        o.put("installation", u.installation());
        putIfSet(o, "commit", u.commit());
      }
    }
    return o;
  }

  private static void strings(ObjectNode o, String key, java.util.List<String> values) {
    ArrayNode a = o.putArray(key);
    values.forEach(a::add);
  }

  private static void putIfSet(ObjectNode o, String key, String value) {
    if (value != null) {
      o.put(key, value);
    }
  }
}
