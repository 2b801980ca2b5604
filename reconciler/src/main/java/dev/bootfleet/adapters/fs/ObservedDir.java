package dev.bootfleet.adapters.fs;

import dev.bootfleet.core.observed.StatusDocuments;
import dev.bootfleet.core.observed.EtcReport;
import dev.bootfleet.core.observed.EtcReportParser;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.observed.ObservedStateException;
import dev.bootfleet.core.plan.Observation;
import dev.bootfleet.core.text.ByteSize;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a folder of observed state: {@code <host>.json} or {@code <host>.yaml} (what {@code bootc status}
 * prints, or {@code rpm-ostree status --json}, told apart by their keys), and optionally
 * {@code <host>.etc.json} (the agent's /etc report). Every unreadable file is
 * reported, not just the first, as a line {@code FILE[:LINE:COL]: error: MESSAGE}.
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
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      // One stat per entry, on both cores: 200,000 of them were a visible part of a large plan.
      files = s.toList().parallelStream().filter(Files::isRegularFile).sorted().toList();
    }
    for (Path p : files) {
      String name = p.getFileName().toString();
      if (name.endsWith(".agent.json")) {
        continue; // the agent's own report (AgentReport) beside the two documents read here
      }
      if (name.endsWith(".etc.json")) {
        etc.put(name.substring(0, name.length() - ".etc.json".length()), p);
        continue;
      }
      String host = statusHost(name);
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
      if (!status.containsKey(host)) {
        problems.add(etc.get(host) + ": /etc report without a status document (expected " + host + ".json beside it)");
      }
    }
    List<Path> read = new ArrayList<>(status.values());
    read.addAll(etc.values());
    return new Result(out, problems.stream().map(ObservedDir::asError).sorted().toList(), List.copyOf(read));
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

  /** {@code file[:line:col]: message} as {@code file[:line:col]: error: message}. */
  static String asError(String problem) {
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

  private static One readOne(String host, Path statusFile, Path etcFile, StatusCache cache) {
    List<String> problems = new ArrayList<>();
    ObservedHost status = null;
    EtcReport report = null;
    try {
      status = cache.parse(bytes(statusFile), statusFile);
    } catch (ObservedStateException e) {
      problems.add(e.getMessage());
    } catch (IOException e) {
      problems.add(statusFile + ": " + e.getMessage());
    }
    if (etcFile != null) {
      try {
        report = EtcReportParser.parse(bytes(etcFile), etcFile.toString());
        if (report.host() != null && !report.host().equals(host)) {
          problems.add(etcFile + ": host: \"" + report.host() + "\" does not match the file name (expected \""
              + host + "\")");
          report = null;
        }
      } catch (ObservedStateException e) {
        problems.add(e.getMessage());
      } catch (IOException e) {
        problems.add(etcFile + ": " + e.getMessage());
      }
    }
    return new One(host, status == null || !problems.isEmpty() ? null : new Observation(status, report), problems);
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
