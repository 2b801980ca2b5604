package dev.bootfleet.core.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bootfleet.core.yaml.YNode.YMap;
import dev.bootfleet.core.yaml.YNode.YScalar;
import dev.bootfleet.core.yaml.YNode.YSeq;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

class YamlReaderTest {
  private static final YamlReader READER = YamlReader.withDefaults();

  private static YNode one(String yaml) throws YamlException {
    List<YamlReader.Document> docs = READER.readAll(yaml);
    assertThat(docs).hasSize(1);
    return docs.get(0).root();
  }

  private static YamlException failure(YamlReader reader, String yaml) {
    try {
      reader.readAll(yaml);
    } catch (YamlException e) {
      return e;
    }
    throw new AssertionError("expected a YamlException for: " + yaml);
  }

  // --- positions

  @Test
  void positions_ofKeysValuesAndContainers_areOneBased() throws YamlException {
    YMap root = (YMap) one("""
        apiVersion: bootfleet.dev/v1alpha1
        spec:
          etc:
            - path: /etc/motd
              mode: "0644"
        """);
    assertThat(root.pos()).isEqualTo(new Pos(1, 1));
    assertThat(root.keyPos("apiVersion")).isEqualTo(new Pos(1, 1));
    assertThat(root.get("apiVersion").pos()).isEqualTo(new Pos(1, 13));
    YMap spec = (YMap) root.get("spec");
    assertThat(root.keyPos("spec")).isEqualTo(new Pos(2, 1));
    assertThat(spec.pos()).isEqualTo(new Pos(3, 3));
    YSeq etc = (YSeq) spec.get("etc");
    assertThat(etc.pos()).isEqualTo(new Pos(4, 5));
    YMap entry = (YMap) etc.items().get(0);
    assertThat(entry.pos()).isEqualTo(new Pos(4, 7));
    assertThat(entry.keyPos("mode")).isEqualTo(new Pos(5, 7));
    assertThat(entry.get("mode").pos()).as("a quoted scalar starts at its quote").isEqualTo(new Pos(5, 13));
  }

  @Test
  void positions_inFlowStyle_andInLaterDocuments() throws YamlException {
    List<YamlReader.Document> docs = READER.readAll("a: 1\n---\nlabels: {role: web, site: fra1}\n");
    assertThat(docs).hasSize(2);
    assertThat(docs.get(1).start()).isEqualTo(new Pos(2, 1));
    YMap labels = (YMap) ((YMap) docs.get(1).root()).get("labels");
    assertThat(labels.pos()).isEqualTo(new Pos(3, 9));
    assertThat(labels.keyPos("site")).isEqualTo(new Pos(3, 21));
    assertThat(labels.get("site").pos()).isEqualTo(new Pos(3, 27));
  }

  @Test
  void keyPos_ofAMissingKey_isTheMappingItself() throws YamlException {
    YMap root = (YMap) one("a: 1\n");
    assertThat(root.keyPos("b")).isEqualTo(root.pos());
    assertThat(root.get("b")).isNull();
  }

  @Test
  void pos_afterMultiByteCharacters_countsCharactersNotBytes() throws YamlException {
    YMap root = (YMap) one("motd: \"Grüße\" \nnext: x\nü: [é, z]\n");
    assertThat(((YSeq) root.get("ü")).items().get(1).pos()).isEqualTo(new Pos(3, 8));
  }

  // --- duplicate and non-scalar keys

  @Test
  void duplicateKey_isAnError_atTheSecondKey_namingTheFirst() {
    YamlException e = failure(READER, "metadata:\n  name: a\n  labels: {}\n  name: b\n");
    assertThat(e.pos()).isEqualTo(new Pos(4, 3));
    assertThat(e.getMessage()).isEqualTo("duplicate key 'name' (first at line 2)");
  }

  @Test
  void duplicateKey_inFlowMapping_andAcrossQuoting_isAnError() {
    assertThat(failure(READER, "{a: 1, b: 2, a: 3}").getMessage()).isEqualTo("duplicate key 'a' (first at line 1)");
    assertThat(failure(READER, "a: 1\n\"a\": 2\n").pos()).isEqualTo(new Pos(2, 1));
  }

  @Test
  void sameKey_inSiblingMappings_isFine() throws YamlException {
    YSeq seq = (YSeq) one("- name: a\n- name: b\n");
    assertThat(seq.items()).hasSize(2);
  }

  @Test
  void nonScalarKey_isAnError() {
    YamlException e = failure(READER, "? [a, b]\n: c\n");
    assertThat(e.getMessage()).isEqualTo("a mapping key must be a scalar, found a sequence");
    assertThat(e.pos()).isEqualTo(new Pos(1, 3));
    assertThat(failure(READER, "{{a: b}: c}").getMessage()).endsWith("found a mapping");
  }

  // --- anchors and aliases

  @Test
  void alias_sharesTheAnchoredNode_withoutCopying() throws YamlException {
    YMap root = (YMap) one("base: &b {image: x, etc: [1, 2]}\nweb: *b\ndb: *b\n");
    assertThat(root.get("web")).isSameAs(root.get("base"));
    assertThat(root.get("db")).isSameAs(root.get("base"));
  }

  @Test
  void alias_toAScalar_andARedefinedAnchor_takeTheLatestDefinition() throws YamlException {
    YMap root = (YMap) one("a: &x one\nb: *x\nc: &x two\nd: *x\n");
    assertThat(((YScalar) root.get("b")).text()).isEqualTo("one");
    assertThat(((YScalar) root.get("d")).text()).isEqualTo("two");
  }

  @Test
  void unknownAlias_isAnError_atTheAlias() {
    YamlException e = failure(READER, "a: 1\nb: *nope\n");
    assertThat(e.getMessage()).isEqualTo("unknown alias *nope (no anchor &nope before it)");
    assertThat(e.pos()).isEqualTo(new Pos(2, 4));
  }

  @Test
  void anchors_doNotCrossDocuments() {
    YamlException e = failure(READER, "a: &x 1\n---\nb: *x\n");
    assertThat(e.pos()).isEqualTo(new Pos(3, 4));
  }

  // --- the expanded text limit (a large value aliased many times)

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a: &x abcde\\nb: *x\\n                  | 12",  // keys a, b (2) + abcde twice (10)
      "a: &x [abc, de]\\nb: *x\\n              | 12",  // an alias to a collection counts all its text
      "a: abcd\\n---\\nb: &x abc\\nc: *x\\n    | 13"}) // the limit is per stream: documents add up
  void expandedTextLimit_readsTheText_whenItExpandsToExactlyTheLimit(String yaml, int limit) throws YamlException {
    YamlReader reader = new YamlReader(new YamlLimits(1000, 64, 1000, limit));
    List<YamlReader.Document> docs = reader.readAll(yaml.replace("\\n", "\n"));
    assertThat(docs.stream().mapToLong(YamlReader.Document::expandedChars).sum()).isEqualTo(limit);
    assertThat(failure(new YamlReader(new YamlLimits(1000, 64, 1000, limit - 1)), yaml.replace("\\n", "\n"))
        .getMessage()).startsWith("file expands to more than " + (limit - 1) + " bytes of text, counting each alias"
            + " at the full size of what it names (the limit per file;");
  }

  @Test
  void expandedTextLimit_stopsALargeValueAliasedThousandsOfTimes_atTheAliasThatCrossesIt() {
    // Issue 14: one 900 KB scalar behind an anchor, aliased 2,000 times, is a 1 MB file of few nodes.
    StringBuilder y = new StringBuilder("big: &big " + "x".repeat(900_000) + "\nall:\n");
    for (int i = 0; i < 2000; i++) {
      y.append("  - *big\n");
    }

    YamlException e = failure(YamlReader.withDefaults(), y.toString());

    assertThat(e.getMessage()).startsWith("file expands to more than 16 MiB of text");
    assertThat(e.pos().line()).as("the 18th alias crosses 16 MiB").isEqualTo(2 + 18);
  }

  // --- the node limit (alias bombs)

  @Test
  void nodeLimit_countsEachNodeOnce_soADocumentOfExactlyTheLimitIsRead() throws YamlException {
    YamlReader reader = new YamlReader(new YamlLimits(1000, 64, 5));
    assertThat(reader.readAll("[a, b, c, d]")).hasSize(1); // the sequence and four scalars
    assertThat(reader.readAll("{a: [b]}")).hasSize(1); // mapping, key, sequence, scalar
    assertThat(failure(reader, "[a, b, c, d, e]").getMessage())
        .isEqualTo("document expands to more than 5 nodes (too many aliases?)");
  }

  @Test
  void nodeLimit_countsAliasesAtTheirExpandedSize() throws YamlException {
    YamlReader reader = new YamlReader(new YamlLimits(1000, 64, 19));
    // x is 4 nodes; 3 keys + x + 2 aliases of x (4 each) + the root, counted when it closes = 16
    assertThat(reader.readAll("a: &x [1, 2, 3]\nb: *x\nc: *x\n")).hasSize(1);
    // one more key and alias of x: 20 by the alias, past 19
    YamlException e = failure(reader, "a: &x [1, 2, 3]\nb: *x\nc: *x\nd: *x\n");
    assertThat(e.getMessage()).startsWith("document expands to more than 19 nodes");
    assertThat(e.pos()).isEqualTo(new Pos(4, 4));
  }

  @Test
  void billionLaughs_stopsQuickly_withTheDefaultLimit() {
    StringBuilder b = new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 12; i++) {
      b.append("l").append(i).append(": &l").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        b.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
      }
      b.append("]\n");
    }
    YamlException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> failure(READER, b.toString()));
    assertThat(e.getMessage()).isEqualTo("document expands to more than 1000000 nodes (too many aliases?)");
    assertThat(e.pos().line()).isEqualTo(6); // l5 alone expands to 1,111,111 nodes
  }

  @Test
  void nodeLimit_isPerDocument() throws YamlException {
    YamlReader reader = new YamlReader(new YamlLimits(1000, 64, 5));
    assertThat(reader.readAll("[a, b, c, d]\n---\n[a, b, c, d]\n")).hasSize(2);
  }

  // --- the depth limit

  @Test
  void depthLimit_allowsExactlyMaxDepth() throws YamlException {
    YamlReader reader = new YamlReader(new YamlLimits(1000, 3, 1000));
    assertThat(reader.readAll("a: {b: [1]}")).hasSize(1);
    YamlException e = failure(reader, "a: {b: [{c: 1}]}");
    assertThat(e.getMessage()).isEqualTo("nesting deeper than 3 levels");
    assertThat(e.pos()).isEqualTo(new Pos(1, 9));
  }

  @Test
  void deepNesting_isACleanError_neverAStackOverflow() {
    for (String open : List.of("[", "{a: ", "- ")) {
      String yaml = open.equals("- ") ? deepBlockSequence(1_000) : open.repeat(100_000);
      YamlException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> failure(READER, yaml));
      assertThat(e.getMessage()).as(open).isEqualTo("nesting deeper than 64 levels");
    }
  }

  private static String deepBlockSequence(int levels) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < levels; i++) {
      b.append(" ".repeat(i * 2)).append("-\n");
    }
    return b.toString();
  }

  // --- the size limit

  @Test
  void sizeLimit_isCheckedBeforeParsing_andNamesTheLimit() {
    YamlException big = failure(new YamlReader(new YamlLimits(2 * 1024 * 1024, 64, 1000)),
        "#".repeat(2 * 1024 * 1024 + 1));
    assertThat(big.getMessage()).isEqualTo("file is larger than the limit of 2 MiB");
    assertThat(big.pos()).isEqualTo(new Pos(1, 1));
    YamlException small = failure(new YamlReader(new YamlLimits(100, 64, 1000)), "a: " + "x".repeat(100));
    assertThat(small.getMessage()).isEqualTo("file is larger than the limit of 100 characters");
  }

  // --- documents

  @Test
  void multiDocument_streamGivesEachDocumentWithItsStart() throws YamlException {
    List<YamlReader.Document> docs = READER.readAll("""
        # leading comment
        kind: Host
        ---
        kind: HostGroup
        ...
        ---
        - a list
        """);
    assertThat(docs).extracting(YamlReader.Document::start)
        .containsExactly(new Pos(2, 1), new Pos(3, 1), new Pos(6, 1));
    assertThat(docs.get(2).root()).isInstanceOf(YSeq.class);
  }

  @Test
  void emptyDocuments_areLeftOut() throws YamlException {
    assertThat(READER.readAll("")).isEmpty();
    assertThat(READER.readAll("# only a comment\n")).isEmpty();
    assertThat(READER.readAll("---\n---\n# c\n---\n...\n")).isEmpty();
    assertThat(READER.readAll("---\n~\n---\nnull\n---\na: 1\n---\n")).hasSize(1);
  }

  @Test
  void aQuotedEmptyString_isADocument_notAnEmptyOne() throws YamlException {
    assertThat(READER.readAll("\"\"\n")).hasSize(1);
  }

  @Test
  void syntaxError_isReportedWithPositionAndContext() {
    YamlException e = failure(READER, "a: \"open\nb: 1\n");
    assertThat(e.getMessage()).isEqualTo("YAML syntax error: found unexpected end of stream"
        + " (while scanning a quoted scalar at line 1, column 4)");
    assertThat(e.pos()).isEqualTo(new Pos(3, 1));
  }

  @Test
  void forbiddenCharacter_isReportedAtItsPlace() {
    YamlException e = failure(READER, "a: 1\nb: x\u0001y\n");
    assertThat(e.getMessage()).isEqualTo("YAML syntax error: character U+0001 is not allowed in YAML");
    assertThat(e.pos()).isEqualTo(new Pos(2, 5));
  }

  // --- core-schema typing

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      0644          | INT
      0o644         | INT
      0x1F          | INT
      -12           | INT
      +12           | INT
      20231230.1    | FLOAT
      1e3           | FLOAT
      .inf          | FLOAT
      -.Inf         | FLOAT
      .nan          | FLOAT
      true          | BOOL
      False         | BOOL
      TRUE          | BOOL
      yes           | STRING
      on            | STRING
      ~             | NULL
      null          | NULL
      Null          | NULL
      0b101         | STRING
      1_000         | STRING
      12:30         | STRING
      v1.2          | STRING
      """)
  void plainScalars_areTypedByTheYaml12CoreSchema(String text, YScalar.Type type) throws YamlException {
    YScalar s = (YScalar) ((YMap) one("v: " + text + "\n")).get("v");
    assertThat(s.text()).isEqualTo(text);
    assertThat(s.type()).isEqualTo(type);
  }

  @Test
  void quotedBlockAndTaggedScalars_areAlwaysStrings() throws YamlException {
    YMap root = (YMap) one("a: \"0644\"\nb: '1'\nc: |\n  true\nd: !!str 12\ne: \"\"\n");
    for (String k : List.of("a", "b", "c", "d", "e")) {
      assertThat(((YScalar) root.get(k)).type()).as(k).isEqualTo(YScalar.Type.STRING);
    }
    assertThat(((YScalar) root.get("c")).text()).isEqualTo("true\n");
  }

  @Test
  void octalLookingMode_keepsItsText_butIsAnInteger() throws YamlException {
    YScalar mode = (YScalar) ((YMap) one("mode: 0644\n")).get("mode");
    assertThat(mode.text()).isEqualTo("0644");
    assertThat(mode.type()).isEqualTo(YScalar.Type.INT);
    assertThat(mode.kindName()).isEqualTo("integer");
    assertThat(JsonView.of(mode).isIntegralNumber()).isTrue();
  }

  @Test
  void jsonView_keepsTheWrittenDigitsOfFloats() throws YamlException {
    JsonNode v = JsonView.of(one("version: 20231230.1\nsmall: 0.10\n"));
    assertThat(v.get("version").isNumber()).isTrue();
    assertThat(v.get("version").decimalValue()).isEqualTo(new BigDecimal("20231230.1"));
    assertThat(v.get("version").toString()).isEqualTo("20231230.1");
    assertThat(v.get("small").toString()).isEqualTo("0.10");
  }

  @Test
  void jsonView_typesEachScalar() throws YamlException {
    JsonNode v = JsonView.of(one("""
        oct: 0o17
        hex: 0x1F
        dec: +7
        big: 123456789012345678901234567890
        bool: True
        nil: ~
        inf: .inf
        huge: 1e999999
        quoted: "12"
        list: [1, a]
        """));
    assertThat(v.get("oct").asInt()).isEqualTo(15);
    assertThat(v.get("hex").asInt()).isEqualTo(31);
    assertThat(v.get("dec").asInt()).isEqualTo(7);
    assertThat(v.get("big").bigIntegerValue().toString()).isEqualTo("123456789012345678901234567890");
    assertThat(v.get("bool").booleanValue()).isTrue();
    assertThat(v.get("nil").isNull()).isTrue();
    assertThat(v.get("inf").isString()).as(".inf has no JSON number").isTrue();
    assertThat(v.get("huge").isString()).as("past a double's range").isTrue();
    assertThat(v.get("quoted").isString()).isTrue();
    assertThat(v.get("list").get(0).isNumber()).isTrue();
    assertThat(v.get("list").get(1).asString()).isEqualTo("a");
  }

  @Test
  void jsonView_at_findsTheNodeOfAPointer_orTheDeepestOnReached() throws YamlException {
    YNode root = one("spec:\n  etc:\n    - path: /etc/a\n  a/b: 1\n");
    assertThat(JsonView.at(root, "/spec/etc/0/path").pos()).isEqualTo(new Pos(3, 13));
    assertThat(JsonView.at(root, "/spec/a~1b").pos()).isEqualTo(new Pos(4, 8));
    assertThat(JsonView.at(root, "/spec/etc/7/path").pos()).isEqualTo(new Pos(3, 5));
    assertThat(JsonView.at(root, "/spec/etc/x")).isInstanceOf(YSeq.class);
    assertThat(JsonView.at(root, "")).isSameAs(root);
  }
}
