package dev.bootfleet.core.observed;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import com.networknt.schema.regex.JDKRegularExpressionFactory;
import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Validates a report tree against {@code schema/etc-report.schema.json} from the classpath. */
final class EtcReportSchema {
  static final String RESOURCE = "/schema/etc-report.schema.json";
  /** At most this many schema errors are listed; the rest are counted. */
  static final int MAX_LISTED = 10;

  private EtcReportSchema() {}

  private static final class Holder {
    static final Schema SCHEMA = load();
  }

  /**
   * The validator's own regular expressions (JDK), each remembering its answers: every report of a
   * fleet repeats the same paths, modes, owners and checksums, and matching them took about a tenth
   * of {@code bootfleet plan}'s time on large fleets.
   */
  private static final RegularExpressionFactory MEMO_PATTERNS = pattern -> {
    RegularExpression regex = JDKRegularExpressionFactory.getInstance().getRegularExpression(pattern);
    Memo memo = new Memo(regex::matches, 4096);
    return memo::test;
  };

  private static Schema load() {
    try (InputStream in = EtcReportSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath (build problem)");
      }
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
          b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().regularExpressionFactory(MEMO_PATTERNS).build()))
          .getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Throws one exception listing every schema error (up to {@link #MAX_LISTED}) as {@code
   * "<field path>: <message>"}, joined with {@code "; "}, after {@code "<origin>: "}.
   */
  static void check(JsonNode tree, String origin) throws ObservedStateException {
    List<Error> errors = Holder.SCHEMA.validate(tree);
    if (errors.isEmpty()) {
      return;
    }
    Set<String> lines = new LinkedHashSet<>();
    for (Error e : errors) {
      lines.add(path(e.getInstanceLocation()) + ": " + e.getMessage());
    }
    StringBuilder b = new StringBuilder(origin).append(": ");
    b.append(String.join("; ", lines.stream().limit(MAX_LISTED).toList()));
    if (lines.size() > MAX_LISTED) {
      b.append("; and ").append(lines.size() - MAX_LISTED).append(" more");
    }
    throw new ObservedStateException(b.toString());
  }

  /** {@code /files/0/sha256} as {@code files[0].sha256}, the root as {@code document}. */
  static String path(NodePath p) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < p.getNameCount(); i++) {
      Object e = p.getElement(i);
      if (e instanceof Integer index) {
        b.append('[').append(index).append(']');
      } else {
        b.append(b.isEmpty() ? "" : ".").append(e);
      }
    }
    return b.isEmpty() ? "document" : b.toString();
  }
}
