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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    checkOptions();
    Path root = repo.toAbsolutePath().normalize();
    List<Problem> problems = new ArrayList<>();
    Manifests manifests = readManifests(root, problems);
    Pinner.Result decision = resolve(manifests.sites());
    problems.addAll(decision.problems());
    Map<String, String> rewritten = rewrite(decision, manifests.texts(), problems);
    LockChange lock = lockChange(root, decision, problems);
    if (reportProblems(problems)) {
      return Main.ERROR;
    }
    if (check) {
      return printCheck(decision, manifests.sites().size(), lock);
    }
    FileBatch batch = write(root, rewritten, manifests.boms(), lock);
    printWritten(decision, lock);
    if (commit) {
      commitWritten(root, batch, decision, lock);
    }
    out().flush();
    return Main.OK;
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Refuses options that do not go together, and a repository pin cannot write or commit to. */
  private void checkOptions() {
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
  }

  /** The manifests that hold references: their texts (by file), the references, the files with a BOM. */
  private record Manifests(Map<String, String> texts, List<RefSite> sites, Set<String> boms) {}

  /** Reads and scans every manifest in parallel (the results in the files' order); adds what is wrong. */
  private Manifests readManifests(Path root, List<Problem> problems) {
    Manifests m = new Manifests(new LinkedHashMap<>(), new ArrayList<>(), new HashSet<>());
    try {
      WorkTreeFiles files = new WorkTreeFiles(root);
      List<Scanned> scanned;
      try {
        scanned = files.manifestFiles().parallelStream().map(f -> scan(files, f)).toList();
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
      for (Scanned sc : scanned) {
        problems.addAll(sc.problems());
        if (sc.bom()) {
          m.boms().add(sc.file());
        }
        if (!sc.sites().isEmpty()) {
          m.texts().put(sc.file(), sc.text());
          m.sites().addAll(sc.sites());
        }
      }
    } catch (IOException e) {
      throw new UserError("--repo " + repo + ": cannot read: " + e.getMessage());
    }
    return m;
  }

  /** Looks every tag up in its registry at once, and decides what each reference becomes. */
  private Pinner.Result resolve(List<RefSite> sites) {
    try (HttpImageRegistry registries = registry.open()) {
      Map<ImageRef, ImageRegistry.Outcome> answers = new HashMap<>();
      for (ImageRegistry.Outcome o : registries.lookUpAll(Pinner.lookups(sites))) {
        answers.put(o.ref(), o);
      }
      return Pinner.decide(sites, answers);
    }
  }

  /** Makes every edit in memory and reads it back before anything is written; the files as rewritten. */
  private Map<String, String> rewrite(Pinner.Result decision, Map<String, String> texts, List<Problem> problems) {
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
    return rewritten;
  }

  /** The image lock as it is ({@code before}, null when absent) and as the decision makes it (null: none). */
  private record LockChange(Path path, String before, String text) {
    boolean changes() {
      return text != null && !text.equals(before);
    }
  }

  private static LockChange lockChange(Path root, Pinner.Result decision, List<Problem> problems) {
    Path lockPath = root.resolve(ImageLock.FILE);
    String lockBefore = null;
    try {
      lockBefore = Files.exists(lockPath) ? Files.readString(lockPath, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      problems.add(Problem.error(ImageLock.FILE, null, "", "cannot be read: " + e.getMessage()));
    }
    // No lock and none needed: nothing to render (which would start Jackson for nothing).
    String lockText = lockBefore == null && decision.lock().isEmpty() ? null : ImageLockFile.render(decision.lock());
    return new LockChange(lockPath, lockBefore, lockText);
  }

  /** Prints every problem in order; true when one is an error, and then nothing is written. */
  private boolean reportProblems(List<Problem> problems) {
    PrintWriter err = spec.commandLine().getErr();
    problems.sort(Problem.ORDER);
    boolean errors = problems.stream().anyMatch(Problem::isError);
    problems.forEach(p -> err.println(p.format()));
    if (errors) {
      long n = problems.stream().filter(Problem::isError).count();
      err.println("pin: nothing written (" + n + (n == 1 ? " error" : " errors") + ")");
      err.flush();
    }
    return errors;
  }

  /** {@code --check}: says what pinning would change, and exits 2 when it would change anything. */
  private int printCheck(Pinner.Result decision, int references, LockChange lock) {
    PrintWriter out = out();
    int toPin = count(decision, Pinner.Status.PINNED) + count(decision, Pinner.Status.REPINNED);
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
    if (lock.changes()) {
      out.println(ImageLock.FILE + ": " + (lock.before() == null ? "is missing; it would list "
          + decision.lock().indexes().size() + " multi-architecture index(es)" : "is out of date"));
    }
    boolean stale = toPin > 0 || lock.changes();
    out.println("pin --check: " + (stale ? toPin + " to pin of " + references + " references"
        + (lock.changes() ? ", lock out of date" : "") + " (run bootfleet pin)"
        : references + " references pinned and current" + (decision.lock().isEmpty() ? ""
            : ", " + ImageLock.FILE + " current")));
    out.flush();
    return stale ? Main.CHANGES : Main.OK;
  }

  /** Writes the rewritten files (each with its BOM again) and the lock, all or nothing. */
  private static FileBatch write(Path root, Map<String, String> rewritten, Set<String> boms, LockChange lock) {
    FileBatch batch = new FileBatch();
    rewritten.forEach((file, text) -> batch.put(root.resolve(file), (boms.contains(file) ? "\uFEFF" : "") + text));
    if (lock.changes()) {
      batch.put(lock.path(), lock.text());
    }
    try {
      batch.commit();
    } catch (IOException e) {
      throw new UserError("pin: cannot write: " + e.getMessage());
    }
    return batch;
  }

  private void printWritten(Pinner.Result decision, LockChange lock) {
    PrintWriter out = out();
    for (Pinner.Change c : decision.changes()) {
      if (c.changes()) {
        out.println((c.status() == Pinner.Status.PINNED ? "pinned   " : "repinned ") + c.site().where() + " "
            + c.newText());
      }
    }
    if (lock.changes()) {
      out.println("wrote    " + ImageLock.FILE + " (" + decision.lock().indexes().size() + " index(es))");
    }
    int current = count(decision, Pinner.Status.UP_TO_DATE) + count(decision, Pinner.Status.DIGEST_ONLY);
    out.println("pin: " + count(decision, Pinner.Status.PINNED) + " pinned, " + count(decision, Pinner.Status.REPINNED)
        + " re-pinned, " + current + " already current");
  }

  /** {@code --commit}: commits the files written, with the message given or a summary of them. */
  private void commitWritten(Path root, FileBatch batch, Pinner.Result decision, LockChange lock) {
    if (batch.isEmpty()) {
      out().println("pin: nothing to commit");
      return;
    }
    String msg = message != null ? message : defaultMessage(decision, lock.changes());
    try {
      String id = Committer.commit(root, batch.targets(), msg);
      out().println("committed " + id.substring(0, 12));
    } catch (Committer.CommitException e) {
      throw new UserError("--commit: " + e.getMessage() + " (the files are written, not committed)");
    }
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
