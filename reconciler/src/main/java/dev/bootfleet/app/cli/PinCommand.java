package dev.bootfleet.app.cli;

import dev.bootfleet.adapters.fs.FileBatch;
import dev.bootfleet.adapters.git.Committer;
import dev.bootfleet.adapters.git.WorkTreeFiles;
import dev.bootfleet.adapters.registry.HttpImageRegistry;
import dev.bootfleet.core.image.ImageLock;
import dev.bootfleet.core.manifest.ImageLockFile;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.pin.Pinner;
import dev.bootfleet.core.pin.RefScanner;
import dev.bootfleet.core.pin.RefSite;
import dev.bootfleet.core.pin.ScalarRewriter;
import dev.bootfleet.core.port.ImageRegistry;
import dev.bootfleet.core.manifest.RepoFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "pin", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Pin every image reference with a tag to the digest its registry gives now, in "
        + "Renovate's form registry/repo:tag@sha256:<digest>, and keep " + ImageLock.FILE
        + " (the children of multi-architecture indexes) up to date.",
        "Only the reference text changes: comments and every other byte stay as they are. All or nothing: "
            + "files are written only once every reference has resolved.",
        "With --check: change nothing; exit 2 when a reference is unpinned or stale, or the lock is out of date."})
final class PinCommand implements Callable<Integer> {
  @Option(names = "--repo", paramLabel = "DIR", defaultValue = ".",
      description = "The fleet repository's folder (default: ${DEFAULT-VALUE}).")
  Path repo;

  @Option(names = "--check", description = "Change nothing; exit 2 if pinning would change anything (for CI).")
  boolean check;

  @Option(names = "--commit", description = "Commit the changed files with JGit (author from the Git config).")
  boolean commit;

  @Option(names = {"-m", "--message"}, paramLabel = "MSG",
      description = "The commit message (with --commit; default: a summary of what was pinned).")
  String message;

  @Mixin
  RegistryOptions registry;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (check && (commit || message != null)) {
      throw new UserError("--check changes nothing; it does not go with --commit or --message");
    }
    if (message != null && !commit) {
      throw new UserError("--message goes with --commit");
    }
    if (!Files.isDirectory(repo)) {
      throw new UserError("--repo " + repo + ": " + (Files.exists(repo) ? "not a folder" : "no such folder")
          + " (pin rewrites files, so it needs a local folder)");
    }
    if (commit) {
      String why = Committer.problem(repo);
      if (why != null) {
        throw new UserError("--commit: " + why);
      }
    }
    Path root = repo.toAbsolutePath().normalize();
    List<Problem> problems = new ArrayList<>();
    Map<String, String> texts = new LinkedHashMap<>();
    List<RefSite> sites = new ArrayList<>();
    java.util.Set<String> boms = new java.util.HashSet<>();
    try {
      WorkTreeFiles files = new WorkTreeFiles(root);
      // Read and scan in parallel (the order of the results is the files' order).
      List<Scanned> scanned;
      try {
        scanned = files.manifestFiles().parallelStream().map(f -> scan(files, f)).toList();
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
      for (Scanned sc : scanned) {
        problems.addAll(sc.problems());
        if (sc.bom()) {
          boms.add(sc.file());
        }
        if (!sc.sites().isEmpty()) {
          texts.put(sc.file(), sc.text());
          sites.addAll(sc.sites());
        }
      }
    } catch (IOException e) {
      throw new UserError("--repo " + repo + ": cannot read: " + e.getMessage());
    }

    Pinner.Result decision;
    try (HttpImageRegistry registries = registry.open()) {
      List<ImageRef> lookups = Pinner.lookups(sites);
      Map<ImageRef, ImageRegistry.Outcome> answers = new HashMap<>();
      for (ImageRegistry.Outcome o : registries.lookUpAll(lookups)) {
        answers.put(o.ref(), o);
      }
      decision = Pinner.decide(sites, answers);
    }
    problems.addAll(decision.problems());

    // Every edit is made in memory and read back before anything is written.
    Map<String, String> rewritten = new LinkedHashMap<>();
    for (Map.Entry<String, List<ScalarRewriter.Edit>> e : decision.edits().entrySet()) {
      String file = e.getKey();
      try {
        String after = ScalarRewriter.apply(texts.get(file), e.getValue());
        String bad = check ? null : confirm(file, after, e.getValue()); // --check writes nothing to confirm
        if (bad != null) {
          problems.add(Problem.error(file, null, RefSite.FIELD, bad));
        } else {
          rewritten.put(file, after);
        }
      } catch (ScalarRewriter.CannotRewrite c) {
        problems.add(Problem.error(file, c.pos(), RefSite.FIELD, c.getMessage()));
      }
    }

    Path lockPath = root.resolve(ImageLock.FILE);
    String lockBefore = null;
    try {
      lockBefore = Files.exists(lockPath) ? Files.readString(lockPath, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      problems.add(Problem.error(ImageLock.FILE, null, "", "cannot be read: " + e.getMessage()));
    }
    // No lock and none needed: nothing to render (which would start Jackson for nothing).
    String lockText = lockBefore == null && decision.lock().isEmpty() ? null : ImageLockFile.render(decision.lock());
    boolean lockChanges = lockText != null && !lockText.equals(lockBefore);

    problems.sort(Problem.ORDER);
    boolean errors = problems.stream().anyMatch(Problem::isError);
    problems.forEach(p -> err.println(p.format()));
    if (errors) {
      long n = problems.stream().filter(Problem::isError).count();
      err.println("pin: nothing written (" + n + (n == 1 ? " error" : " errors") + ")");
      err.flush();
      return Main.ERROR;
    }

    int pinned = count(decision, Pinner.Status.PINNED);
    int repinned = count(decision, Pinner.Status.REPINNED);
    int current = count(decision, Pinner.Status.UP_TO_DATE) + count(decision, Pinner.Status.DIGEST_ONLY);
    if (check) {
      for (Pinner.Change c : decision.changes()) {
        RefSite s = c.site();
        if (c.status() == Pinner.Status.PINNED) {
          out.println(s.where() + ": " + RefSite.FIELD + ": \"" + s.written() + "\" is not pinned; the tag names "
              + c.newDigest());
        } else if (c.status() == Pinner.Status.REPINNED) {
          out.println(s.where() + ": " + RefSite.FIELD + ": \"" + s.written() + "\" is stale; the tag now names "
              + c.newDigest());
        }
      }
      if (lockChanges) {
        out.println(ImageLock.FILE + ": " + (lockBefore == null ? "is missing; it would list "
            + decision.lock().indexes().size() + " multi-architecture index(es)" : "is out of date"));
      }
      boolean stale = pinned + repinned > 0 || lockChanges;
      out.println("pin --check: " + (stale ? (pinned + repinned) + " to pin of " + sites.size() + " references"
          + (lockChanges ? ", lock out of date" : "") + " (run bootfleet pin)"
          : sites.size() + " references pinned and current" + (decision.lock().isEmpty() ? ""
              : ", " + ImageLock.FILE + " current")));
      out.flush();
      return stale ? Main.CHANGES : Main.OK;
    }

    FileBatch batch = new FileBatch();
    rewritten.forEach((file, text) -> batch.put(root.resolve(file), (boms.contains(file) ? "\uFEFF" : "") + text));
    if (lockChanges) {
      batch.put(lockPath, lockText);
    }
    try {
      batch.commit();
    } catch (IOException e) {
      throw new UserError("pin: cannot write: " + e.getMessage());
    }
    for (Pinner.Change c : decision.changes()) {
      if (c.changes()) {
        out.println((c.status() == Pinner.Status.PINNED ? "pinned   " : "repinned ") + c.site().where() + " "
            + c.newText());
      }
    }
    if (lockChanges) {
      out.println("wrote    " + ImageLock.FILE + " (" + decision.lock().indexes().size() + " index(es))");
    }
    out.println("pin: " + pinned + " pinned, " + repinned + " re-pinned, " + current + " already current");
    if (commit) {
      if (batch.isEmpty()) {
        out.println("pin: nothing to commit");
      } else {
        String msg = message != null ? message : defaultMessage(decision, lockChanges);
        try {
          String id = Committer.commit(root, batch.targets(), msg);
          out.println("committed " + id.substring(0, 12));
        } catch (Committer.CommitException e) {
          throw new UserError("--commit: " + e.getMessage() + " (the files are written, not committed)");
        }
      }
    }
    out.flush();
    return Main.OK;
  }

  /** One manifest file read and scanned; its text without a byte order mark (positions count from there). */
  private record Scanned(String file, String text, boolean bom, List<RefSite> sites, List<Problem> problems) {}

  private static Scanned scan(WorkTreeFiles files, String file) {
    String text;
    try {
      text = utf8(files.read(file, dev.bootfleet.core.manifest.FleetLoader.MAX_MANIFEST_BYTES));
    } catch (RepoFiles.FileProblem e) {
      return new Scanned(file, "", false, List.of(), List.of(Problem.error(file, null, "", e.getMessage())));
    } catch (CharacterCodingException e) {
      return new Scanned(file, "", false, List.of(), List.of(Problem.error(file, null, "",
          "is not valid UTF-8 (save the file as UTF-8)")));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    boolean bom = text.startsWith("\uFEFF");
    String body = bom ? text.substring(1) : text;
    RefScanner.Result r = RefScanner.scan(file, body);
    return new Scanned(file, body, bom, r.sites(), r.problems());
  }

  private static int count(Pinner.Result r, Pinner.Status s) {
    return (int) r.changes().stream().filter(c -> c.status() == s).count();
  }

  /** Re-reads a rewritten file: the same references, the edited ones as intended. Null when all is well. */
  private static String confirm(String file, String after, List<ScalarRewriter.Edit> edits) {
    RefScanner.Result r = RefScanner.scan(file, after);
    if (!r.problems().isEmpty()) {
      return "rewriting would break the file (" + r.problems().get(0).message() + "); nothing written";
    }
    Map<dev.bootfleet.core.yaml.Pos, String> wanted = new HashMap<>();
    edits.forEach(e -> wanted.put(e.pos(), e.replacement()));
    for (RefSite s : r.sites()) {
      String w = wanted.remove(s.pos());
      if (w != null && !w.equals(s.written())) {
        return "rewriting did not give " + w + " at " + s.where() + "; nothing written";
      }
    }
    return wanted.isEmpty() ? null : "rewriting lost a reference; nothing written";
  }

  private static String defaultMessage(Pinner.Result r, boolean lock) {
    List<Pinner.Change> changed = r.changes().stream().filter(Pinner.Change::changes).toList();
    StringBuilder b = new StringBuilder("pin: " + changed.size() + " image reference"
        + (changed.size() == 1 ? "" : "s") + " to digests\n\n");
    for (Pinner.Change c : changed) {
      b.append(c.site().file()).append(": ").append(c.site().written()).append(" -> ").append(c.newDigest())
          .append('\n');
    }
    if (lock) {
      b.append(ImageLock.FILE).append(": ").append(r.lock().indexes().size()).append(" multi-architecture index(es)\n");
    }
    b.append("\nResolved by bootfleet pin.\n");
    return b.toString();
  }

  private static String utf8(byte[] bytes) throws CharacterCodingException {
    String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    return s;
  }
}
