package dev.bootfleet.app.cli;

import dev.bootfleet.adapters.fs.ObservedDir;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.plan.ChangePlanner;
import dev.bootfleet.core.plan.Plan;
import dev.bootfleet.core.plan.Planner;
import dev.bootfleet.core.render.Report;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Show what each host needs to match Git.",
        "With --observed: compare Git with what hosts report (bootc status documents).",
        "With --base and --head: what a change between two revisions does to each host (for pull requests);"
            + " no observed state needed."})
final class PlanCommand implements Callable<Integer> {
  @Mixin
  RepoOptions repo;

  @Option(names = "--observed", paramLabel = "DIR",
      description = "A folder of <host>.json (or .yaml) status documents and optional <host>.etc.json reports.")
  Path observed;

  @Option(names = "--base", paramLabel = "REV", description = "The revision a pull request starts from.")
  String base;

  @Option(names = "--head", paramLabel = "REV", description = "The revision a pull request proposes.")
  String head;

  @Option(names = "--verify-images",
      description = "Before planning, ask each registry that every desired image exists (pinned digests by "
          + "digest); a missing one is an error naming the host and reference.")
  boolean verifyImages;

  @Mixin
  RegistryOptions registry;

  @Mixin
  OutputOptions output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    if ((base == null) != (head == null)) {
      throw new UserError("--base and --head go together (expected both, or neither)");
    }
    if (base != null) {
      if (observed != null) {
        throw new UserError("--observed does not go with --base/--head (a change plan needs no observed state)");
      }
      if (repo.rev != null) {
        throw new UserError("--rev does not go with --base/--head");
      }
      // The base's warnings are the old revision's, and mostly the head's again: only its errors are told.
      Fleet before = load("--base", base, false);
      Fleet after = load("--head", head, true);
      if (before == null || after == null || !imagesExist(after)) {
        return Main.ERROR;
      }
      Plan plan = new ChangePlanner(Clock.systemUTC()).compare(before, after);
      return output.emit(Report.plan(plan), spec.commandLine().getOut());
    }
    if (observed == null) {
      throw new UserError("plan needs --observed DIR (compare with hosts) or --base REV --head REV (a change)");
    }
    Plan plan = observedPlan(repo, observed, output, spec, verifyImages ? this::imagesExist : f -> true);
    return plan == null ? Main.ERROR : output.emit(Report.plan(plan), spec.commandLine().getOut());
  }

  /** With --verify-images: whether every desired image exists (problems printed); else true. */
  private boolean imagesExist(Fleet fleet) {
    if (!verifyImages) {
      return true;
    }
    var problems = ImageVerifier.verify(fleet, registry);
    var err = spec.commandLine().getErr();
    problems.forEach(p -> err.println(p.format()));
    err.flush();
    return problems.stream().noneMatch(dev.bootfleet.core.manifest.Problem::isError);
  }

  private Fleet load(String option, String rev, boolean warnings) {
    Fleet f = repo.load(option, rev);
    return RepoOptions.report(f, spec.commandLine().getErr(), warnings) ? null : f;
  }

  /**
   * Loads Git and the observed folder, the two at the same time (neither needs the other, and each
   * leaves a core idle at times); prints every problem and returns null when there is one.
   */
  static Plan observedPlan(RepoOptions repo, Path observed, OutputOptions output, CommandSpec spec) {
    return observedPlan(repo, observed, output, spec, f -> true);
  }

  /**
   * As above; {@code check} runs on a fleet without errors and may veto the plan (it prints why). An
   * --out that names a file read is refused after the fleet's and the folder's problems are printed.
   */
  static Plan observedPlan(RepoOptions repo, Path observed, OutputOptions output, CommandSpec spec,
      java.util.function.Predicate<Fleet> check) {
    if (!java.nio.file.Files.isDirectory(observed)) {
      throw new UserError("--observed " + observed + ": " + (java.nio.file.Files.exists(observed) ? "not a folder"
          : "no such folder") + " (expected a folder of <host>.json status documents)");
    }
    CompletableFuture<ObservedDir.Result> reading = CompletableFuture.supplyAsync(() -> {
      try {
        return ObservedDir.read(observed);
      } catch (IOException e) {
        throw new UserError("--observed " + observed + ": cannot read: " + e.getMessage());
      }
    }, runnable -> Thread.ofPlatform().name("observed-reader").start(runnable));
    Fleet fleet = repo.load(repo.rev);
    boolean bad = RepoOptions.report(fleet, spec.commandLine().getErr());
    ObservedDir.Result seen;
    try {
      seen = reading.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    var err = spec.commandLine().getErr();
    seen.problems().forEach(err::println);
    err.flush();
    Set<Path> inputs = new HashSet<>(repo.filesRead);
    inputs.addAll(seen.files());
    output.refuseInputs(inputs);
    if (bad || !seen.problems().isEmpty() || !check.test(fleet)) {
      return null;
    }
    return new Planner(Clock.systemUTC(), fleet.images()).plan(fleet.revision(), fleet.hosts(), seen.observations());
  }
}
