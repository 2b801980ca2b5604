package dev.bootfleet.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The key lists SchemaCheck prints for an unknown key must be the keys the schemas allow. */
class SchemaCheckTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode schema(String name) throws IOException {
    try (InputStream in = SchemaCheckTest.class.getResourceAsStream("/schema/" + name)) {
      return JSON.readTree(in);
    }
  }

  private static List<String> keys(JsonNode properties) {
    List<String> out = new ArrayList<>();
    properties.propertyNames().forEach(out::add);
    return out;
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', textBlock = """
      Host      |                                     | host.schema.json#/properties
      HostGroup |                                     | hostgroup.schema.json#/properties
      Host      | /metadata                           | common.schema.json#/$defs/metadata/properties
      Host      | /spec                               | common.schema.json#/$defs/hostSpec/properties
      HostGroup | /spec                               | common.schema.json#/$defs/hostSpec/properties hostgroup.schema.json#/properties/spec/properties
      Host      | /spec/image                         | common.schema.json#/$defs/image/properties
      Host      | /spec/kargs                         | common.schema.json#/$defs/kargs/properties
      Host      | /spec/etc/3                         | common.schema.json#/$defs/etcFile/properties
      HostGroup | /spec/selector                      | common.schema.json#/$defs/labelSelector/properties
      HostGroup | /spec/selector/matchExpressions/0   | common.schema.json#/$defs/labelSelector/properties/matchExpressions/items/properties
      Host      | /spec/packages                      | common.schema.json#/$defs/packages/properties
      Host      | /spec/flatpak                       | common.schema.json#/$defs/flatpak/properties
      HostGroup | /spec/flatpak/remotes/2             | common.schema.json#/$defs/flatpakRemote/properties
      Host      | /spec/flatpak/apps/0                | common.schema.json#/$defs/flatpakApp/properties
      """)
  void knownKeys_areTheSchemasProperties(String kind, String pointer, String sources) throws IOException {
    List<String> expected = new ArrayList<>();
    for (String source : sources.split(" ")) {
      String[] at = source.split("#");
      expected.addAll(keys(schema(at[0]).at(at[1])));
    }
    assertThat(expected).isNotEmpty();
    assertThat(SchemaCheck.knownKeys(kind, pointer == null ? "" : pointer)).containsExactlyInAnyOrderElementsOf(expected);
  }
}
