package dev.bootfleet.app.sim;

import dev.bootfleet.adapters.agentclient.ServerClient;
import dev.bootfleet.app.agent.SimulatedAgent;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bootfleet sim fleet}: a FLEET SIMULATOR for tests, benchmarks and demos. N simulated hosts in
 * one process, each enrolled with the server through its API (the operator's credential asks for an
 * enrollment token, the host exchanges it for its own credential) and each run by the real agent in
 * server mode ({@link SimulatedAgent}: long poll, reports, backoff) over an in-memory bootc simulator
 * ({@link MemoryBootc}, bootc-sim's semantics and faults). One virtual thread per host; enrollment
 * runs at most {@value SimulatedFleet#ENROLLING} at a time. Nothing on the machine it runs on is changed but its folder.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run a FLEET SIMULATOR: N simulated bootc hosts in this process, each enrolled with the server"
        + " and run by the real agent in server mode over an in-memory bootc simulator (bootc-sim's semantics and"
        + " faults). For tests, benchmarks and demos; it changes nothing on this machine but --dir.",
        "Hosts are named PREFIX-001 ... PREFIX-N (zero-padded to the width of N, at least 3 digits), or as --names"
            + " lists them; the fleet repository must declare them. Each runs greenboot's health check after a boot"
            + " into a new image (it fails on an --unhealthy-image) and asks the server for a reboot lease before it"
            + " reboots. Runs until stopped."},
    footer = {"", "Prints 'staged HOST DIGEST EPOCH_MS' as each simulated host stages an image (with --events; also its"
        + " reboots, rollbacks and health verdicts), and"
        + " 'fleet simulator: all N simulated hosts staged DIGEST' when every host has."})
final class FleetSimCommand implements Callable<Integer> {

  @Option(names = "--server", required = true, paramLabel = "URL", description = "The reconciler server, e.g."
      + " http://127.0.0.1:8080.")
  URI server;

  @Option(names = "--hosts", paramLabel = "N", description = "How many simulated hosts (1 to 100000); or --names.")
  Integer hosts;

  @Option(names = "--names", split = ",", paramLabel = "NAME", description = "The simulated hosts' names, e.g."
      + " web-01,web-02 (instead of --hosts and --prefix).")
  List<String> names = new ArrayList<>();

  @Option(names = "--prefix", defaultValue = "sim", paramLabel = "NAME", description = "The hosts' name prefix"
      + " (default: ${DEFAULT-VALUE}).")
  String prefix;

  @Option(names = "--operator-token-file", required = true, paramLabel = "FILE", description = "The operator"
      + " credential the hosts are enrolled with (the server writes one to DATA/operator.token).")
  Path operatorTokenFile;

  @Option(names = "--ca", paramLabel = "FILE", description = "PEM certificates to trust for an https server.")
  Path ca;

  @Option(names = "--image", required = true, paramLabel = "REF", description = "The image every simulated host"
      + " booted at the start (looked up in its registry).")
  String image;

  @Option(names = "--images", defaultValue = "registry", paramLabel = "SOURCE", description = "Where images are"
      + " looked up: registry (the image's own registry) or demo (the demo's fixed in-memory catalog, "
      + DemoImages.REPOSITORY + ":1.0, :1.1 and :1.2-broken; no registry needed). Default: ${DEFAULT-VALUE}.")
  String images;

  @Option(names = "--unhealthy-image", paramLabel = "REF_OR_DIGEST", description = "An image whose greenboot"
      + " health check fails on a simulated host that boots it: its digest (sha256:...) or a reference, looked up"
      + " as hosts look it up; repeatable. Every other image is healthy.")
  List<String> unhealthyImages = new ArrayList<>();

  @Option(names = "--arch", defaultValue = "amd64", paramLabel = "ARCH", description = "The hosts' architecture"
      + " (default: ${DEFAULT-VALUE}).")
  String arch;

  @Option(names = "--dir", paramLabel = "DIR", description = "Where the simulated hosts keep their agent state,"
      + " reports and /etc (default: a new temporary folder).")
  Path dir;

  @Option(names = "--interval-seconds", defaultValue = "300", paramLabel = "S", description = "A host's cycle"
      + " interval when its target does not change (default: ${DEFAULT-VALUE}).")
  int intervalSeconds;

  @Option(names = "--reboot-any-time", description = "No local maintenance window: reboot (simulated) once an image"
      + " is staged and the server grants a reboot lease (its rollout still decides when); by default hosts stage"
      + " and wait for a daily maintenance window twelve hours away.")
  boolean rebootAnyTime;

  @Option(names = "--fault", paramLabel = "FAULT[:HOSTS]", description = "Arm a bootc-sim fault (switch-fails,"
      + " lose-staged, bootloader-fallback, explicit-rollback, slow-download) on the first HOSTS hosts (default:"
      + " all); repeatable.")
  List<String> faults = new ArrayList<>();

  @Option(names = "--events", description = "Print a line per event of a host, each ending in EPOCH_MS: 'staged HOST"
      + " DIGEST', 'rebooting HOST DIGEST' (the digest it booted) then 'booted HOST DIGEST', 'rolled-back HOST DIGEST'"
      + " (bootc rollback queued, from the digest booted) and 'health HOST DIGEST healthy|failed' (greenboot's"
      + " verdict, once per boot).")
  boolean events;

  @Option(names = "--verbose", description = "Print every agent's cycle log (long).")
  boolean verbose;

  @Spec
  CommandLine.Model.CommandSpec spec;

  private final Map<String, Integer> stagedCounts = new ConcurrentHashMap<>();
  /** The boot each host last said its health verdict in (--events). */
  private final Map<String, String> healthSaid = new ConcurrentHashMap<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> problems = check();
    SimulatedFleet.Lookup lookup = SimulatedFleet.lookup(images);
    Set<String> unhealthy = new HashSet<>();
    for (String u : lookup == null ? List.<String>of() : unhealthyImages) {
      try {
        unhealthy.add(SimulatedFleet.unhealthyDigest(u, lookup, arch));
      } catch (IOException e) {
        problems.add("--unhealthy-image " + u + ": cannot be looked up (" + e.getMessage() + "; expected a digest"
            + " sha256:<64 hex> or an image the hosts can pull)");
      }
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("bootfleet: error: " + p));
      err.flush();
      return 1;
    }
    String operator = Files.readString(operatorTokenFile, StandardCharsets.UTF_8).strip();
    if (dir == null) {
      dir = Files.createTempDirectory("bootfleet-sim-fleet-");
    }
    ServerClient shared = new ServerClient(server, null, ca, Duration.ofSeconds(10), Duration.ofSeconds(30));
    List<String> names = names();
    hosts = names.size();
    out.println("fleet simulator: enrolling " + hosts + " simulated hosts with " + shared.describe() + "; their"
        + " folders are in " + dir);
    out.flush();
    SimulatedFleet fleet;
    try {
      fleet = SimulatedFleet.enroll(new SimulatedFleet.Settings(shared, operator, "in " + operatorTokenFile, names,
          image, arch, lookup, unhealthy, dir, Duration.ofSeconds(intervalSeconds), rebootAnyTime, verbose, events),
          this::say, this::staged);
    } catch (IOException e) {
      e.getMessage().lines().forEach(l -> err.println("bootfleet: error: " + l));
      err.flush();
      return 1;
    }
    for (String f : faults) {
      String[] parts = f.split(":", 2);
      fleet.fault(parts[0], parts.length == 2 ? Integer.parseInt(parts[1]) : fleet.size());
    }
    out.println("fleet simulator: " + hosts + " simulated hosts running (long poll, at least every " + intervalSeconds
        + " s)");
    out.flush();
    Thread main = Thread.currentThread();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      fleet.close();
      main.interrupt();
    }));
    fleet.start();
    try {
      fleet.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** The hosts' names: --names, or PREFIX-001 ... PREFIX-N. */
  List<String> names() {
    if (!names.isEmpty()) {
      return List.copyOf(names);
    }
    int width = Math.max(3, String.valueOf(hosts).length());
    List<String> made = new ArrayList<>();
    for (int i = 1; i <= hosts; i++) {
      made.add(prefix + "-" + String.format("%0" + width + "d", i));
    }
    return made;
  }

  private void staged(String host, String digest) {
    if (events) {
      say("staged " + host + " " + digest + " " + System.currentTimeMillis());
    }
    if (stagedCounts.merge(digest, 1, Integer::sum) == hosts.intValue()) {
      say("fleet simulator: all " + hosts + " simulated hosts staged " + digest);
    }
  }

  private synchronized void say(String line) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(line);
    out.flush();
  }

  /** Every problem with the options, each one line. */
  List<String> check() {
    List<String> p = new ArrayList<>();
    if (hosts == null && names.isEmpty()) {
      p.add("no hosts: expected --hosts N or --names NAME,NAME...");
    } else if (hosts != null && !names.isEmpty()) {
      p.add("--hosts " + hosts + " and --names: expected one of them");
    }
    if (hosts != null && (hosts < 1 || hosts > 100_000)) {
      p.add("--hosts " + hosts + ": expected 1 to 100000");
    }
    if (names.size() > 100_000) {
      p.add("--names: " + names.size() + " names, expected 1 to 100000");
    }
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      if (!dev.bootfleet.core.manifest.ManifestShape.isDnsName(n)) {
        p.add("--names " + n + ": not a host name (expected lower-case letters, digits, '-' and '.')");
      } else if (!seen.add(n)) {
        p.add("--names " + n + ": named twice (expected each host once)");
      }
    }
    if (!dev.bootfleet.core.manifest.ManifestShape.isDnsName(prefix + "-1")) {
      p.add("--prefix " + prefix + ": not the start of a host name (expected lower-case letters, digits and '-')");
    }
    if (!images.equals("registry") && !images.equals("demo")) {
      p.add("--images " + images + ": expected registry or demo");
    }
    if (operatorTokenFile != null && !Files.isReadable(operatorTokenFile)) {
      p.add("--operator-token-file " + operatorTokenFile + ": cannot read (expected the operator credential, e.g."
          + " DATA/operator.token)");
    }
    String scheme = server == null ? null : server.getScheme();
    if (server != null && (scheme == null || !(scheme.equals("http") || scheme.equals("https"))
        || server.getHost() == null)) {
      p.add("--server " + server + ": not a server URL (expected http://HOST:PORT or https://HOST:PORT)");
    }
    if (intervalSeconds < 1) {
      p.add("--interval-seconds " + intervalSeconds + ": expected 1 or more");
    }
    for (String f : faults) {
      String[] parts = f.split(":", 2);
      if (!List.of("switch-fails", "lose-staged", "bootloader-fallback", "explicit-rollback", "slow-download")
          .contains(parts[0]) || parts.length == 2 && !parts[1].matches("[1-9][0-9]{0,5}")) {
        p.add("--fault " + f + ": expected FAULT or FAULT:HOSTS (switch-fails, lose-staged, bootloader-fallback,"
            + " explicit-rollback or slow-download; HOSTS a count)");
      }
    }
    return p;
  }
}
