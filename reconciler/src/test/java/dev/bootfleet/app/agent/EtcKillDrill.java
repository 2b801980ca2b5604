package dev.bootfleet.app.agent;

import dev.bootfleet.adapters.fs.EtcTree;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.EtcFile;
import dev.bootfleet.core.manifest.FileContent;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.ImageSpec;
import dev.bootfleet.core.manifest.Kargs;
import dev.bootfleet.core.manifest.Transport;
import dev.bootfleet.core.observed.BootEntry;
import dev.bootfleet.core.observed.ImageReference;
import dev.bootfleet.core.observed.ImageStatus;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.plan.Observation;
import dev.bootfleet.core.plan.Planner;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agent's /etc path in a loop, for {@link EtcKillIT}: the same {@link EtcApplier} and {@link StateStore}
 * as a cycle, flipping four files between two versions until it is killed. Prints {@code ready} after
 * the first full round, and {@code apply} just before each later round writes, so that a test can aim a
 * kill at the writes. {@code --once} does one round and exits (the cleanup a restarted agent does).
 */
public final class EtcKillDrill {
  static final String REF = "quay.io/example/os@sha256:" + "a".repeat(64);
  /**
   * The managed files: a big one, a secret, one in a subfolder, and 28 small ones so that writing takes
   * long enough, against the rest of a round, for kills aimed at it to land inside it.
   */
  static final List<String> PATHS = paths();

  private EtcKillDrill() {}

  private static List<String> paths() {
    List<String> p = new ArrayList<>(List.of("/etc/drill/a.conf", "/etc/drill/big.bin", "/etc/drill/sub/c.conf",
        "/etc/drill/secret.conf"));
    for (int i = 0; i < 28; i++) {
      p.add("/etc/drill/many/" + i + ".conf");
    }
    return List.copyOf(p);
  }

  /** The content of {@code path} in version 0 or 1: distinct per file and version, the big one 256 KiB. */
  static byte[] content(String path, int version) {
    String unit = path + " version " + (version == 0 ? "A" : "B") + "\n";
    int size = path.endsWith(".bin") ? 256 * 1024 : 4096 + 37 * version;
    StringBuilder b = new StringBuilder(size + unit.length());
    while (b.length() < size) {
      b.append(unit);
    }
    return b.substring(0, size).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  static DesiredHost desired(int version) {
    List<EtcFile> files = new ArrayList<>();
    for (String p : PATHS) {
      files.add(new EtcFile(p, false, FileContent.of(content(p, version)), p.contains("secret") ? 0600 : 0644, "root",
          "root", "host drill"));
    }
    return new DesiredHost("drill", Map.of(), new ImageSpec(REF, Transport.REGISTRY, false, ImageRef.parse(REF)),
        files, Kargs.NONE, List.of(), "hosts/drill.yaml");
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    Path stateDir = Path.of(args[1]);
    boolean once = args.length > 2 && args[2].equals("--once");
    EtcApplier applier = new EtcApplier(new EtcTree(root), AgentConfig.LocalChanges.OVERWRITE);
    StateStore store = new StateStore(stateDir);
    Planner planner = new Planner(Clock.systemUTC());
    ImageStatus image = new ImageStatus(new ImageReference(REF, "registry", null), null, null,
        "sha256:" + "b".repeat(64), "amd64");
    ObservedHost host = new ObservedHost("org.containers.bootc/v1", null, "default", null,
        new BootEntry(image, null, false, false, false, false, null, null, null), null, List.of(), false, "bootcHost",
        null, false);
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    for (int i = 0; ; i++) {
      DesiredHost want = desired(i % 2);
      AgentState st = store.load().state();
      store.removeStale();
      CycleReport rep = new CycleReport("drill", java.time.Instant.now(), "boot", quiet);
      applier.cleanUp(want, st, rep);
      EtcApplier.Observed obs = applier.observe("drill", want, st, rep);
      HostPlan plan = planner.planHost(want, new Observation(host, obs.report()));
      if (i > 0 && !once) {
        System.out.println("apply");
        System.out.flush();
      }
      applier.apply(plan, want, st, obs, store, rep);
      if (!rep.problems().isEmpty()) {
        System.out.println("problem " + rep.problems());
      }
      if (once) {
        return;
      }
      if (i == 0) {
        System.out.println("ready");
        System.out.flush();
      }
    }
  }
}
