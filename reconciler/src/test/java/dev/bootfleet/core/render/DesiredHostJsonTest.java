package dev.bootfleet.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.DesiredHostReader;
import dev.bootfleet.testing.Example;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The server's target carries a host as JSON; the agent reads back the very host the loader built. */
class DesiredHostJsonTest {
  static List<DesiredHost> exampleHosts() throws Exception {
    return Example.fleet().hosts();
  }

  @ParameterizedTest
  @MethodSource("exampleHosts")
  void read_givesTheSameHost_forEveryExampleHost(DesiredHost host) {
    ObjectNode json = DesiredHostJson.toJson(host);
    // through text, as it travels
    DesiredHost back = DesiredHostReader.read(JsonMapper.shared().readTree(json.toString()));
    assertThat(back).isEqualTo(host);
    assertThat(DesiredHostJson.toJson(back).toString()).isEqualTo(json.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"image", "etc", "driver", "kargs"})
  void read_namesTheField_whenOneIsMissing(String field) throws Exception {
    ObjectNode json = DesiredHostJson.toJson(exampleHosts().get(0));
    json.remove(field);
    assertThatThrownBy(() -> DesiredHostReader.read(json)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("host." + field);
  }

  @ParameterizedTest
  @MethodSource("exampleHosts")
  void read_refusesContent_whoseHashDiffers(DesiredHost host) {
    ObjectNode json = DesiredHostJson.toJson(host);
    var etc = json.withArray("etc");
    if (etc.isEmpty() || etc.get(0).get("sha256") == null) {
      return;
    }
    ((ObjectNode) etc.get(0)).put("sha256", "0".repeat(64));
    assertThatThrownBy(() -> DesiredHostReader.read(json)).hasMessageContaining("host.etc[0].sha256");
  }
}
