package dev.bootfleet.app.agent;

import dev.bootfleet.testing.FlatpakRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets up the host side of bench/agent-bench.sh {@code --flatpaks N}: builds N apps ({@code
 * org.bootfleet.Bench1..N}) into a {@link FlatpakRepo} with real flatpak, writes a {@code .flatpakrepo}
 * file for it (no {@code GPGKey}: the test repository is not signed; the form the agent adds unchanged,
 * see RpmOstreeAgentIT), adds the remote {@code bench} from that file and installs all N apps into the
 * fixture's USER installation. Then it writes, into {@code OUT}, what the script splices into the host
 * manifest and the agent's configuration, and leaves the repository in place (it lives under {@code
 * java.io.tmpdir}, which the script points into its own temporary folder and removes).
 *
 * <ul>
 *   <li>{@code flatpak-spec.yaml}: the manifest's {@code flatpak:} block (the remote, all N apps, {@code
 *       installation: user}), indented for {@code spec:};
 *   <li>{@code flatpak-agent.yaml}: the agent's {@code flatpak:} command, {@code /usr/bin/env} with
 *       {@link FlatpakRepo#env()}'s variables, then flatpak.
 * </ul>
 *
 * <pre>java -Djava.io.tmpdir=WORK -cp bootfleet.jar:test-classes dev.bootfleet.app.agent.AgentFlatpakBenchSetup N OUT</pre>
 */
public final class AgentFlatpakBenchSetup {
  private AgentFlatpakBenchSetup() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: AgentFlatpakBenchSetup APPS OUT");
      System.exit(2);
    }
    int apps = Integer.parseInt(args[0]);
    Path out = Files.createDirectories(Path.of(args[1]));
    FlatpakRepo repo = FlatpakRepo.create(); // not closed: the agent uses it; the script removes it
    long t0 = System.nanoTime();
    repo.apps("org.bootfleet.Bench", apps);
    long built = System.nanoTime();
    String remoteUrl = repo.repoFileUrl();
    repo.flatpak("remote-add", "--user", "--if-not-exists", "bench", remoteUrl);
    List<String> install = new ArrayList<>(List.of("install", "--user", "--noninteractive", "-y", "bench"));
    StringBuilder spec = new StringBuilder("  flatpak:\n    remotes:\n      - {name: bench, url: \"" + remoteUrl
        + "\", installation: user}\n    apps:\n");
    for (int i = 1; i <= apps; i++) {
      install.add(repo.ref("org.bootfleet.Bench" + i));
      spec.append("      - {id: org.bootfleet.Bench").append(i).append(", remote: bench, installation: user}\n");
    }
    if (apps > 0) {
      repo.flatpak(install.toArray(String[]::new));
    }
    long installed = System.nanoTime();
    String listed = repo.flatpak("list", "--user", "--app", "--columns=application");
    long count = listed.lines().filter(l -> l.startsWith("org.bootfleet.Bench")).count();
    if (count != apps) {
      throw new IllegalStateException("installed " + count + " apps, expected " + apps + ":\n" + listed);
    }
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/env"));
    repo.env().forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.add(FlatpakRepo.binary().toString());
    Files.writeString(out.resolve("flatpak-spec.yaml"), spec.toString());
    Files.writeString(out.resolve("flatpak-agent.yaml"), "flatpak: [" + String.join(", ", cmd) + "]\n");
    System.out.printf("flatpak: built %d apps in %.1f s, installed them into %s in %.1f s%n", apps,
        (built - t0) / 1e9, repo.userDir(), (installed - built) / 1e9);
  }
}
