package dev.bootfleet.core.render;

import dev.bootfleet.core.observed.EtcFileState;
import dev.bootfleet.core.observed.EtcReport;
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
    if (report.kargs() != null) {
      ArrayNode k = o.putArray("kargs");
      report.kargs().forEach(k::add);
    }
    return MAPPER.writeValueAsString(o) + "\n";
  }
}
