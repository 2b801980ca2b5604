package dev.bootfleet.app.cli;

import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.manifest.Problem;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Check every manifest of the fleet repository: the JSON Schemas, image references and "
        + "digests, /etc paths, source files, and group conflicts.",
        "Prints every problem, one line each (file:line:col: error: field: message). Exit 1 on any error."})
final class ValidateCommand implements Callable<Integer> {
  @Mixin
  RepoOptions repo;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    Fleet fleet = repo.load(repo.rev);
    var err = spec.commandLine().getErr();
    boolean errors = RepoOptions.report(fleet, err);
    long e = fleet.problems().stream().filter(Problem::isError).count();
    long w = fleet.problems().size() - e;
    var out = spec.commandLine().getOut();
    out.println((errors ? "invalid: " : "valid: ") + fleet.hosts().size() + " hosts, " + e
        + (e == 1 ? " error, " : " errors, ") + w + (w == 1 ? " warning" : " warnings") + " (" + fleet.revision() + ")");
    out.flush();
    return errors ? Main.ERROR : Main.OK;
  }
}
