package dev.bootfleet.core.observed;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.bootfleet.core.yaml.JsonView;
import dev.bootfleet.core.yaml.YNode;
import dev.bootfleet.core.yaml.YamlReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every upstream fixture against upstream's {@code host-v1.schema.json}.
 *
 * <p>Read as YAML 1.2 ({@link YamlReader} + {@link JsonView}), two fixtures fail, for reasons of the
 * YAML reading, not of the documents: {@code version: 20231230.1} is a float in the core schema
 * (bootc's serde_yaml reads it as the string the schema wants), and {@code !ostreeRemote "fedora"}
 * loses its tag (serde_yaml's form of {@code {"ostreeRemote": "fedora"}}). The tests pin exactly
 * those errors, then show that with the tag kept (JsonView.of(root, true)) and the version read as text
 * both validate, as bootc.md says.
 */
class BootcSchemaTest {
  private static final String VERSION_NOT_STRING =
      "/status/booted/image/version: number found, [string, null] expected";
  /** A failed anyOf/oneOf reports every branch; the networknt version is pinned in the pom. */
  private static final List<String> SIGNATURE_TAG_LOST = List.of(
      "/spec/image/signature: must be valid to one and only one schema, but 0 are valid",
      "/spec/image/signature: string found, object expected",
      "/spec/image/signature: must be the constant value 'containerPolicy'",
      "/spec/image/signature: must be the constant value 'insecure'",
      "/spec/image/signature: string found, null expected",
      "/spec/image: object found, null expected");
  private static final List<String> VERSION_IN_ANY_OF = List.of(
      VERSION_NOT_STRING,
      "/status/booted/image: object found, null expected",
      "/status/booted: object found, null expected");

  private static Schema schema;

  @BeforeAll
  static void loadSchema() throws IOException {
    try (InputStream in = Files.newInputStream(Fixtures.dir().resolve("host-v1.schema.json"))) {
      schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    }
  }

  static Stream<String> fixtures() {
    return Fixtures.statusDocuments().stream();
  }

  /** What the YAML 1.2 reading gets wrong, per fixture; all others must validate cleanly. */
  private static final Map<String, List<String>> KNOWN = Map.of(
      "spec-v1a1.yaml", VERSION_IN_ANY_OF,
      "spec-ostree-remote.yaml", Stream.concat(SIGNATURE_TAG_LOST.stream(), VERSION_IN_ANY_OF.stream())
          .toList());

  @ParameterizedTest
  @MethodSource("fixtures")
  void fixtureValidatesExceptForKnownYamlReadings(String name) throws Exception {
    assertThat(errors(plainTree(name))).isEqualTo(KNOWN.getOrDefault(name, List.of()));
  }

  @Test
  void keepingTheTagLeavesOnlyTheVersion() throws Exception {
    JsonNode tagged = taggedTree("spec-ostree-remote.yaml");

    assertThat(tagged.at("/spec/image/signature").toString()).isEqualTo("{\"ostreeRemote\":\"fedora\"}");
    assertThat(errors(tagged)).isEqualTo(VERSION_IN_ANY_OF);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void withTagsAndVersionAsTextEveryFixtureValidates(String name) throws Exception {
    JsonNode tree = name.endsWith(".json") ? plainTree(name) : taggedTree(name);
    JsonNode version = tree.at("/status/booted/image/version");
    if (version.isNumber()) {
      ((ObjectNode) tree.at("/status/booted/image")).put("version", version.decimalValue().toString());
    }

    assertThat(errors(tree)).isEmpty();
  }

  private static JsonNode plainTree(String name) throws Exception {
    String text = Fixtures.read(name);
    return name.endsWith(".json") ? JsonMapper.shared().readTree(text) : JsonView.of(root(text));
  }

  private static JsonNode taggedTree(String name) throws Exception {
    String text = Fixtures.read(name);
    return JsonView.of(root(text), true);
  }

  private static YNode root(String text) throws Exception {
    List<YamlReader.Document> docs = YamlReader.withDefaults().readAll(text);
    assertThat(docs).hasSize(1);
    return docs.get(0).root();
  }

  private static List<String> errors(JsonNode tree) {
    return schema.validate(tree).stream()
        .map(e -> e.getInstanceLocation() + ": " + e.getMessage())
        .toList();
  }
}
