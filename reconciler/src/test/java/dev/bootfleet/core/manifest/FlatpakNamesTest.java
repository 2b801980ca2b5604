package dev.bootfleet.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootfleet.testing.Mutations;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The Flatpak and RPM name rules: flatpak's own (from {@code common/flatpak-ref-utils.c}), the same as
 * the schema's patterns, so that the fast path, the schema and the parser agree.
 */
class FlatpakNamesTest {
  private static JsonNode defs;

  private static String pattern(String pointer) throws IOException {
    if (defs == null) {
      try (InputStream in = FlatpakNamesTest.class.getResourceAsStream("/schema/common.schema.json")) {
        defs = new ObjectMapper().readTree(in).get("$defs");
      }
    }
    String p = defs.at(pointer).get("pattern").stringValue();
    assertThat(p).startsWith("^").endsWith("$");
    return p.substring(1, p.length() - 1); // matched whole below: the schema means the whole string
  }

  static List<String> samples() {
    List<String> s = new ArrayList<>(Mutations.strings());
    s.addAll(List.of("org.mozilla.firefox", "org.gnome.Calculator", "com.github.tchx84.Flatseal", "org.mozilla",
        "org.my-app.Thing", "org.example.my-app", "org.example.-app", "_a._b._c", "a.b.c", "a.b.1c", "a..b.c",
        ".a.b.c", "a.b.c.", "1a.b.c", "a.b.c\n", "a" + ".b".repeat(127), "a" + ".b".repeat(126) + ".cc",
        "stable", "24.08", "-beta", ".stable", "beta.", "x86_64", "aarch64", "x86-64", "flathub", "fedora-testing",
        "_x", "-x", ".x", "htop", "c++", "python3.12", "tailscale", "firefox-langpacks", "-rf", "+a",
        "https://dl.flathub.org/repo/", "http://a", "file:///srv/repo", "https://", "ftp://a", "https://a b",
        "https://é", "HTTPS://a", "file://x\n"));
    return s;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(textBlock = """
      /flatpakApp/properties/id,       id
      /flatpakApp/properties/branch,   branch
      /flatpakApp/properties/arch,     arch
      /flatpakApp/properties/commit,   commit
      /flatpakRemoteName,              remote
      /rpmPackage,                     package
      """)
  void predicates_areTheSchemaPatterns(String pointer, String name) throws IOException {
    Pattern p = Pattern.compile(pattern(pointer));
    Predicate<String> rule = switch (name) {
      case "id" -> FlatpakNames::isAppId;
      case "branch" -> FlatpakNames::isBranch;
      case "arch" -> FlatpakNames::isArch;
      case "commit" -> FlatpakNames::isCommit;
      case "remote" -> FlatpakNames::isRemoteName;
      default -> FlatpakNames::isPackage;
    };
    int max = name.equals("id") ? defs.at(pointer).get("maxLength").intValue() : Integer.MAX_VALUE;
    int yes = 0;
    for (String s : samples()) {
      boolean schema = p.matcher(s).matches() && s.length() <= max;
      assertThat(rule.test(s)).as("%s %s", name, s).isEqualTo(schema);
      yes += schema ? 1 : 0;
    }
    assertThat(yes).as("samples %s accepts", name).isGreaterThan(0);
  }

  @Test
  void plainUrl_isASubsetOfTheSchemaPattern() throws IOException {
    Pattern p = Pattern.compile(pattern("/flatpakRemote/properties/url"));
    for (String s : samples()) {
      if (FlatpakNames.isPlainUrl(s)) {
        assertThat(s).matches(p);
      }
    }
    assertThat(FlatpakNames.isPlainUrl("https://dl.flathub.org/repo/")).isTrue();
    assertThat(FlatpakNames.isPlainUrl("file:///srv/flatpak/repo")).isTrue();
    assertThat(FlatpakNames.isPlainUrl("ftp://example.com/repo")).isFalse();
    assertThat(FlatpakNames.isPlainUrl("https://")).isFalse();
  }

  @Test
  void appIds_followFlatpak() {
    assertThat(FlatpakNames.isAppId("org.mozilla.firefox")).isTrue();
    assertThat(FlatpakNames.isAppId("org.example.my-app")).as("'-' in the last element").isTrue();
    assertThat(FlatpakNames.isAppId("org.my-app.Thing")).as("'-' before the last element").isFalse();
    assertThat(FlatpakNames.isAppId("org.mozilla")).as("two elements").isFalse();
    assertThat(FlatpakNames.isAppId("org.2048.Game")).as("element starting with a digit").isFalse();
    assertThat(FlatpakNames.isAppId("a" + ".b".repeat(127))).as("255 characters").isTrue();
    assertThat(FlatpakNames.isAppId("a" + ".b".repeat(127) + "c")).as("256 characters").isFalse();
  }

  @Test
  void parseRef_splitsAnAppRef_andSaysWhatIsWrong() {
    assertThat(FlatpakNames.parseRef("app/org.mozilla.firefox/x86_64/stable"))
        .isEqualTo(new FlatpakNames.Ref("org.mozilla.firefox", "x86_64", "stable"));
    assertThat(FlatpakNames.parseRef("app/org.mozilla.firefox//beta"))
        .isEqualTo(new FlatpakNames.Ref("org.mozilla.firefox", null, "beta"));
    assertThatThrownBy(() -> FlatpakNames.parseRef("runtime/org.gnome.Platform/x86_64/48"))
        .hasMessageStartingWith("\"runtime/org.gnome.Platform/x86_64/48\" is a runtime ref;");
    assertThatThrownBy(() -> FlatpakNames.parseRef("app/org.mozilla.firefox/x86_64/stable/extra"))
        .hasMessageContaining("is not a Flatpak app ref (expected app/ID/ARCH/BRANCH");
    assertThat(FlatpakNames.refProblem("app/org.mozilla.firefox/x86_64/")).get().asString()
        .contains("names the branch \"\"");
  }
}
