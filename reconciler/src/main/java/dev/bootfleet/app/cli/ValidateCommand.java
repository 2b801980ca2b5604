package dev.bootfleet.app.cli;

import dev.bootfleet.adapters.git.FleetRepos;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.render.GitHubAnnotations;
import dev.bootfleet.core.render.GitLabCodeQuality;
import dev.bootfleet.core.text.Text;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Check every manifest of the fleet repository: the JSON Schemas, image references and "
        + "digests, /etc paths, source files, and group conflicts.",
        "Prints every problem, one line each (file:line:col: error: field: message). Exit 1 on any error."})
final class ValidateCommand implements Callable<Integer> {
  enum Format { text, github, gitlab }

  @Mixin
  RepoOptions repo;

  @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
      description = "text: one line per problem on standard error. github: GitHub Actions workflow commands "
          + "on standard output, which show each problem on the pull request's diff. gitlab: a GitLab Code "
          + "Quality report on standard output (the summary goes to standard error), which shows each on the "
          + "merge request's diff. (default: ${DEFAULT-VALUE}).")
  Format format;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    Fleet fleet = repo.load(repo.rev);
    var out = spec.commandLine().getOut();
    boolean errors = fleet.hasErrors();
    switch (format) {
      case text -> RepoOptions.report(fleet, spec.commandLine().getErr());
      case github -> fleet.problems().forEach(p -> out.println(GitHubAnnotations.line(p,
          p.file().isEmpty() ? "" : workspacePath(p.file()))));
      case gitlab -> {
        out.print(GitLabCodeQuality.render(fleet.problems(), this::workspacePath));
        out.flush();
      }
    }
    long e = fleet.problems().stream().filter(Problem::isError).count();
    long w = fleet.problems().size() - e;
    // With gitlab, standard output is the report alone (for "> gl-code-quality-report.json").
    var summary = format == Format.gitlab ? spec.commandLine().getErr() : out;
    summary.println((errors ? "invalid: " : "valid: ") + Text.count(fleet.declaredHosts(), "host", "hosts") + ", "
        + Text.count(e, "error", "errors") + ", " + Text.count(w, "warning", "warnings") + " (" + fleet.revision() + ")");
    summary.flush();
    return errors ? Main.ERROR : Main.OK;
  }

  /**
   * A problem's file as a workflow names it: relative to the working folder (the workspace, where the
   * job checked the repository out) when --repo is a folder below it; else as the fleet names it.
   */
  private String workspacePath(String file) {
    if (FleetRepos.isUrl(repo.repo)) {
      return file;
    }
    Path cwd = Path.of("").toAbsolutePath().normalize();
    Path abs = cwd.resolve(repo.repo).normalize().resolve(file).normalize();
    if (!abs.startsWith(cwd)) {
      return file;
    }
    String rel = cwd.relativize(abs).toString();
    return file.isEmpty() && rel.isEmpty() ? "." : rel; // "": a problem of the whole repository
  }
}
