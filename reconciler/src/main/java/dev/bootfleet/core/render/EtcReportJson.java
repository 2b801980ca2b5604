package dev.bootfleet.core.render;

import dev.bootfleet.core.observed.EtcFileState;
import dev.bootfleet.core.observed.EtcReport;
import dev.bootfleet.core.observed.FlatpakState;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** An agent's /etc report as {@code schema/etc-report.schema.json} describes it (what {@code --observed} reads). */
public final class EtcReportJson {
  private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private EtcReportJson() {}

  public static String render(EtcReport report) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("apiVersion", "bootfleet.dev/v1alpha1");
    o.put("kind", "EtcReport");
    o.put("host", report.host());
    ArrayNode files = o.putArray("files");
    for (EtcFileState f : report.files()) {
      ObjectNode x = files.addObject();
      x.put("path", f.path()).put("sha256", f.sha256()).put("mode", f.mode()).put("owner", f.owner())
          .put("group", f.group());
      if (f.content() != null) {
        x.put("content", f.content());
      }
    }
    if (!report.notFiles().isEmpty()) {
      ArrayNode n = o.putArray("notFiles");
      report.notFiles().forEach(x -> n.addObject().put("path", x.path()).put("what", x.what()));
    }
    if (report.kargs() != null) {
      ArrayNode k = o.putArray("kargs");
      report.kargs().forEach(k::add);
    }
    FlatpakState fp = report.flatpak();
    if (fp != null) {
      ObjectNode f = o.putObject("flatpak");
      ArrayNode remotes = f.putArray("remotes");
      for (FlatpakState.Remote r : fp.remotes()) {
        remotes.addObject().put("installation", r.installation()).put("name", r.name()).put("url", r.url());
      }
      ArrayNode apps = f.putArray("apps");
      for (FlatpakState.App a : fp.apps()) {
        ObjectNode app = apps.addObject().put("installation", a.installation()).put("id", a.id())
            .put("arch", a.arch()).put("branch", a.branch()).put("origin", a.origin()).put("commit", a.commit());
        if (a.masked()) {
          app.put("masked", true);
        }
      }
    }
    return MAPPER.writeValueAsString(o) + "\n";
  }
}
