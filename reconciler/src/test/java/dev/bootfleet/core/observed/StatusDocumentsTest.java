package dev.bootfleet.core.observed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class StatusDocumentsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void isRpmOstree_looksAtKeys_notAtValues() {
    assertThat(StatusDocuments.isRpmOstree(JSON.readTree("{\"deployments\" : []}"))).isTrue();
    assertThat(StatusDocuments.isRpmOstree(JSON.readTree("{\"version\": \"deployments\"}"))).isFalse();
    assertThat(StatusDocuments.isRpmOstree(JSON.readTree("{\"apiVersion\": \"x\", \"deployments\": []}"))).isFalse();
    assertThat(StatusDocuments.isRpmOstree(JSON.readTree("{\"otherDeployments\": []}"))).isFalse();
  }

  @Test
  void parse_givesEachToolsDocumentToItsParser() throws Exception {
    for (String name : Fixtures.statusDocuments()) {
      String text = Fixtures.read(name);
      assertThat(StatusDocuments.parse(text.getBytes(StandardCharsets.UTF_8), name))
          .isEqualTo(BootcStatusParser.parse(text, name));
    }
  }

  @Test
  void parse_keepsBootcsWording_forADocumentOfNeither() {
    var e = org.assertj.core.api.Assertions.catchThrowableOfType(ObservedStateException.class,
        () -> StatusDocuments.parse(" \n".getBytes(StandardCharsets.UTF_8), "f"));
    assertThat(e.getMessage()).isEqualTo("f: document: empty (expected a BootcHost object in JSON or YAML, as bootc"
        + " status prints it)");
  }
}
