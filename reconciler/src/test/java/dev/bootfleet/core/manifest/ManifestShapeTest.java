package dev.bootfleet.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.yaml.JsonView;
import dev.bootfleet.core.yaml.YamlReader;
import dev.bootfleet.testing.Example;
import dev.bootfleet.testing.Mutations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Holds {@link ManifestShape} to the schemas: it may say "valid" only where the JSON Schema validator
 * finds nothing. Every mutant of every example manifest (and of a manifest using every field) is
 * checked both ways.
 */
class ManifestShapeTest {
  private static final String EVERY_FIELD_HOST = """
      apiVersion: bootfleet.dev/v1alpha1
      kind: Host
      metadata:
        name: web-01
        labels: {role: web, example.com/site: sfo1, empty: ""}
        annotations: {example.com/owner: "team web", note: "free text"}
      spec:
        image:
          ref: quay.io/example/os:41@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
          transport: registry
          enforceSignaturePolicy: true
        etc:
          - {path: /etc/chrony.conf, content: "server a\\n", mode: "0644", owner: root, group: 0}
          - {path: /etc/x.conf, source: files/x.conf, template: true, mode: 420, owner: 0, group: chrony}
          - {path: /etc/old.conf, state: absent}
        kargs:
          append: [quiet, console=ttyS0]
          delete: [rhgb]
        driver: rpm-ostree
        packages:
          install: [htop, c++-tools, python3.12]
          remove: [firefox]
        flatpak:
          remotes:
            - {name: flathub, url: "https://dl.flathub.org/repo/", installation: system}
            - {name: local_1, url: "file:///srv/repo"}
          apps:
            - {ref: app/org.mozilla.firefox/x86_64/stable, remote: flathub}
            - {id: org.example.my-app, branch: "24.08", arch: aarch64, remote: local_1, installation: user,
               commit: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, state: present}
            - {id: org.example.Old, state: absent}
      """;
  private static final String EVERY_FIELD_GROUP = """
      apiVersion: bootfleet.dev/v1alpha1
      kind: HostGroup
      metadata: {name: web}
      spec:
        priority: 10
        selector:
          matchLabels: {role: web}
          matchExpressions:
            - {key: site, operator: In, values: [sfo1, ams1]}
            - {key: example.com/canary, operator: Exists}
        image: {ref: quay.io/example/os:41}
        etc:
          - {path: /etc/motd, content: "hello {{host.name}}", template: true}
        driver: auto
        packages: {install: [zsh]}
        flatpak:
          remotes: [{name: fedora, url: "http://registry.example/flatpak"}]
          apps: [{id: org.gnome.Calculator, remote: fedora}]
      """;

  @Test
  void plainlyValid_acceptsOnlyWhatTheSchemaAccepts_forEveryMutant() throws Exception {
    List<Doc> docs = docs();
    int accepted = 0;
    int rejectedValid = 0;
    int mutants = 0;
    for (Doc d : docs) {
      assertThat(SchemaCheck.schemaFor(d.kind).validate(d.json)).as("%s is valid", d.name).isEmpty();
      assertThat(ManifestShape.plainlyValid(d.kind, d.json)).as("the fast path takes %s", d.name).isTrue();
      for (JsonNode m : Mutations.of(d.json)) {
        mutants++;
        boolean fast = ManifestShape.plainlyValid(d.kind, m);
        boolean schema = SchemaCheck.schemaFor(d.kind).validate(m).isEmpty();
        if (fast) {
          accepted++;
          assertThat(schema).as("the schema rejects a %s the fast path accepts: %s", d.kind, Mutations.show(m))
              .isTrue();
        } else if (schema) {
          rejectedValid++;
        }
      }
    }
    // Both answers occur, so neither side of the comparison is vacuous.
    assertThat(mutants).isGreaterThan(5_000);
    assertThat(accepted).isGreaterThan(100);
    assertThat(mutants - accepted).isGreaterThan(1_000);
    // Valid documents the fast path leaves to the validator are fine, but should be the exception.
    assertThat(rejectedValid).isLessThan(accepted);
  }

  @Test
  void plainlyValid_isNo_forTheOtherKind() throws Exception {
    JsonNode host = json(EVERY_FIELD_HOST);
    assertThat(ManifestShape.plainlyValid("HostGroup", host)).isFalse();
    assertThat(ManifestShape.plainlyValid("Nonsense", host)).isFalse();
  }

  @Test
  void patterns_matchTheSchemaRegexes_onTheirOwn() {
    for (String s : Mutations.strings()) {
      assertThat(ManifestShape.isDnsName(s)).as("name %s", s)
          .isEqualTo(s.length() <= 253 && s.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?"));
      assertThat(ManifestShape.isLabelValue(s)).as("label value %s", s)
          .isEqualTo(s.matches("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?"));
      if (ManifestShape.isLabelKey(s)) {
        assertThat(s).matches("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
      }
      assertThat(ManifestShape.isMode(s)).as("mode %s", s).isEqualTo(s.matches("(0o)?0?[0-7]{3,4}"));
      assertThat(ManifestShape.isAccount(s)).as("account %s", s)
          .isEqualTo(s.matches("([a-z_][a-z0-9_-]{0,31}\\$?|[0-9]+)"));
      if (ManifestShape.isPlainKarg(s)) {
        assertThat(s).matches("[^\\s\"]+(\"[^\"]*\")?");
      }
    }
  }

  private record Doc(String name, String kind, JsonNode json) {}

  private static List<Doc> docs() throws Exception {
    List<Doc> docs = new ArrayList<>();
    docs.add(new Doc("every-field host", "Host", json(EVERY_FIELD_HOST)));
    docs.add(new Doc("every-field group", "HostGroup", json(EVERY_FIELD_GROUP)));
    Path repo = Example.fleetRepo();
    List<Path> files;
    try (Stream<Path> s = Files.walk(repo)) {
      files = s.filter(p -> p.toString().endsWith(".yaml") && !p.toString().contains("/observed/")).sorted().toList();
    }
    for (Path f : files) {
      for (var d : YamlReader.withDefaults().readAll(Files.readString(f))) {
        JsonNode j = JsonView.of(d.root());
        docs.add(new Doc(repo.relativize(f).toString(), j.get("kind").stringValue(), j));
      }
    }
    assertThat(docs).hasSizeGreaterThan(8);
    return docs;
  }

  private static JsonNode json(String yaml) throws Exception {
    return JsonView.of(YamlReader.withDefaults().readAll(yaml).get(0).root());
  }
}
