// The server's incremental re-plan (core.server.Replanner) on a synthetic fleet: the first plan of every
// host, then a commit that changes one host's manifest, then one host's new report. Run by
// server-replan-bench.sh: java -cp bootfleet.jar bench/ReplanBench.java REPO OBSERVED
import dev.bootfleet.adapters.fs.ObservedDir;
import dev.bootfleet.adapters.git.WorkTreeFiles;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.manifest.FleetLoader;
import dev.bootfleet.core.server.Replanner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public class ReplanBench {
  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    Fleet fleet = FleetLoader.load(new WorkTreeFiles(Path.of(args[0])), FleetLoader.Options.DEFAULT);
    long t1 = System.nanoTime();
    var seen = ObservedDir.read(Path.of(args[1]));
    Map<String, Replanner.Observed> observed = new HashMap<>();
    seen.observations().forEach((h, o) -> observed.put(h, new Replanner.Observed(o, "r0:" + h)));
    Replanner r = new Replanner(Clock.systemUTC());
    long t2 = System.nanoTime();
    Replanner.Result full = r.update(Replanner.State.EMPTY, fleet, observed);
    long t3 = System.nanoTime();
    System.out.printf("hosts %d, load %.0f ms, first plan of every host %.0f ms (%d planned)%n", fleet.hosts().size(),
        (t1 - t0) / 1e6, (t3 - t2) / 1e6, full.replanned().size());
    Replanner.State state = full.state();
    String one = fleet.hosts().get(fleet.hosts().size() / 2).name();
    int runs = 21;
    double[] commit = new double[runs];
    double[] report = new double[runs];
    for (int i = 0; i < runs; i++) {
      Fleet changed = withLabel(fleet, one, "v" + i);
      long a = System.nanoTime();
      Replanner.Result c = r.update(state, changed, observed);
      commit[i] = (System.nanoTime() - a) / 1e6;
      check(c, one);
      state = c.state();
      observed.put(one, new Replanner.Observed(observed.get(one).observation(), "r" + (i + 1) + ":" + one));
      long b = System.nanoTime();
      Replanner.Result rep = r.update(state, changed, observed);
      report[i] = (System.nanoTime() - b) / 1e6;
      check(rep, one);
      state = rep.state();
    }
    System.out.printf("one-host commit: re-plan median %.1f ms, max %.1f ms (1 host planned, %d runs)%n",
        median(commit), Arrays.stream(commit).max().getAsDouble(), runs);
    System.out.printf("one host's report: re-plan median %.1f ms, max %.1f ms%n", median(report),
        Arrays.stream(report).max().getAsDouble());
  }

  static void check(Replanner.Result r, String host) {
    if (!r.replanned().equals(java.util.Set.of(host))) {
      throw new AssertionError("planned " + r.replanned().size() + " hosts, expected only " + host);
    }
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  static Fleet withLabel(Fleet f, String host, String value) {
    List<DesiredHost> hosts = new ArrayList<>();
    for (DesiredHost h : f.hosts()) {
      if (h.name().equals(host)) {
        Map<String, String> labels = new HashMap<>(h.labels());
        labels.put("bench", value);
        h = new DesiredHost(h.name(), labels, h.image(), h.etc(), h.kargs(), h.driver(), h.packages(), h.flatpak(),
            h.groups(), h.file());
      }
      hosts.add(h);
    }
    return new Fleet(f.revision() + value, hosts, f.problems(), f.images(), f.groups(), f.declaredHosts(), f.sources());
  }
}
