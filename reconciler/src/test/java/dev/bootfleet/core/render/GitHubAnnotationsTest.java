package dev.bootfleet.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.yaml.Pos;
import org.junit.jupiter.api.Test;

class GitHubAnnotationsTest {
  @Test
  void anError_namesFileLineAndColumn_andKeepsTheField() {
    Problem p = Problem.error("hosts/web-01.yaml", new Pos(11, 10), "spec.image.ref",
        "\"quay.io/x/y@sha256:12\" has a bad digest");

    assertThat(GitHubAnnotations.line(p, "fleet/hosts/web-01.yaml")).isEqualTo("::error file=fleet/hosts/web-01.yaml,"
        + "line=11,col=10,title=bootfleet validate::spec.image.ref: \"quay.io/x/y@sha256:12\" has a bad digest");
  }

  @Test
  void aWarning_withoutAPosition_orWithoutAFile() {
    Problem noPos = Problem.warning("groups/a.yaml", Pos.NONE, "", "no Host manifests found");
    Problem noFile = Problem.warning("", Pos.NONE, "", "no Host manifests found");

    assertThat(GitHubAnnotations.line(noPos, "groups/a.yaml"))
        .isEqualTo("::warning file=groups/a.yaml,title=bootfleet validate::no Host manifests found");
    assertThat(GitHubAnnotations.line(noFile, "")).isEqualTo("::warning title=bootfleet validate::no Host manifests found");
  }

  @Test
  void whatTheManifestHolds_cannotEndTheCommand_orAddProperties() {
    Problem p = Problem.error("hosts/a,b:c.yaml", new Pos(1, 1), "metadata.labels.x", "100% \"a::b\"");

    assertThat(GitHubAnnotations.line(p, "hosts/a,b:c.yaml")).isEqualTo("::error file=hosts/a%2Cb%3Ac.yaml,line=1,col=1,"
        + "title=bootfleet validate::metadata.labels.x: 100%25 \"a::b\"");
    assertThat(GitHubAnnotations.data("a\r\nb")).isEqualTo("a%0D%0Ab");
  }
}
