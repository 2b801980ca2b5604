package dev.bootfleet.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.yaml.Pos;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class GitLabCodeQualityTest {
  private static JsonNode render(List<Problem> problems) {
    return JsonMapper.shared().readTree(GitLabCodeQuality.render(problems, f -> f.isEmpty() ? "." : "fleet/" + f));
  }

  @Test
  void eachProblem_isAnIssue_atItsFileAndLine() {
    JsonNode issues = render(List.of(
        Problem.error("hosts/web-01.yaml", new Pos(11, 10), "spec.image.ref", "has a bad digest"),
        Problem.warning("groups/edge.yaml", new Pos(17, 3), "spec.kargs", "host-local kernel arguments"),
        Problem.warning("", Pos.NONE, "", "no Host manifests found")));

    assertThat(issues.size()).isEqualTo(3);
    JsonNode error = issues.get(0);
    assertThat(error.path("description").asString()).isEqualTo("spec.image.ref: has a bad digest");
    assertThat(error.path("check_name").asString()).isEqualTo("bootfleet-error");
    assertThat(error.path("severity").asString()).isEqualTo("major");
    assertThat(error.path("location").path("path").asString()).isEqualTo("fleet/hosts/web-01.yaml");
    assertThat(error.path("location").path("lines").path("begin").asInt()).isEqualTo(11);
    assertThat(error.path("fingerprint").asString()).matches("[0-9a-f]{64}");
    assertThat(issues.get(1).path("severity").asString()).isEqualTo("minor");
    assertThat(issues.get(2).path("location").path("path").asString()).isEqualTo(".");
    assertThat(issues.get(2).path("location").path("lines").path("begin").asInt()).isEqualTo(1);
  }

  @Test
  void aFingerprint_survivesAMovedLine_butTellsRepeatsAndFilesApart() {
    Problem here = Problem.error("hosts/a.yaml", new Pos(5, 1), "spec.etc[0].path", "contains '..'");
    Problem moved = Problem.error("hosts/a.yaml", new Pos(9, 1), "spec.etc[0].path", "contains '..'");
    Problem elsewhere = Problem.error("hosts/b.yaml", new Pos(5, 1), "spec.etc[0].path", "contains '..'");

    String once = render(List.of(here)).get(0).path("fingerprint").asString();
    assertThat(render(List.of(moved)).get(0).path("fingerprint").asString()).isEqualTo(once);
    JsonNode twice = render(List.of(here, moved, elsewhere));
    assertThat(twice.get(0).path("fingerprint").asString()).isEqualTo(once);
    assertThat(List.of(twice.get(0), twice.get(1), twice.get(2))).extracting(n -> n.path("fingerprint").asString())
        .doesNotHaveDuplicates();
  }
}
