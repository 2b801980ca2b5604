package dev.bootfleet.app.agent;

import dev.bootfleet.adapters.flatpak.FlatpakCli;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.FlatpakApp;
import dev.bootfleet.core.manifest.FlatpakInstallation;
import dev.bootfleet.core.manifest.FlatpakRemote;
import dev.bootfleet.core.manifest.Flatpaks;
import dev.bootfleet.core.observed.FlatpakState;
import dev.bootfleet.testing.FlatpakRepo;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's per-cycle Flatpak cost on a host with N apps: builds N apps into a {@link FlatpakRepo},
 * installs them into its user installation, then times {@link FlatpakApplier#observe} (wall, and CPU
 * of this JVM plus the flatpak processes it waited for, from /proc/self/stat). Run by
 * bench/flatpak-bench.sh; prints one line per run and a summary.
 *
 * <pre>java -cp bootfleet.jar:test-classes dev.bootfleet.app.agent.FlatpakObserveBench [apps] [runs]</pre>
 */
public final class FlatpakObserveBench {
  private FlatpakObserveBench() {}

  public static void main(String[] args) throws Exception {
    int apps = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    try (FlatpakRepo repo = FlatpakRepo.create()) {
      long t0 = System.nanoTime();
      repo.apps("org.bootfleet.Bench", apps);
      long built = System.nanoTime();
      repo.flatpak("remote-add", "--user", "--no-gpg-verify", "bench", repo.url()); // unsigned test repository
      List<String> install = new ArrayList<>(List.of("install", "--user", "--noninteractive", "-y", "bench"));
      List<FlatpakApp> declared = new ArrayList<>();
      for (int i = 1; i <= apps; i++) {
        install.add(repo.ref("org.bootfleet.Bench" + i));
        declared.add(new FlatpakApp("org.bootfleet.Bench" + i, null, "stable", "bench", FlatpakInstallation.USER,
            null, false));
      }
      repo.flatpak(install.toArray(String[]::new));
      long installed = System.nanoTime();
      System.out.printf("setup: built %d apps in %.1f s, installed them in %.1f s%n", apps, (built - t0) / 1e9,
          (installed - built) / 1e9);

      DesiredHost d = EtcKillDrill.desired(0);
      DesiredHost want = new DesiredHost(d.name(), d.labels(), d.image(), d.etc(), d.kargs(), d.driver(), d.packages(),
          new Flatpaks(List.of(new FlatpakRemote("bench", repo.url(), FlatpakInstallation.USER)), declared),
          d.groups(), d.file());
      FlatpakCli cli = new FlatpakCli(List.of(FlatpakRepo.binary().toString()), repo.env(), Duration.ofMinutes(2));
      FlatpakApplier applier = new FlatpakApplier(cli);
      List<Double> walls = new ArrayList<>();
      List<Double> cpus = new ArrayList<>();
      for (int r = 0; r <= runs; r++) { // run 0 warms the JVM up and is not counted
        CycleReport rep = new CycleReport("bench", Instant.EPOCH, "boot", new PrintStream(OutputStream.nullOutputStream()));
        long cpu0 = cpuTicks();
        long w0 = System.nanoTime();
        FlatpakState s = applier.observe(want, rep);
        long w1 = System.nanoTime();
        long cpu1 = cpuTicks();
        if (s == null || s.apps().size() != apps || !rep.problems().isEmpty()) {
          throw new IllegalStateException("observe saw " + (s == null ? "nothing" : s.apps().size() + " apps") + ": "
              + rep.problems());
        }
        double wall = (w1 - w0) / 1e6;
        double cpu = (cpu1 - cpu0) * 1000.0 / 100; // USER_HZ = 100
        System.out.printf("run %d: %d apps, wall %.0f ms, cpu %.0f ms%s%n", r, s.apps().size(), wall, cpu,
            r == 0 ? " (warm-up, not counted)" : "");
        if (r > 0) {
          walls.add(wall);
          cpus.add(cpu);
        }
      }
      walls.sort(null);
      cpus.sort(null);
      System.out.printf("observe, %d apps, %d runs: wall median %.0f ms (min %.0f, max %.0f); cpu median %.0f ms"
          + " (min %.0f, max %.0f)%n", apps, runs, walls.get(runs / 2), walls.get(0), walls.get(runs - 1),
          cpus.get(runs / 2), cpus.get(0), cpus.get(runs - 1));

      // For comparison: the documented one-process-per-app way (flatpak info --show-commit for each app).
      long cpu0 = cpuTicks();
      long w0 = System.nanoTime();
      for (FlatpakApp a : declared) {
        cli.commitOf(FlatpakInstallation.USER, repo.ref(a.id()));
      }
      System.out.printf("for comparison, %d x flatpak info --show-commit: wall %.0f ms, cpu %.0f ms%n", apps,
          (System.nanoTime() - w0) / 1e6, (cpuTicks() - cpu0) * 10.0);
    }
  }

  /** utime + stime + cutime + cstime of this process, in clock ticks (children: those waited for). */
  private static long cpuTicks() throws Exception {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields 14-17 of proc(5), counted from the state field (3)
    return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }
}
