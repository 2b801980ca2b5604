package dev.bootfleet.core.yaml;

import dev.bootfleet.core.yaml.YNode.Entry;
import dev.bootfleet.core.yaml.YNode.YMap;
import dev.bootfleet.core.yaml.YNode.YScalar;
import dev.bootfleet.core.yaml.YNode.YSeq;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads a YAML stream into {@link YNode} trees, one per document, with positions.
 *
 * <p>Built from snakeyaml-engine's event parser with an explicit stack instead of recursion, so that
 * deep nesting is an error and never a {@code StackOverflowError}. Aliases share the node they name
 * (no copy); their expanded size still counts against {@link YamlLimits#maxNodes()}. Duplicate keys
 * and non-scalar keys are errors. Pure: no I/O.
 */
public final class YamlReader {
  private final YamlLimits limits;

  public YamlReader(YamlLimits limits) {
    this.limits = limits;
  }

  public static YamlReader withDefaults() {
    return new YamlReader(YamlLimits.DEFAULT);
  }

  /** A document of the stream: its root (never null) and where it starts. */
  public record Document(YNode root, Pos start) {}

  /**
   * Reads every document of {@code text}. Empty documents (only comments, or a bare {@code ---}) are
   * left out.
   *
   * @throws YamlException at the first syntax error or broken limit, with its position
   */
  public List<Document> readAll(String text) throws YamlException {
    if (text.length() > limits.maxChars()) {
      throw new YamlException(new Pos(1, 1),
          "file is larger than the limit of " + limits.maxChars() / (1024 * 1024) + " MiB");
    }
    LoadSettings settings = LoadSettings.builder()
        .setCodePointLimit(limits.maxChars() + 1)
        .setAllowDuplicateKeys(true) // we report duplicates ourselves, with both positions
        .setUseMarks(true)
        .build();
    List<Document> docs = new ArrayList<>();
    Builder builder = null;
    try {
      for (Event event : new Parse(settings).parseString(text)) {
        switch (event.getEventId()) {
          case DocumentStart -> builder = new Builder(pos(event.getStartMark()));
          case DocumentEnd -> {
            if (builder != null && builder.root != null && !isEmpty(builder.root)) {
              docs.add(new Document(builder.root, builder.start));
            }
            builder = null;
          }
          case StreamStart, StreamEnd, Comment -> { }
          default -> {
            if (builder == null) {
              throw new YamlException(pos(event.getStartMark()), "content outside a document");
            }
            builder.accept(event);
          }
        }
      }
    } catch (MarkedYamlEngineException e) {
      Pos at = e.getProblemMark().map(YamlReader::toPos)
          .orElse(e.getContextMark().map(YamlReader::toPos).orElse(Pos.NONE));
      String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
      throw new YamlException(at, "YAML syntax error: " + oneLine(problem));
    } catch (YamlEngineException e) {
      throw new YamlException(Pos.NONE, "YAML error: " + oneLine(e.getMessage()));
    }
    return docs;
  }

  private static boolean isEmpty(YNode root) {
    return root instanceof YScalar s && s.plain() && s.type() == YScalar.Type.NULL;
  }

  private static String oneLine(String s) {
    return s == null ? "unreadable input" : s.replaceAll("\\s+", " ").trim();
  }

  private static Pos pos(Optional<Mark> mark) {
    return mark.map(YamlReader::toPos).orElse(Pos.NONE);
  }

  private static Pos toPos(Mark m) {
    return new Pos(m.getLine() + 1, m.getColumn() + 1);
  }

  /** Builds one document's tree from its events. */
  private final class Builder {
    final Pos start;
    YNode root;
    final Deque<Frame> stack = new ArrayDeque<>();
    final Map<String, YNode> anchors = new HashMap<>();
    final Map<YNode, Long> sizes = new IdentityHashMap<>();
    long nodes;

    Builder(Pos start) {
      this.start = start;
    }

    void accept(Event event) throws YamlException {
      Pos at = pos(event.getStartMark());
      switch (event.getEventId()) {
        case Scalar -> {
          ScalarEvent s = (ScalarEvent) event;
          boolean plain = s.isPlain() && s.getTag().isEmpty();
          add(new YScalar(at, s.getValue(), plain, localTag(s.getTag())), anchorOf(s), 1, at);
        }
        case Alias -> {
          String name = ((AliasEvent) event).getAlias().getValue();
          YNode target = anchors.get(name);
          if (target == null) {
            throw new YamlException(at, "unknown alias *" + name);
          }
          add(target, null, sizes.getOrDefault(target, 1L), at);
        }
        case MappingStart, SequenceStart -> {
          if (stack.size() >= limits.maxDepth()) {
            throw new YamlException(at, "nesting deeper than " + limits.maxDepth() + " levels");
          }
          stack.push(new Frame(event.getEventId() == Event.ID.MappingStart, at,
              anchorOf((NodeEvent) event), localTag(((CollectionStartEvent) event).getTag())));
        }
        case MappingEnd, SequenceEnd -> {
          Frame f = stack.pop();
          YNode node = f.mapping ? new YMap(f.pos, f.entries, f.tag) : new YSeq(f.pos, f.items, f.tag);
          add(node, f.anchor, f.size, f.pos);
        }
        default -> { }
      }
    }

    /** {@code !name} gives {@code name}; standard ({@code !!str}) and global tags give null. */
    private String localTag(Optional<String> tag) {
      return tag.filter(t -> t.length() > 1 && t.startsWith("!") && !t.startsWith("!!"))
          .map(t -> t.substring(1)).orElse(null);
    }

    private String anchorOf(NodeEvent e) {
      return e.getAnchor().map(a -> a.getValue()).orElse(null);
    }

    private void add(YNode node, String anchor, long size, Pos at) throws YamlException {
      nodes += size;
      if (nodes > limits.maxNodes()) {
        throw new YamlException(at, "document expands to more than " + limits.maxNodes()
            + " nodes (too many aliases?)");
      }
      if (anchor != null) {
        anchors.put(anchor, node);
      }
      if (!(node instanceof YScalar)) {
        sizes.put(node, size);
      }
      Frame parent = stack.peek();
      if (parent == null) {
        root = node;
        return;
      }
      parent.size += size;
      if (!parent.mapping) {
        parent.items.add(node);
      } else if (parent.pendingKey == null) {
        if (!(node instanceof YScalar key)) {
          throw new YamlException(at, "mapping keys must be plain strings, found a " + node.kindName());
        }
        Entry first = parent.entries.get(key.text());
        if (first != null) {
          throw new YamlException(at, "duplicate key '" + key.text() + "' (first at line "
              + first.keyPos().line() + ")");
        }
        parent.pendingKey = key;
      } else {
        parent.entries.put(parent.pendingKey.text(), new Entry(parent.pendingKey.pos(), node));
        parent.pendingKey = null;
      }
    }
  }

  private static final class Frame {
    final boolean mapping;
    final Pos pos;
    final String anchor;
    final String tag;
    final Map<String, Entry> entries = new LinkedHashMap<>();
    final List<YNode> items = new ArrayList<>();
    YScalar pendingKey;
    long size = 1;

    Frame(boolean mapping, Pos pos, String anchor, String tag) {
      this.mapping = mapping;
      this.pos = pos;
      this.anchor = anchor;
      this.tag = tag;
    }
  }
}
