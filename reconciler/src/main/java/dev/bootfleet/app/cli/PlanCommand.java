package dev.bootfleet.app.cli;

import dev.bootfleet.adapters.agentclient.ServerObserved;
import dev.bootfleet.adapters.fs.ObservedDir;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.plan.ChangePlanner;
import dev.bootfleet.core.plan.Observation;
import dev.bootfleet.core.plan.Plan;
import dev.bootfleet.core.plan.Planner;
import dev.bootfleet.core.render.Report;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Show what each host needs to match Git.",
        "With --observed: compare Git with what hosts report (bootc status documents).",
        "With --server: the same, with every host's last report from a running bootfleet server.",
        "With --base and --head: what a change between two revisions does to each host (for pull requests);"
            + " no observed state needed."})
final class PlanCommand implements Callable<Integer> {
  @Mixin
  RepoOptions repo;

  @Option(names = "--observed", paramLabel = "DIR",
      description = "A folder of <host>.json (or .yaml) status documents and optional <host>.etc.json reports.")
  Path observed;

  @Mixin
  ServerOptions server;

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
      if (!server.usageProblems().isEmpty()) {
        throw new UserError(server.usageProblems());
      }
      if (observed != null || server.given()) {
        throw new UserError((observed != null ? "--observed" : "--server")
            + " does not go with --base/--head (a change plan needs no observed state)");
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
    if (observed == null && !server.given()) {
      throw new UserError("plan needs --observed DIR or --server URL (compare with hosts) or --base REV --head REV"
          + " (a change)");
    }
    Plan plan = observedPlan(repo, observed, server, output, spec, verifyImages ? this::imagesExist : f -> true);
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
   * Loads Git and the observed state (a folder, or a server's {@code /v1/observed}), the two at the same
   * time (neither needs the other, and each leaves a core idle at times); prints every problem and returns
   * null when there is one. From a server, a host silent past its stale time is shown {@code unknown}.
   */
  static Plan observedPlan(RepoOptions repo, Path observed, ServerOptions server, OutputOptions output,
      CommandSpec spec) {
    return observedPlan(repo, observed, server, output, spec, f -> true);
  }

  /**
   * What hosts report, from a folder or a server: the observations, one line per problem, the files read
   * (that no output may replace), and how the plan is shown (a server's stale rule; a folder's: as planned).
   */
  private record Seen(Map<String, Observation> observations, List<String> problems, List<Path> files,
      UnaryOperator<Plan> shown) {}

  /** Exactly one source of observed state: --observed or --server; every usage problem at once. */
  private static void checkSource(Path observed, ServerOptions server) {
    List<String> problems = new ArrayList<>(server.usageProblems());
    if (observed != null && server.given()) {
      problems.add(0, "--server does not go with --observed (expected one place to take the observed state from)");
    } else if (observed == null && !server.given()) {
      problems.add(0, "drift needs --observed DIR or --server URL (where the observed state comes from)");
    }
    if (!problems.isEmpty()) {
      throw new UserError(problems);
    }
  }

  private static Seen readFolder(Path observed) {
    try {
      ObservedDir.Result r = ObservedDir.read(observed);
      return new Seen(r.observations(), r.problems(), r.files(), p -> p);
    } catch (IOException e) {
      throw new UserError("--observed " + observed + ": cannot read: " + e.getMessage());
    }
  }

  private static Seen readServer(ServerOptions.Connection server) {
    ServerObserved.Result r = server.read();
    return new Seen(r.observations(), List.of(), server.files(), r::shown);
  }

  /**
   * As above; {@code check} runs on a fleet without errors and may veto the plan (it prints why). An
   * --out that names a file read is refused after the fleet's and the folder's problems are printed.
   */
  static Plan observedPlan(RepoOptions repo, Path observed, ServerOptions server, OutputOptions output,
      CommandSpec spec, java.util.function.Predicate<Fleet> check) {
    checkSource(observed, server);
    if (observed != null && !java.nio.file.Files.isDirectory(observed)) {
      throw new UserError("--observed " + observed + ": " + (java.nio.file.Files.exists(observed) ? "not a folder"
          : "no such folder") + " (expected a folder of <host>.json status documents)");
    }
    ServerOptions.Connection connection = server.given() ? server.connect() : null; // its problems before any load
    CompletableFuture<Seen> reading = CompletableFuture.supplyAsync(
        () -> observed != null ? readFolder(observed) : readServer(connection),
        runnable -> Thread.ofPlatform().name("observed-reader").start(runnable));
    Fleet fleet = repo.load(repo.rev);
    boolean bad = RepoOptions.report(fleet, spec.commandLine().getErr());
    Seen seen;
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
    return seen.shown().apply(new Planner(Clock.systemUTC(), fleet.images())
        .plan(fleet.revision(), fleet.hosts(), seen.observations()));
  }
}
