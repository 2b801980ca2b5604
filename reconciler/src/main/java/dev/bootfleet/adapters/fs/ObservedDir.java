package dev.bootfleet.adapters.fs;

import dev.bootfleet.core.observed.StatusDocuments;
import dev.bootfleet.core.observed.EtcReport;
import dev.bootfleet.core.observed.EtcReportParser;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.observed.ObservedStateException;
import dev.bootfleet.core.plan.Observation;
import dev.bootfleet.core.text.ByteSize;
import dev.bootfleet.core.text.Quote;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a folder of observed state: {@code <host>.json} or {@code <host>.yaml} (what {@code bootc status}
 * prints, or {@code rpm-ostree status --json}, told apart by their keys), and optionally
 * {@code <host>.etc.json} (the agent's /etc report). A host whose documents do not parse, or hold a
 * value the parsers refuse, gets an {@link Observation#unreadable} observation naming the file and field.
 * Every file that cannot be read at all is reported, not just the first, as a line {@code
 * FILE[:LINE:COL]: error: MESSAGE}.
 */
public final class ObservedDir {
  /** The largest observed document read. */
  static final long MAX_BYTES = 4L * 1024 * 1024;
  private static final Pattern LOCATED = Pattern.compile("^(.*?): (.*)$");
  private static final List<String> STATUS_EXTENSIONS = List.of(".json", ".yaml", ".yml");

  /** The observations by host, and one line per problem. */
  /** @param files the documents read: what a command must not write its output over */
  public record Result(Map<String, Observation> observations, List<String> problems, List<Path> files) {}

  private ObservedDir() {}

  /**
   * Reads every document of {@code dir}.
   *
   * @throws IOException when the folder cannot be listed (the CLI checks that it exists first)
   */
  public static Result read(Path dir) throws IOException {
    List<String> problems = new ArrayList<>();
    Map<String, Path> status = new TreeMap<>();
    Map<String, Path> etc = new HashMap<>();
    Set<String> unreadableStatus = new HashSet<>();
    List<Entry> entries;
    try (Stream<Path> s = Files.list(dir)) {
      // One stat per entry, on both cores: 200,000 of them were a visible part of a large plan.
      entries = s.toList().parallelStream().map(ObservedDir::entry).sorted(Comparator.comparing(Entry::path)).toList();
    }
    for (Entry e : entries) {
      Path p = e.path();
      String name = p.getFileName().toString();
      if (name.endsWith(".agent.json")) {
        continue; // the agent's own report (AgentReport) beside the two documents read here
      }
      String host = name.endsWith(".etc.json") ? null : statusHost(name);
      if (e.problem() != null) {
        if (host != null || name.endsWith(".etc.json")) { // a file of ours that cannot be read: say so
          problems.add(p + ": " + e.problem() + " (expected " + (host != null ? "a status document" : "an /etc report")
              + " file)");
          if (host != null) {
            unreadableStatus.add(host);
          }
        }
        continue;
      }
      if (name.endsWith(".etc.json")) {
        etc.put(name.substring(0, name.length() - ".etc.json".length()), p);
        continue;
      }
      if (host != null) {
        Path first = status.putIfAbsent(host, p);
        if (first != null) {
          problems.add(p + ": host \"" + host + "\" already has " + first.getFileName()
              + " (keep one status document per host)");
        }
      }
    }
    Map<String, Observation> out = new TreeMap<>();
    // Parse from a list, not the TreeMap: a TreeMap splits into few uneven parts, which left one core
    // idle for much of this phase; a list splits evenly. The order, and so the result, is the same.
    StatusCache cache = new StatusCache();
    new ArrayList<>(status.entrySet()).parallelStream()
        .map(e -> readOne(e.getKey(), e.getValue(), etc.get(e.getKey()), cache))
        .toList().forEach(r -> {
          if (r.observation != null) {
            out.put(r.host, r.observation);
          }
          problems.addAll(r.problems);
        });
    for (String host : etc.keySet()) {
      if (!status.containsKey(host) && !unreadableStatus.contains(host)) {
        problems.add(etc.get(host) + ": /etc report without a status document (expected " + host + ".json beside it)");
      }
    }
    List<Path> read = new ArrayList<>(status.values());
    read.addAll(etc.values());
    return new Result(out, problems.stream().map(ObservedDir::asError).sorted().toList(), List.copyOf(read));
  }

  /** A folder entry, and why it is not a file that can be read ({@code null} when it is one). */
  private record Entry(Path path, String problem) {}

  /**
   * Reads what an entry is, following symbolic links; a folder, a symbolic link loop or one to nothing
   * is named, never skipped without a word.
   */
  private static Entry entry(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return new Entry(p, a.isRegularFile() ? null : a.isDirectory() ? "is a folder" : "is not a regular file");
    } catch (NoSuchFileException e) {
      return new Entry(p, Files.isSymbolicLink(p) ? "is a symbolic link to nothing" : "was removed while read");
    } catch (FileSystemException e) {
      String reason = e.getReason();
      return new Entry(p, reason != null && reason.toLowerCase(java.util.Locale.ROOT).contains("symbolic link")
          ? "is a symbolic link loop" : "cannot be read: " + (reason == null ? e.getClass().getSimpleName() : reason));
    } catch (IOException e) {
      return new Entry(p, "cannot be read: " + e.getMessage());
    }
  }

  /** The host of a status document's file name ({@code <host>.json}, {@code .yaml}, {@code .yml}), or null. */
  static String statusHost(String name) {
    for (String ext : STATUS_EXTENSIONS) {
      if (name.length() > ext.length() && name.endsWith(ext)) {
        return name.substring(0, name.length() - ext.length());
      }
    }
    return null;
  }

  /**
   * {@code file[:line:col]: message} as {@code file[:line:col]: error: message}, on one line: a file name
   * in the folder, like what a host reports, may hold control characters.
   */
  static String asError(String line) {
    String problem = Quote.controls(line);
    var m = LOCATED.matcher(problem);
    return m.matches() ? m.group(1) + ": error: " + m.group(2) : "error: " + problem;
  }

  private record One(String host, Observation observation, List<String> problems) {}

  /**
   * Parsed status documents by their bytes. {@code bootc status} names no host, and hosts on the same
   * image with the same deployments print the very same document (a synthetic fleet of 10,000 hosts
   * has 15 distinct ones); parsing is pure, so each distinct document is parsed once. Only documents
   * that parse are kept (errors name their own file), and at most {@link #MAX} of them.
   */
  private static final class StatusCache {
    static final int MAX = 4096;
    private final Map<ByteBuffer, ObservedHost> byContent = new ConcurrentHashMap<>();

    ObservedHost parse(byte[] bytes, Path file) throws ObservedStateException {
      ByteBuffer key = ByteBuffer.wrap(bytes);
      ObservedHost known = byContent.get(key);
      if (known != null) {
        return known;
      }
      ObservedHost parsed = StatusDocuments.parse(bytes, file.toString());
      if (byContent.size() < MAX) {
        byContent.putIfAbsent(key, parsed);
      }
      return parsed;
    }
  }

  /**
   * One host's documents. What the host wrote is untrusted: a document that does not parse, or holds a
   * value the parsers refuse, makes this host's observation {@link Observation#unreadable} (the plan
   * shows it {@code unknown}, naming the file and field) and never stops the other hosts. A file that
   * cannot be read at all is a problem of the folder, reported as an error.
   */
  private static One readOne(String host, Path statusFile, Path etcFile, StatusCache cache) {
    List<String> problems = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    ObservedHost status = null;
    EtcReport report = null;
    try {
      status = cache.parse(bytes(statusFile), statusFile);
    } catch (ObservedStateException e) {
      refused.add(e.getMessage());
    } catch (IOException e) {
      problems.add(statusFile + ": " + e.getMessage());
    }
    if (etcFile != null) {
      try {
        report = EtcReportParser.parse(bytes(etcFile), etcFile.toString());
        if (report.host() != null && !report.host().equals(host)) {
          refused.add(etcFile + ": host: " + Quote.of(report.host()) + " does not match the file name (expected \""
              + host + "\")");
          report = null;
        }
      } catch (ObservedStateException e) {
        refused.add(e.getMessage());
      } catch (IOException e) {
        problems.add(etcFile + ": " + e.getMessage());
      }
    }
    Observation seen = !problems.isEmpty() ? null
        : !refused.isEmpty() ? Observation.unreadable(String.join("; ", refused))
        : new Observation(status, report);
    return new One(host, seen, problems);
  }

  private static byte[] bytes(Path p) throws IOException {
    try (var in = Files.newInputStream(p)) { // one open and read; no separate size lookup
      byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new IOException("is larger than " + ByteSize.of(MAX_BYTES) + " (" + Files.size(p) + " bytes)");
      }
      return bytes;
    }
  }
}
