package dev.bootfleet.core.yaml;

import dev.bootfleet.core.text.ByteSize;
import dev.bootfleet.core.text.Text;
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
import org.snakeyaml.engine.v2.exceptions.ReaderException;
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
  /** Made once per reader: building settings was a tenth of reading a small manifest. Immutable. */
  private final LoadSettings settings;

  public YamlReader(YamlLimits limits) {
    this.limits = limits;
    this.settings = LoadSettings.builder()
        .setCodePointLimit(limits.maxChars() + 1)
        .setAllowDuplicateKeys(true) // we report duplicates ourselves, with both positions
        .setUseMarks(true)
        .build();
  }

  private static final YamlReader DEFAULT = new YamlReader(YamlLimits.DEFAULT);

  /** A reader with the default limits (shared: a reader holds no state between reads). */
  public static YamlReader withDefaults() {
    return DEFAULT;
  }

  /**
   * A document of the stream: its root (never null), where it starts, and how much scalar text it
   * expands to (aliases counted at full size).
   */
  public record Document(YNode root, Pos start, long expandedChars) {}

  /**
   * Reads every document of {@code text}. Empty documents (only comments, or a bare {@code ---}) are
   * left out.
   *
   * @throws YamlException at the first syntax error or broken limit, with its position
   */
  public List<Document> readAll(String text) throws YamlException {
    if (text.length() > limits.maxChars()) {
      int mib = 1024 * 1024;
      throw new YamlException(new Pos(1, 1), "file is larger than the limit of " + (limits.maxChars() % mib == 0
          ? limits.maxChars() / mib + " MiB" : limits.maxChars() + " characters"));
    }
    List<Document> docs = new ArrayList<>();
    Builder builder = null;
    long expanded = 0; // scalar text of the documents before this one: the limit is per stream
    try {
      for (Event event : new Parse(settings).parseString(text)) {
        switch (event.getEventId()) {
          case DocumentStart -> builder = new Builder(pos(event.getStartMark()), expanded);
          case DocumentEnd -> {
            if (builder != null && builder.root != null && !isEmpty(builder.root)) {
              docs.add(new Document(builder.root, builder.start, builder.chars - expanded));
            }
            if (builder != null) {
              expanded = builder.chars;
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
      Pos contextPos = e.getContextMark().map(YamlReader::toPos).orElse(null);
      String context = e.getContext() == null || at.equals(contextPos) ? null
          : Text.oneLine(e.getContext(), "unreadable input");
      throw new YamlException(at, "YAML syntax error: "
          + explain(Text.oneLine(problem, "unreadable input"), context, contextPos));
    } catch (ReaderException e) {
      throw new YamlException(codePointPos(text, e.getPosition()), "YAML syntax error: character "
          + String.format("U+%04X", e.getCodePoint()) + " is not allowed in YAML");
    } catch (YamlEngineException e) {
      throw new YamlException(Pos.NONE, "YAML error: " + Text.oneLine(e.getMessage(), "unreadable input"));
    }
    return docs;
  }

  /**
   * The parser's words, with the usual cause said first where they hide it, and the context: what was
   * open and where it started (for an unclosed quote, where it opened).
   */
  private static String explain(String problem, String context, Pos contextPos) {
    if (problem.contains("(TAB)") && problem.contains("indentation")) {
      return "a tab cannot indent YAML; use spaces";
    }
    if (context == null || contextPos == null) {
      return problem;
    }
    if (problem.startsWith("expected <block end>") && context.startsWith("while parsing a ")) {
      return "this line's indentation does not fit the " + context.substring("while parsing a ".length())
          + " that starts at " + describe(contextPos) + " (" + problem + ")";
    }
    return problem + " (" + context + " at " + describe(contextPos) + ")";
  }

  private static String describe(Pos p) {
    return "line " + p.line() + ", column " + p.column();
  }

  /** The line and column of the {@code index}th code point of {@code text}. */
  private static Pos codePointPos(String text, int index) {
    int line = 1;
    int column = 1;
    int i = 0;
    for (int n = 0; n < index && i < text.length(); n++) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (c == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new Pos(line, column);
  }

  private static boolean isEmpty(YNode root) {
    return root instanceof YScalar s && s.plain() && s.type() == YScalar.Type.NULL;
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
    /** Expanded scalar text of each collection, for the aliases to it. */
    final Map<YNode, Long> texts = new IdentityHashMap<>();
    long nodes;
    /** Scalar text of the stream so far, this document's included, aliases at full size. */
    long chars;

    Builder(Pos start, long charsBefore) {
      this.start = start;
      this.chars = charsBefore;
    }

    void accept(Event event) throws YamlException {
      Pos at = pos(event.getStartMark());
      switch (event.getEventId()) {
        case Scalar -> {
          ScalarEvent s = (ScalarEvent) event;
          boolean plain = s.isPlain() && s.getTag().isEmpty();
          add(new YScalar(at, s.getValue(), plain, localTag(s.getTag())), anchorOf(s), 1, 1, s.getValue().length(),
              s.getValue().length(), at);
        }
        case Alias -> {
          String name = ((AliasEvent) event).getAlias().getValue();
          YNode target = anchors.get(name);
          if (target == null) {
            throw new YamlException(at, "unknown alias *" + name + " (no anchor &" + name + " before it)");
          }
          long size = sizes.getOrDefault(target, 1L);
          long text = target instanceof YScalar s ? s.text().length() : texts.getOrDefault(target, 0L);
          add(target, null, size, size, text, text, at); // an alias stands for a whole copy
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
          add(node, f.anchor, f.size, 1, f.text, 0, f.pos); // its children were counted as they came
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

    /**
     * Adds a finished node to its parent.
     *
     * @param size the node's expanded size (itself and everything below it, aliases at full size)
     * @param fresh how many nodes this adds to the document's count that were not counted before
     * @param text the node's expanded scalar text, in characters
     * @param freshText how much of {@code text} was not counted before
     */
    private void add(YNode node, String anchor, long size, long fresh, long text, long freshText, Pos at)
        throws YamlException {
      nodes += fresh;
      if (nodes > limits.maxNodes()) {
        throw new YamlException(at, "document expands to more than " + limits.maxNodes()
            + " nodes (too many aliases?)");
      }
      chars += freshText;
      if (chars > limits.maxExpandedChars()) {
        throw new YamlException(at, "file expands to more than " + ByteSize.of(limits.maxExpandedChars())
            + " of text, counting each alias at the full size of what it names (the limit per file; too many"
            + " aliases to a large value?)");
      }
      if (anchor != null) {
        anchors.put(anchor, node);
      }
      if (!(node instanceof YScalar)) {
        sizes.put(node, size);
        texts.put(node, text);
      }
      Frame parent = stack.peek();
      if (parent == null) {
        root = node;
        return;
      }
      parent.size += size;
      parent.text += text;
      if (!parent.mapping) {
        parent.items.add(node);
      } else if (parent.pendingKey == null) {
        if (!(node instanceof YScalar key)) {
          throw new YamlException(at, "a mapping key must be a scalar, found a " + node.kindName());
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
    long text;

    Frame(boolean mapping, Pos pos, String anchor, String tag) {
      this.mapping = mapping;
      this.pos = pos;
      this.anchor = anchor;
      this.tag = tag;
    }
  }
}
