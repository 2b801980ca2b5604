package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.Provenance;
import dev.bootfleet.testing.Example;
import org.junit.jupiter.api.Test;

/** {@code bootfleet show host} on the example fleet: each value and the layer that gave it. */
class ShowCommandTest {
  private static final String REPO = Example.fleetRepo().toString();

  @Test
  void showHost_namesTheLayerOfEachValue_theHostOverGroups() throws Exception {
    var sources = Example.fleet().sources("ws-02");

    assertThat(sources).contains(
        new Provenance("spec.image", "quay.io/fedora/fedora-silverblue:42@sha256:"
            + "cabffe5af9ed4f5e5a3da1ba31c859b99a92cf821c7a39b510f3a84b4e903904", "group \"desktop\" (groups/desktop.yaml:15)"),
        new Provenance("spec.driver", "rpm-ostree", "group \"desktop\" (groups/desktop.yaml:13)"),
        new Provenance("spec.kargs[console=ttyS0,115200]", "append", "group \"defaults\" (groups/defaults.yaml:23)"),
        new Provenance("spec.flatpak.apps[system:org.gnome.Calculator//stable]", "absent",
            "host \"ws-02\" (hosts/ws-02.yaml:17)"));
  }

  @Test
  void showHost_asText_isATable_underTheHostsLabelsAndGroups() {
    Cli.Run r = Cli.run("show", "host", "web-01", "--repo", REPO);

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines().toList()).startsWith(
        "Host web-01 (hosts/web-01.yaml) at worktree:" + REPO,
        "labels: role=web, site=fra1",
        "groups: defaults, web (lowest priority first; the host's own values win)",
        "");
    assertThat(r.out().lines()).anySatisfy(l -> assertThat(l).matches(
        "spec\\.etc\\[/etc/motd\\] +0644 root:root, \\d+ bytes +group \"web\" \\(groups/web\\.yaml:14\\)"));
  }

  @Test
  void showHost_asJson_listsEveryValueWithItsSource() throws Exception {
    Cli.Run r = Cli.run("show", "host", "ws-02", "--repo", REPO, "--format", "json");

    assertThat(r.exit()).as(r.err()).isZero();
    var doc = tools.jackson.databind.json.JsonMapper.shared().readTree(r.out());
    assertThat(doc.path("name").asString()).isEqualTo("ws-02");
    assertThat(doc.path("groups").toString()).isEqualTo("[\"defaults\",\"desktop\"]");
    assertThat(doc.path("values").size()).isEqualTo(Example.fleet().sources("ws-02").size());
    assertThat(doc.path("values").get(0).path("from").asString()).isEqualTo("group \"desktop\" (groups/desktop.yaml:15)");
  }

  @Test
  void showHost_ofAnUnknownName_isOneLine_listingTheHosts() {
    Cli.Run r = Cli.run("show", "host", "web-99", "--repo", REPO);

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("bootfleet: error: show host web-99: no such host in worktree:" + REPO
        + " (expected one of: core-01, db-01, db-02, edge-01, edge-02, edge-03, iot-01, web-01, web-02, web-03, ws-01, ws-02)\n");
  }
}
