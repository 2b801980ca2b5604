package dev.bootfleet.core.manifest;

import dev.bootfleet.core.manifest.Manifest.Host;
import dev.bootfleet.core.manifest.Manifest.HostGroup;
import dev.bootfleet.core.port.RepoFiles;
import dev.bootfleet.core.yaml.YamlException;
import dev.bootfleet.core.yaml.YamlLimits;
import dev.bootfleet.core.yaml.YamlReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a whole fleet from a {@link RepoFiles}: every manifest file, every source file they name, then
 * each host merged with its groups ({@link HostMerger}). Collects every problem rather than stopping at
 * the first, and keeps only hosts without errors.
 */
public final class FleetLoader {
  /** The largest manifest file read. */
  public static final int MAX_MANIFEST_BYTES = YamlLimits.DEFAULT.maxChars();

  /** @param requireDigests whether an image without a digest is an error rather than a warning */
  public record Options(boolean requireDigests) {
    public static final Options DEFAULT = new Options(false);
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

  /** What one file gave: its valid manifests, the groups that have errors, and its problems. */
  private record FileResult(List<Manifest> manifests, List<HostGroup> brokenGroups, List<Problem> problems) {}

  private Fleet load() throws IOException {
    List<String> files = repo.manifestFiles();
    List<FileResult> results;
    try {
      results = files.parallelStream().map(this::parseFile).toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    List<Problem> problems = new ArrayList<>();
    Map<String, Host> hosts = new HashMap<>();
    Map<String, HostGroup> groups = new HashMap<>();
    List<HostGroup> broken = new ArrayList<>();
    for (FileResult r : results) {
      problems.addAll(r.problems());
      broken.addAll(r.brokenGroups());
      for (Manifest m : r.manifests()) {
        Manifest first = switch (m) {
          case Host h -> hosts.putIfAbsent(h.name(), h);
          case HostGroup g -> groups.putIfAbsent(g.name(), g);
        };
        if (first != null) {
          String kind = m instanceof Host ? "Host" : "HostGroup";
          problems.add(Problem.error(m.origin().file(), m.origin().pos(), "metadata.name", kind + " \""
              + m.name() + "\" is declared twice (first in " + first.origin() + ")"));
        }
      }
    }
    SourceFiles sources = new SourceFiles(repo);
    List<HostGroup> groupList = groups.values().stream()
        .map(g -> (HostGroup) sources.fill(g, problems)).sorted(HostMerger.GROUP_ORDER).toList();
    // A host that a broken group matches is left out: its merge would only echo the group's errors.
    List<Host> hostList = hosts.values().stream()
        .filter(h -> broken.stream().noneMatch(g -> g.selector().matches(h.labels())))
        .map(h -> (Host) sources.fill(h, problems))
        .sorted(Comparator.comparing(Host::name)).toList();
    HostMerger merger = new HostMerger(groupList);
    List<HostMerger.Merged> merged = hostList.parallelStream().map(merger::merge).toList();
    List<DesiredHost> desired = new ArrayList<>();
    for (HostMerger.Merged m : merged) {
      problems.addAll(m.problems());
      if (m.host() != null) {
        desired.add(m.host());
      }
    }
    problems.sort(Problem.ORDER);
    return new Fleet(repo.revision(), desired, problems);
  }

  private FileResult parseFile(String file) {
    List<Problem> problems = new ArrayList<>();
    List<Manifest> manifests = new ArrayList<>();
    List<HostGroup> broken = new ArrayList<>();
    String text;
    try {
      text = decode(repo.read(file, MAX_MANIFEST_BYTES));
    } catch (RepoFiles.FileProblem e) {
      return new FileResult(manifests, broken, List.of(Problem.error(file, null, "", e.getMessage())));
    } catch (CharacterCodingException e) {
      return new FileResult(manifests, broken, List.of(Problem.error(file, null, "", "is not valid UTF-8")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<YamlReader.Document> docs;
    try {
      docs = YamlReader.withDefaults().readAll(text);
    } catch (YamlException e) {
      return new FileResult(manifests, broken, List.of(Problem.error(file, e.pos(), "", e.getMessage())));
    }
    for (YamlReader.Document doc : docs) {
      ManifestParser.Result r = ManifestParser.parse(doc.root(), file, options.requireDigests());
      problems.addAll(r.problems());
      if (r.valid()) {
        manifests.add(r.manifest());
      } else if (r.manifest() instanceof HostGroup g) {
        broken.add(g);
      }
    }
    return new FileResult(manifests, broken, problems);
  }

  static String decode(byte[] bytes) throws CharacterCodingException {
    String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  /** Reads each source file once and attaches its bytes to the entries that name it. */
  private static final class SourceFiles {
    private final RepoFiles repo;
    private final Map<String, Object> cache = new ConcurrentHashMap<>();

    SourceFiles(RepoFiles repo) {
      this.repo = repo;
    }

    Manifest fill(Manifest m, List<Problem> problems) {
      Manifest.Spec spec = switch (m) {
        case Host h -> h.spec();
        case HostGroup g -> g.spec();
      };
      if (spec.etc().stream().noneMatch(e -> e.source() != null)) {
        return m;
      }
      List<EtcEntry> etc = new ArrayList<>();
      for (EtcEntry e : spec.etc()) {
        if (e.source() == null) {
          etc.add(e);
          continue;
        }
        Object got = cache.computeIfAbsent(e.source(), this::read);
        if (got instanceof FileContent c) {
          etc.add(e.withSourceContent(c));
        } else {
          problems.add(Problem.error(e.origin().file(), e.origin().pos(), "source", "\"" + e.source() + "\" "
              + got));
        }
      }
      Manifest.Spec filled = new Manifest.Spec(spec.image(), etc, spec.kargs());
      return switch (m) {
        case Host h -> new Host(h.name(), h.labels(), h.annotations(), filled, h.origin());
        case HostGroup g -> new HostGroup(g.name(), g.priority(), g.selector(), filled, g.origin());
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
