package dev.bootfleet.core.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CoreSchemaTest {
  /** The YAML 1.2 core schema's null, bool, int and float forms, as the spec writes them. */
  private static final Pattern ANY_NON_STRING = Pattern.compile("null|Null|NULL|~|true|True|TRUE|false|False"
      + "|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?"
      + "|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");

  @Test
  void resolve_isString_forEveryScalarWhoseFirstCharacterNoPatternAllows() {
    List<String> tails = List.of("", "0", "1", "ull", "rue", "alse", "x", "7", "o7", "x1f", ".5", "e3", "inf", "nan");
    int typed = 0;
    for (char first = 0; first < 0x250; first++) {
      for (String tail : tails) {
        String text = first + tail;
        YNode.YScalar.Type t = CoreSchema.resolve(text);
        if (ANY_NON_STRING.matcher(text).matches()) {
          typed++;
          assertThat(CoreSchema.mayBeNonString(first)).as("'%s' is typed, so its first character must be let through", text)
              .isTrue();
          assertThat(t).as(text).isNotEqualTo(YNode.YScalar.Type.STRING);
        } else {
          assertThat(t).as(text).isEqualTo(YNode.YScalar.Type.STRING);
        }
      }
    }
    assertThat(typed).isGreaterThan(20);
  }

  @Test
  void resolve_typesTheCoreSchemaForms() {
    assertThat(CoreSchema.resolve("")).isEqualTo(YNode.YScalar.Type.NULL);
    assertThat(CoreSchema.resolve("~")).isEqualTo(YNode.YScalar.Type.NULL);
    assertThat(CoreSchema.resolve("False")).isEqualTo(YNode.YScalar.Type.BOOL);
    assertThat(CoreSchema.resolve("0o644")).isEqualTo(YNode.YScalar.Type.INT);
    assertThat(CoreSchema.resolve("-.inf")).isEqualTo(YNode.YScalar.Type.FLOAT);
    assertThat(CoreSchema.resolve("0644x")).isEqualTo(YNode.YScalar.Type.STRING);
    assertThat(CoreSchema.resolve("web-01")).isEqualTo(YNode.YScalar.Type.STRING);
  }
}
