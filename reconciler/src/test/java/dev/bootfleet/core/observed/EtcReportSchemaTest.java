package dev.bootfleet.core.observed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.Example;
import dev.bootfleet.testing.Mutations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Holds {@link EtcReportSchema#plainlyValid} to {@code schema/etc-report.schema.json}: it may say
 * "valid" only where the validator finds nothing, for every mutant of every example report.
 */
class EtcReportSchemaTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String EVERY_FIELD = """
      {"apiVersion": "bootfleet.dev/v1alpha1", "kind": "EtcReport", "host": "web-01",
       "files": [
         {"path": "/etc/chrony.conf", "sha256": "%s", "mode": "0644", "owner": "root", "group": "0",
          "content": "a"},
         {"path": "/etc/ssh/sshd_config.d/50-x.conf", "sha256": "%s", "mode": "0600", "owner": "0",
          "group": "wheel", "content": null}],
       "kargs": ["quiet", "console=ttyS0,115200"],
       "flatpak": {
         "remotes": [{"installation": "system", "name": "flathub", "url": "https://dl.flathub.org/repo/"}],
         "apps": [{"installation": "user", "id": "org.example.App", "arch": "x86_64", "branch": "stable",
                   "origin": "flathub", "commit": "%s"}]}}
      """.formatted("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb",
      "0123456789abcdef".repeat(4), "0123456789abcdef".repeat(4));

  @Test
  void plainlyValid_acceptsOnlyWhatTheSchemaAccepts_forEveryMutant() throws Exception {
    List<JsonNode> docs = docs();
    int accepted = 0;
    int mutants = 0;
    for (JsonNode d : docs) {
      assertThat(EtcReportSchema.errors(d)).as("valid: %s", d).isEmpty();
      assertThat(EtcReportSchema.plainlyValid(d)).as("the fast path takes %s", d).isTrue();
      for (JsonNode m : Mutations.of(d)) {
        mutants++;
        if (EtcReportSchema.plainlyValid(m)) {
          accepted++;
          assertThat(EtcReportSchema.errors(m)).as("the schema rejects a report the fast path accepts: %s",
              Mutations.show(m)).isEmpty();
        }
      }
    }
    assertThat(mutants).isGreaterThan(3_000);
    assertThat(accepted).isGreaterThan(50);
    assertThat(mutants - accepted).isGreaterThan(1_000);
  }

  @Test
  void plainlyValid_isNo_whereTheSchemaReportsAProblem() throws Exception {
    JsonNode bad = JSON.readTree(EVERY_FIELD.replace("\"0644\"", "\"644\""));
    assertThat(EtcReportSchema.plainlyValid(bad)).isFalse();
    assertThat(EtcReportSchema.errors(bad)).isNotEmpty();
  }

  private static List<JsonNode> docs() throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    docs.add(JSON.readTree(EVERY_FIELD));
    try (Stream<Path> s = Files.list(Example.fleetRepo().resolve("observed"))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".etc.json")).sorted().toList()) {
        docs.add(JSON.readTree(Files.readString(p)));
      }
    }
    assertThat(docs).hasSizeGreaterThan(3);
    return docs;
  }
}
