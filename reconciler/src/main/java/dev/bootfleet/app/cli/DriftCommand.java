package dev.bootfleet.app.cli;

import dev.bootfleet.core.plan.Plan;
import dev.bootfleet.core.render.Report;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "drift", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Report the hosts whose observed state differs from Git, and how: image, staged "
        + "deployments, /etc files, kernel arguments. Changes nothing.",
        "The observed state comes from a folder (--observed) or a running bootfleet server (--server).",
        "Use --detailed-exitcode in CI: 0 no drift, 2 drift (or N with --diff-exit-code N), 1 error."})
final class DriftCommand implements Callable<Integer> {
  @Mixin
  RepoOptions repo;

  @Option(names = "--observed", paramLabel = "DIR",
      description = "A folder of <host>.json (or .yaml) status documents and optional <host>.etc.json reports.")
  Path observed;

  @Mixin
  ServerOptions server;

  @Mixin
  OutputOptions output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    Plan plan = PlanCommand.observedPlan(repo, observed, server, output, spec);
    return plan == null ? Main.ERROR : output.emit(Report.drift(plan), spec.commandLine().getOut());
  }
}
