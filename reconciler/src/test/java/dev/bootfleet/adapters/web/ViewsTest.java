package dev.bootfleet.adapters.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ViewsTest {
  @Test
  void fleetQuery_reportsEveryProblemAtOnce_inOneLine() {
    assertThatThrownBy(() -> Views.FleetQuery.of(null, "role", "green", "0"))
        .isInstanceOf(Views.BadInput.class)
        .hasMessage("label: \"role\" is not a label (expected KEY=VALUE); status: \"green\" is not one (expected "
            + "in-sync, drifted, held, unknown, stalled); page: \"0\" is not a page number (expected 1 or more)")
        .extracting(e -> ((Views.BadInput) e).status).isEqualTo(400);
  }

  @Test
  void fleetQuery_readsItsFilters_andLinksKeepThem() {
    Views.FleetQuery q = Views.FleetQuery.of("web", "site=ams 1", "", "2");
    assertThat(q.labelKey()).isEqualTo("site");
    assertThat(q.labelValue()).isEqualTo("ams 1");
    assertThat(q.page()).isEqualTo(2);
    assertThat(q.href("drifted", 3)).isEqualTo("/?group=web&label=site%3Dams+1&status=drifted&page=3");
    assertThat(Views.FleetQuery.of(null, null, null, null).href(null, 1)).isEqualTo("/");
  }

  @ParameterizedTest
  @CsvSource({
      "quay.io/x/web-os:42@sha256:ecb095763ad57c781ec2de1cea059a06d62f3b7830f9e6ab1b0cdd5e0a3e0c64, quay.io/x/web-os:42, sha256:ecb095763ad5",
      "sha256:ecb095763ad57c781ec2de1cea059a06d62f3b7830f9e6ab1b0cdd5e0a3e0c64, '', sha256:ecb095763ad5",
      "quay.io/x/web-os:42, quay.io/x/web-os:42, ",
  })
  void image_showsNameTagAndShortDigest(String ref, String name, String digest) {
    Map<String, Object> m = Views.image(ref);
    assertThat(m).containsEntry("full", ref).containsEntry("name", name).containsEntry("digest", digest);
  }

  @Test
  void diffLines_keepTheSignsAndNameEachLinesKind() {
    List<Map<String, Object>> lines = Views.diffLines("--- a/etc/x\n+++ b/etc/x\n@@ -1 +1 @@\n-old\n+new\n same\n");
    assertThat(lines).extracting(l -> l.get("kind")).containsExactly("file", "file", "hunk", "del", "add", "ctx");
    assertThat(lines).extracting(l -> l.get("text")).contains("-old", "+new");
  }

  @Test
  void windows_sayOpenOrClosedInWords_andWhenAClosedOneOpens() {
    tools.jackson.databind.JsonNode ws = tools.jackson.databind.json.JsonMapper.shared().readTree("""
        [{"form":"weekly","days":["Mon","Wed"],"start_time":"02:00","length_minutes":240,"time_zone":"host",
          "evaluatedIn":"UTC","open":true,"nextOpensAt":null},
         {"form":"cron","expression":"0 0 3 ? * SAT","duration":"2h","zone":"Europe/Berlin",
          "evaluatedIn":"Europe/Berlin","open":false,"nextOpensAt":"2026-03-07T02:00:00Z"}]""");
    List<Map<String, Object>> w = Views.windows(ws);
    assertThat(w).extracting(x -> x.get("state")).containsExactly("open", "closed");
    assertThat(w.get(0).get("what")).isEqualTo("weekly on Mon, Wed at 02:00 for 240 min (time zone host)");
    assertThat(w.get(1).get("what")).isEqualTo("cron 0 0 3 ? * SAT for 2h (zone Europe/Berlin)");
    assertThat(w.get(1).get("next")).isEqualTo("2026-03-07T02:00:00Z");
  }

  @Test
  void fleet_rendersTheBackendsFilteredPage_withoutReadingEveryHost() {
    tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.shared();
    List<Object> asked = new java.util.ArrayList<>();
    String page = """
        {"revision":"main@sha1:1","counts":{"drifted":120,"in-sync":3,"stalled":1},"total":120,"page":3,
         "groups":["db","web"],
         "spread":[{"desiredImage":null,"booted":[{"bootedImage":null,"hosts":2}]}],
         "hosts":[{"name":"web-101","status":"drifted","conditions":[],"desiredImage":"quay.io/x/os:1",
                   "desiredRef":"quay.io/x/os:1@sha256:%s","bootedImage":null,"lastReport":null,"message":"m"}]}
        """.formatted("a".repeat(64));
    dev.bootfleet.adapters.http.Backend backend = (dev.bootfleet.adapters.http.Backend) java.lang.reflect.Proxy
        .newProxyInstance(getClass().getClassLoader(), new Class<?>[] {dev.bootfleet.adapters.http.Backend.class},
            (proxy, method, args) -> switch (method.getName()) {
              case "fleetPage" -> {
                asked.add(args[0]);
                yield json.readTree(page);
              }
              case "revisions" -> json.readTree("{\"served\":\"main@sha1:1\",\"stalled\":false,\"history\":[]}");
              default -> throw new AssertionError("the fleet page asked the backend for " + method.getName());
            });
    String html = new Views(backend, new Templates()).fleet(Views.FleetQuery.of("web", "site=fra1", "drifted", "3"),
        null);

    assertThat(asked).containsExactly(
        new dev.bootfleet.adapters.http.Backend.FleetQuery("web", "site", "fra1", "drifted", 3, Views.PAGE));
    assertThat(html).contains("web-101", "page 3 of 3");
  }

  @Test
  void templates_escapeWhatGitOrAHostSent() {
    String html = new Templates().render("login", Map.of("title", "<script>x</script>", "error", "\"><b>"));
    assertThat(html).doesNotContain("<script>x").contains("&lt;script&gt;x").contains("&quot;&gt;&lt;b&gt;");
  }
}
