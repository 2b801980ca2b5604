package dev.bootfleet.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bootfleet init DIR}: a starter fleet that validates as it is. Written into a temporary folder
 * beside DIR and renamed into place, so an interrupted run leaves either nothing or the whole fleet.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
    description = {"Write a starter fleet repository into DIR (new, or an empty folder): one group that sets"
        + " the image and an /etc file for its hosts, and one host. It validates as it is; edit the image"
        + " reference, then run 'bootfleet pin --repo DIR' to pin it by digest."})
final class InitCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DIR", description = "The folder to create (or an empty one).")
  Path dir;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  /** The starter fleet: path and text, in the order they are listed. */
  static final Map<String, String> FILES = starter();

  private static Map<String, String> starter() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("groups/web.yaml", """
        # Every host labelled role: web gets this image and these /etc files (README.md, "Manifests").
        apiVersion: bootfleet.dev/v1alpha1
        kind: HostGroup
        metadata:
          name: web
        spec:
          selector:
            matchLabels:
              role: web
          priority: 10
          image:
            ref: quay.io/fedora/fedora-bootc:42   # bootfleet pin --repo . adds the digest
          etc:
            - path: /etc/motd
              source: ../files/motd
        """);
    m.put("hosts/web-01.yaml", """
        # One host: its name is what its agent asks for; its labels choose its groups.
        apiVersion: bootfleet.dev/v1alpha1
        kind: Host
        metadata:
          name: web-01
          labels:
            role: web
        spec: {}
        """);
    m.put("files/motd", """
        Managed by bootfleet: changes made here are overwritten.
        """);
    return m;
  }

  @Override
  public Integer call() throws IOException {
    Path target = dir.toAbsolutePath().normalize();
    if (Files.exists(target) && !Files.isDirectory(target)) {
      throw new UserError("init " + dir + ": not a folder (expected a new or empty folder)");
    }
    if (Files.isDirectory(target)) {
      try (Stream<Path> in = Files.list(target)) {
        if (in.findAny().isPresent()) {
          throw new UserError("init " + dir + ": the folder is not empty (expected a new or empty folder)");
        }
      }
    }
    Path parent = target.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new UserError("init " + dir + ": the folder " + parent + " does not exist");
    }
    Path staging = Files.createTempDirectory(parent, "." + target.getFileName() + ".bootfleet-init-");
    try {
      for (var f : FILES.entrySet()) {
        Path p = staging.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.getValue());
      }
      // rename(2) replaces an empty folder and refuses one that filled up in the meantime.
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      dev.bootfleet.adapters.fs.Trees.deleteQuietly(staging);
      throw new UserError("init " + dir + ": cannot write: " + e.getMessage());
    }
    var out = spec.commandLine().getOut();
    out.println("Wrote a starter fleet to " + dir + ": " + String.join(", ", FILES.keySet()) + ".");
    out.println("Next: bootfleet validate --repo " + dir);
    out.flush();
    return Main.OK;
  }
}
