package dev.bootfleet.app.cli;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.manifest.Provenance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** {@code bootfleet show host NAME}: a host's merged desired state, and which group or host gave each value. */
@Command(name = "show", mixinStandardHelpOptions = true, subcommands = ShowCommand.HostCommand.class,
    description = "Show what Git says: 'show host NAME' prints a host's merged desired state.")
final class ShowCommand implements Runnable {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing what to show (expected host NAME)");
  }

  @Command(name = "host", mixinStandardHelpOptions = true,
      description = {"Print a host's desired state after its groups are merged: every value, and the group or"
          + " host manifest (file and line) that gave it, as 'helm get values --all' or 'terraform show' would."})
  static final class HostCommand implements Callable<Integer> {
    enum Format { text, json }

    @Parameters(paramLabel = "NAME", description = "The host's metadata.name.")
    String name;

    @Mixin
    RepoOptions repo;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
        description = "text or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Override
    public Integer call() {
      Fleet fleet = repo.load(repo.rev);
      DesiredHost host = fleet.host(name).orElse(null);
      if (host == null) {
        // Its problems say why it cannot be shown; without any, it is not declared.
        var err = spec.commandLine().getErr();
        fleet.problems().stream().filter(p -> p.isError()).forEach(p -> err.println(p.format()));
        err.flush();
        throw new UserError("show host " + name + ": " + (fleet.hasErrors()
            ? "no such host without errors in " + fleet.revision() + " (the errors above)"
            : "no such host in " + fleet.revision() + " (expected one of: "
                + String.join(", ", fleet.hosts().stream().map(DesiredHost::name).toList()) + ")"));
      }
      List<Provenance> values = fleet.sources(name);
      var out = spec.commandLine().getOut();
      if (format == Format.json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", host.name());
        doc.put("file", host.file());
        doc.put("revision", fleet.revision());
        doc.put("labels", new TreeMap<>(host.labels()));
        doc.put("groups", host.groups());
        doc.put("values", values);
        out.println(JSON.writeValueAsString(doc));
      } else {
        out.println("Host " + host.name() + " (" + host.file() + ") at " + fleet.revision());
        out.println("labels: " + String.join(", ", new TreeMap<>(host.labels()).entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).toList()));
        out.println("groups: " + (host.groups().isEmpty() ? "none" : String.join(", ", host.groups()))
            + " (lowest priority first; the host's own values win)");
        out.println();
        int field = Math.max(5, values.stream().mapToInt(v -> v.field().length()).max().orElse(0));
        int value = Math.max(5, values.stream().mapToInt(v -> v.value().length()).max().orElse(0));
        String row = "%-" + field + "s  %-" + value + "s  %s%n";
        out.printf(row, "FIELD", "VALUE", "FROM");
        values.forEach(v -> out.printf(row, v.field(), v.value(), v.from()));
      }
      out.flush();
      return Main.OK;
    }
  }
}
