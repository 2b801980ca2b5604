package dev.bootfleet.core.manifest;

import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.image.Digest;
import dev.bootfleet.core.image.ImageLock;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.bootfleet.core.image.ImageLock.Child;
import dev.bootfleet.core.image.ImageLock.Index;
import dev.bootfleet.core.text.Quote;
import dev.bootfleet.core.text.Text;
import dev.bootfleet.core.yaml.Pos;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads and writes {@value ImageLock#FILE} ({@code schema/image-lock.schema.json}). Pure: text in, text
 * out. Writing is canonical (keys sorted, two-space indent, a final newline), so the same lock always
 * gives the same bytes and a review shows only what changed.
 */
public final class ImageLockFile {
  static final String RESOURCE = "/schema/image-lock.schema.json";
  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private ImageLockFile() {}

  /** The lock, or the problems that make it unusable (each naming {@code file}). */
  public record Result(ImageLock lock, List<Problem> problems) {
    public Result {
      problems = List.copyOf(problems);
    }
  }

  private static final class Holder {
    static final Schema SCHEMA = load();

    private static Schema load() {
      try (InputStream in = ImageLockFile.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(RESOURCE + " is missing from the classpath (build problem)");
        }
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Parses the lock file's text; {@code file} is its repository path, for problems. */
  public static Result parse(String text, String file) {
    JsonNode tree;
    try {
      tree = JSON.readTree(text);
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      Pos pos = at == null || at.getLineNr() < 1 ? Pos.NONE : new Pos(at.getLineNr(), Math.max(1, at.getColumnNr()));
      return failed(Problem.error(file, pos, "", "JSON syntax error: "
          + Text.oneLine(e.getOriginalMessage(), "unreadable input") + " (regenerate it with 'bootfleet pin')"));
    }
    if (tree == null || tree.isMissingNode()) {
      return failed(Problem.error(file, new Pos(1, 1), "", "is empty (expected an ImageLock object;"
          + " regenerate it with 'bootfleet pin')"));
    }
    List<Error> errors = Holder.SCHEMA.validate(tree);
    if (!errors.isEmpty()) {
      Set<String> seen = new LinkedHashSet<>();
      List<Problem> problems = new ArrayList<>();
      for (Error e : errors) {
        String field = SchemaPaths.field(e.getInstanceLocation());
        if (seen.add(field + e.getMessage())) {
          problems.add(Problem.error(file, Pos.NONE, field, Text.oneLine(e.getMessage(), "invalid")
              + " (see schema/image-lock.schema.json)"));
        }
      }
      return new Result(ImageLock.EMPTY, problems);
    }
    List<Problem> problems = new ArrayList<>();
    Map<String, Index> indexes = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : tree.get("indexes").properties()) {
      String key = e.getKey();
      String field = "indexes." + key;
      ImageRef ref;
      try {
        ref = ImageRef.parse(key);
      } catch (IllegalArgumentException bad) {
        problems.add(Problem.error(file, Pos.NONE, field, bad.getMessage()));
        continue;
      }
      if (ref.tag() != null || ref.digest() == null) {
        problems.add(Problem.error(file, Pos.NONE, field, Quote.of(key)
            + " is not keyed by digest (expected registry/repository@sha256:<64 hex>)"));
        continue;
      }
      List<Child> children = new ArrayList<>();
      for (JsonNode c : e.getValue().get("manifests")) {
        children.add(new Child(Digest.parse(c.get("digest").asString()), c.get("platform").asString()));
      }
      indexes.put(key, new Index(e.getValue().get("mediaType").asString(), children));
    }
    return problems.isEmpty() ? new Result(new ImageLock(indexes), List.of())
        : new Result(ImageLock.EMPTY, problems);
  }

  private static Result failed(Problem p) {
    return new Result(ImageLock.EMPTY, List.of(p));
  }

  /** The canonical text of a lock. */
  public static String render(ImageLock lock) {
    ObjectNode root = JSON.createObjectNode();
    root.put("apiVersion", Manifest.API_VERSION);
    root.put("kind", ImageLock.KIND);
    ObjectNode indexes = root.putObject("indexes");
    for (Map.Entry<String, Index> e : lock.indexes().entrySet()) { // sorted by key
      ObjectNode i = indexes.putObject(e.getKey());
      i.put("mediaType", e.getValue().mediaType());
      ArrayNode manifests = i.putArray("manifests");
      for (Child c : e.getValue().manifests()) {
        ObjectNode m = manifests.addObject();
        m.put("digest", c.digest().toString());
        m.put("platform", c.platform());
      }
    }
    DefaultPrettyPrinter pretty = new DefaultPrettyPrinter(Separators.createDefaultInstance()
        .withObjectNameValueSpacing(Separators.Spacing.AFTER)
        .withObjectEmptySeparator("")
        .withArrayEmptySeparator(""))
        .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"))
        .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
    return JSON.writer().with(pretty).writeValueAsString(root) + "\n";
  }
}
