package dev.bootfleet.core.render;

import dev.bootfleet.core.manifest.FileContent;
import dev.bootfleet.core.manifest.Problem;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Problems as a GitLab Code Quality report (the Code Climate issue format GitLab reads from a job's
 * {@code artifacts:reports:codequality}), which a merge request shows on the lines of its diff.
 * An error is {@code major}, a warning {@code minor}. The fingerprint leaves the line out, so that a
 * problem moved by an edit above it is the same problem to GitLab, not one fixed and one new; the n-th
 * repeat of the same problem in a file gets its own.
 */
public final class GitLabCodeQuality {
  private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private GitLabCodeQuality() {}

  /**
   * @param path maps a problem's file to the path GitLab knows it by (relative to the project's root)
   */
  public static String render(List<Problem> problems, UnaryOperator<String> path) {
    ArrayNode issues = JsonNodeFactory.instance.arrayNode();
    Map<String, Integer> seen = new HashMap<>();
    for (Problem p : problems) {
      String file = path.apply(p.file());
      String text = p.text();
      String key = p.severity() + "\n" + file + "\n" + text;
      int nth = seen.merge(key, 1, Integer::sum);
      ObjectNode issue = issues.addObject();
      issue.put("description", text);
      issue.put("check_name", "bootfleet-" + p.severity().name().toLowerCase(java.util.Locale.ROOT));
      issue.put("fingerprint", FileContent.sha256((key + "\n" + nth).getBytes(StandardCharsets.UTF_8)));
      issue.put("severity", p.isError() ? "major" : "minor");
      ObjectNode location = issue.putObject("location");
      location.put("path", file);
      location.putObject("lines").put("begin", p.pos().known() ? p.pos().line() : 1);
    }
    return MAPPER.writeValueAsString(issues) + "\n";
  }
}
