package dev.bootfleet.core.manifest;

import dev.bootfleet.core.image.ImageLock;

import dev.bootfleet.core.manifest.Manifest.Host;
import dev.bootfleet.core.manifest.Manifest.HostGroup;
import dev.bootfleet.core.text.ByteSize;
import dev.bootfleet.core.text.Quote;
import dev.bootfleet.core.yaml.Pos;
import dev.bootfleet.core.yaml.YamlException;
import dev.bootfleet.core.yaml.YamlLimits;
import dev.bootfleet.core.yaml.YamlReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a whole fleet from a {@link RepoFiles}: every manifest file, every source file they name, then
 * each host merged with its groups ({@link HostMerger}). Collects every problem rather than stopping at
 * the first, and keeps only hosts without errors: not a host whose own manifest has one (a source that
 * cannot be read included), not a name declared twice, and not a host that a group with errors would
 * match (that group's problems say why).
 */
public final class FleetLoader {
  /** The largest manifest file read. */
  public static final int MAX_MANIFEST_BYTES = YamlLimits.DEFAULT.maxChars();

  /**
   * @param requireDigests whether an image without a digest is an error rather than a warning
   * @param limits what the revision may expand to
   */
  public record Options(boolean requireDigests, ExpansionLimits limits) {
    public static final Options DEFAULT = new Options(false);

    public Options(boolean requireDigests) {
      this(requireDigests, ExpansionLimits.DEFAULT);
    }
  }

  private final RepoFiles repo;
  private final Options options;

  private FleetLoader(RepoFiles repo, Options options) {
    this.repo = repo;
    this.options = options;
  }

  public static Fleet load(RepoFiles repo, Options options) throws IOException {
    return new FleetLoader(repo, options).load();
  }

  /** A manifest as read, and whether it may be used (read without errors). */
  private record Read(Manifest manifest, boolean valid) {}

  /** @param text the file's scalar text, aliases counted at full size */
  private record FileResult(String file, List<Read> manifests, List<Problem> problems, long text) {}

  private Fleet load() throws IOException {
    List<String> files = repo.manifestFiles();
    List<FileResult> results;
    try {
      results = files.parallelStream().map(this::parseFile).toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    List<Problem> problems = new ArrayList<>();
    if (!withinTextLimit(results, problems)) {
      results.forEach(r -> problems.addAll(r.problems()));
      return stopped(problems, declared(results.stream().flatMap(r -> r.manifests().stream()).map(Read::manifest)
          .toList()));
    }
    Map<String, Manifest> first = new HashMap<>(); // by kind and name
    Set<String> unusable = new HashSet<>(); // kinds and names with errors, or declared twice
    List<Manifest> all = new ArrayList<>();
    for (FileResult r : results) {
      problems.addAll(r.problems());
      for (Read read : r.manifests()) {
        Manifest m = read.manifest();
        Manifest f = first.putIfAbsent(key(m), m);
        if (f != null) {
          problems.add(Problem.error(m.origin().file(), m.namePos(), "metadata.name", kind(m) + " "
              + Quote.of(m.name()) + " is declared twice (first in " + f.origin().file() + ":"
              + f.namePos().line() + ")"));
          unusable.add(key(m));
        }
        if (!read.valid()) {
          unusable.add(key(m));
        }
        all.add(m);
      }
    }
    if (all.stream().noneMatch(Host.class::isInstance) && problems.stream().noneMatch(Problem::isError)) {
      // Not an error (a fleet may start empty), but a CI job pointed at the wrong folder should hear of it.
      problems.add(Problem.warning("", null, "", "no Host manifests found: bootfleet reads *.yaml and *.yml"
          + " files outside dot-folders (is --repo the fleet repository's root?)"));
    }
    SourceFiles sources = new SourceFiles(repo);
    List<HostGroup> groups = new ArrayList<>();
    List<HostGroup> broken = new ArrayList<>(); // groups with errors: their hosts cannot be merged
    List<Host> hosts = new ArrayList<>();
    List<Manifest.Rollout> rollouts = new ArrayList<>();
    EtcTotals etc = new EtcTotals(options.limits());
    for (Manifest m : all) {
      // Sources are read for a manifest with errors too: a source that is a folder is one more problem
      // to report now, not after the others are fixed. Such a manifest is still not used.
      Manifest filled = sources.fill(m, problems);
      if (unusable.contains(key(m))) {
        filled = null;
      }
      if (filled != null) {
        etc.add(filled);
      }
      switch (m) {
        case HostGroup g -> {
          if (filled != null) {
            groups.add((HostGroup) filled);
          } else {
            broken.add(g);
          }
        }
        case Host h -> {
          if (filled != null) {
            hosts.add((Host) filled);
          }
        }
        case Manifest.Rollout r -> {
          if (filled != null) {
            rollouts.add(r);
          }
        }
      }
    }
    if (!etc.within(problems)) {
      return stopped(problems, declared(all));
    }
    groups.sort(HostMerger.GROUP_ORDER);
    hosts.sort(Comparator.comparing(Host::name));
    HostMerger merger = new HostMerger(groups);
    // A host that a broken group would match is left out without a problem of its own: merging it
    // without that group would only report what the group's own errors already explain.
    List<HostMerger.Merged> merged = hosts.parallelStream()
        .filter(h -> broken.stream().noneMatch(g -> g.selector().matches(h.labels())))
        .map(merger::merge).toList();
    List<DesiredHost> desired = new ArrayList<>();
    Map<String, List<Provenance>> provenance = new HashMap<>();
    for (HostMerger.Merged m : merged) {
      problems.addAll(m.problems());
      if (m.host() != null) {
        desired.add(m.host());
        provenance.put(m.host().name(), m.sources());
      }
    }
    rollouts.sort(Comparator.comparing(Manifest.Rollout::name));
    overlaps(rollouts, desired, problems);
    ImageLock lock = readLock(problems);
    problems.sort(Problem.ORDER);
    return new Fleet(repo.revision(), desired, problems, lock, groups, declared(all), provenance, rollouts);
  }

  /**
   * A host follows one rollout: for each pair of rollouts that both govern a host, one problem at the
   * later one's name, naming a host and how many there are (not one line per host of a large fleet).
   */
  private static void overlaps(List<Manifest.Rollout> rollouts, List<DesiredHost> hosts, List<Problem> problems) {
    for (int i = 0; i < rollouts.size(); i++) {
      for (int j = i + 1; j < rollouts.size(); j++) {
        Manifest.Rollout a = rollouts.get(i);
        Manifest.Rollout b = rollouts.get(j);
        List<String> both = hosts.stream().filter(h -> a.policy().selector().matches(h.labels())
            && b.policy().selector().matches(h.labels())).map(DesiredHost::name).toList();
        if (!both.isEmpty()) {
          problems.add(Problem.error(b.origin().file(), b.namePos(), "spec.selector", "Rollout " + Quote.of(b.name())
              + " governs host " + Quote.of(both.get(0)) + (both.size() > 1 ? " and " + (both.size() - 1) + " more"
              : "") + " that Rollout " + Quote.of(a.name()) + " (" + a.origin().file() + ":" + a.namePos().line()
              + ") governs already (a host follows one rollout: narrow spec.selector)"));
        }
      }
    }
  }

  /**
   * Whether the manifests' text, aliases at full size, is within the revision's limit; if not, a problem
   * names the file with which the sum (files in order) went over it.
   */
  private boolean withinTextLimit(List<FileResult> results, List<Problem> problems) {
    long limit = options.limits().revisionText();
    long sum = 0;
    for (FileResult r : results) {
      sum += r.text();
      if (sum > limit) {
        problems.add(Problem.error(r.file(), null, "", "with this file the revision's manifests expand to more than "
            + ByteSize.of(limit) + " of text, counting each alias at the full size of what it names (the limit per"
            + " revision)"));
        return false;
      }
    }
    return true;
  }

  /** A fleet that went over a limit: its problems, no host (nothing is planned). */
  private Fleet stopped(List<Problem> problems, int declared) {
    problems.sort(Problem.ORDER);
    return new Fleet(repo.revision(), List.of(), problems, ImageLock.EMPTY, List.of(), declared, Map.of());
  }

  /** How many hosts the manifests declare, each name once. */
  private static int declared(List<Manifest> manifests) {
    return (int) manifests.stream().filter(Host.class::isInstance).map(Manifest::name).distinct().count();
  }

  /** The /etc content each manifest file declares, and all of them together, each use counted. */
  private static final class EtcTotals {
    private final ExpansionLimits limits;
    private final Map<String, Long> byFile = new java.util.TreeMap<>();

    EtcTotals(ExpansionLimits limits) {
      this.limits = limits;
    }

    void add(Manifest m) {
      Manifest.Spec spec = switch (m) {
        case Host h -> h.spec();
        case HostGroup g -> g.spec();
        case Manifest.Rollout r -> null;
      };
      if (spec == null) {
        return;
      }
      long bytes = 0;
      for (EtcEntry e : spec.etc()) {
        bytes += e.content() == null ? 0 : e.content().size();
      }
      if (bytes > 0) {
        byFile.merge(m.origin().file(), bytes, Long::sum);
      }
    }

    /** Whether every file and the revision are within the limits; a problem for each that is not. */
    boolean within(List<Problem> problems) {
      boolean ok = true;
      long sum = 0;
      boolean revisionOver = false;
      for (Map.Entry<String, Long> f : byFile.entrySet()) {
        if (f.getValue() > limits.fileEtc()) {
          problems.add(Problem.error(f.getKey(), null, "spec.etc", "declares " + ByteSize.of(f.getValue())
              + " of /etc content, more than " + ByteSize.of(limits.fileEtc()) + " (the limit per file; each"
              + " use of a source or alias counts; ship large files in the image)"));
          ok = false;
        }
        sum += f.getValue();
        if (sum > limits.revisionEtc() && !revisionOver) {
          problems.add(Problem.error(f.getKey(), null, "spec.etc", "with this file the revision declares more"
              + " than " + ByteSize.of(limits.revisionEtc()) + " of /etc content (the limit per revision;"
              + " each use of a source or alias counts)"));
          revisionOver = true;
          ok = false;
        }
      }
      return ok;
    }
  }

  /** The lock file at the fleet's root, empty when there is none; its problems are the fleet's. */
  private ImageLock readLock(List<Problem> problems) throws IOException {
    String text;
    try {
      text = decode(repo.read(ImageLock.FILE, MAX_MANIFEST_BYTES));
    } catch (RepoFiles.FileProblem e) {
      if (!e.missing()) {
        problems.add(Problem.error(ImageLock.FILE, null, "", e.getMessage()));
      }
      return ImageLock.EMPTY;
    } catch (NotUtf8 e) {
      problems.add(Problem.error(ImageLock.FILE, e.pos, "", e.getMessage()));
      return ImageLock.EMPTY;
    }
    ImageLockFile.Result r = ImageLockFile.parse(text, ImageLock.FILE);
    problems.addAll(r.problems());
    return r.lock();
  }

  private static String kind(Manifest m) {
    return switch (m) {
      case Host h -> "Host";
      case HostGroup g -> "HostGroup";
      case Manifest.Rollout r -> "Rollout";
    };
  }

  private static String key(Manifest m) {
    return kind(m) + ":" + m.name();
  }

  private FileResult parseFile(String file) {
    List<Problem> problems = new ArrayList<>();
    List<Read> manifests = new ArrayList<>();
    String text;
    try {
      text = decode(repo.read(file, MAX_MANIFEST_BYTES));
    } catch (RepoFiles.FileProblem e) {
      return new FileResult(file, manifests, List.of(Problem.error(file, null, "", e.getMessage())), 0);
    } catch (NotUtf8 e) {
      return new FileResult(file, manifests, List.of(Problem.error(file, e.pos, "", e.getMessage())), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<YamlReader.Document> docs;
    try {
      docs = YamlReader.withDefaults().readAll(text);
    } catch (YamlException e) {
      return new FileResult(file, manifests, List.of(Problem.error(file, e.pos(), "", e.getMessage())), 0);
    }
    long expanded = 0;
    for (YamlReader.Document doc : docs) {
      expanded += doc.expandedChars();
      ManifestParser.Result r = ManifestParser.parse(doc.root(), file, options.requireDigests());
      problems.addAll(r.problems());
      if (r.manifest() != null) {
        manifests.add(new Read(r.manifest(), r.valid()));
      }
    }
    return new FileResult(file, manifests, problems, expanded);
  }

  /** Bytes that are not UTF-8, with the place of the first bad one. */
  static final class NotUtf8 extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Pos pos;

    NotUtf8(Pos pos, String message) {
      super(message);
      this.pos = pos;
    }
  }

  /** Decodes a manifest, dropping a byte order mark. */
  static String decode(byte[] bytes) throws NotUtf8 {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int at = in.position(); // the first byte that does not decode; all before it did
      int lineStart = 0;
      int line = 1;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      int column = new String(bytes, lineStart, at - lineStart, StandardCharsets.UTF_8).length() + 1;
      throw new NotUtf8(new Pos(line, column), String.format("is not valid UTF-8 (bad byte 0x%02X;"
          + " save the file as UTF-8)", bytes[at] & 0xff));
    }
    String s = out.flip().toString();
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  /** Reads each source file once and attaches its bytes to the entries that name it. */
  private static final class SourceFiles {
    private final RepoFiles repo;
    private final Map<String, Object> cache = new ConcurrentHashMap<>();

    SourceFiles(RepoFiles repo) {
      this.repo = repo;
    }

    /** The manifest with its source files read, or null when one cannot be read (a problem says why). */
    Manifest fill(Manifest m, List<Problem> problems) {
      Manifest.Spec spec = switch (m) {
        case Host h -> h.spec();
        case HostGroup g -> g.spec();
        case Manifest.Rollout r -> null;
      };
      if (spec == null || spec.etc().stream().noneMatch(e -> e.source() != null)) {
        return m;
      }
      List<EtcEntry> etc = new ArrayList<>();
      boolean ok = true;
      for (EtcEntry e : spec.etc()) {
        if (e.source() == null) {
          etc.add(e);
          continue;
        }
        Object got = cache.computeIfAbsent(e.source(), this::read);
        if (got instanceof FileContent c) {
          etc.add(e.withContent(c));
        } else {
          String shown = Quote.of(e.sourceWritten())
              + (e.sourceWritten().equals(e.source()) ? "" : " (" + Quote.escape(e.source()) + ")");
          problems.add(Problem.error(e.origin().file(), e.valuePos(), e.field() + ".source", shown + " " + got));
          ok = false;
        }
      }
      if (!ok) {
        return null;
      }
      Manifest.Spec filled = spec.withEtc(etc);
      return switch (m) {
        case Host h -> new Host(h.name(), h.labels(), h.annotations(), filled, h.origin(), h.namePos());
        case HostGroup g -> new HostGroup(g.name(), g.priority(), g.selector(), filled, g.origin(), g.namePos());
        case Manifest.Rollout r -> r;
      };
    }

    private Object read(String path) {
      try {
        return FileContent.of(repo.read(path, FileContent.MAX_BYTES));
      } catch (RepoFiles.FileProblem e) {
        return e.getMessage();
      } catch (IOException e) {
        return "cannot be read: " + e.getMessage();
      }
    }
  }
}
