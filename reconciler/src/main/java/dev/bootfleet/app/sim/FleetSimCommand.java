package dev.bootfleet.app.sim;

import dev.bootfleet.adapters.agentclient.ServerClient;
import dev.bootfleet.adapters.fs.AtomicFiles;
import dev.bootfleet.app.agent.SimulatedAgent;
import dev.bootfleet.core.port.HostDriver;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
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
 * runs at most {@value #ENROLLING} at a time. Nothing on the machine it runs on is changed but its folder.
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
  static final int ENROLLING = 32;
  private static final JsonMapper JSON = JsonMapper.shared();

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
    ImageLookup lookup = problems.stream().anyMatch(p -> p.startsWith("--images ")) ? null : lookup(images);
    Set<String> unhealthy = new HashSet<>();
    for (String u : lookup == null ? List.<String>of() : unhealthyImages) {
      try {
        unhealthy.add(unhealthyDigest(u, lookup, arch));
      } catch (ImageLookup.PullFailed e) {
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
    List<Host> fleet;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Semaphore enrolling = new Semaphore(ENROLLING);
      List<Future<Host>> made = new ArrayList<>();
      for (String name : names) {
        made.add(pool.submit(() -> {
          enrolling.acquire();
          try {
            return host(name, shared, operator, lookup, unhealthy);
          } finally {
            enrolling.release();
          }
        }));
      }
      fleet = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      for (Future<Host> f : made) {
        try {
          fleet.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          failed.add(Text.oneLine(e.getCause().getMessage(), e.getCause().getClass().getSimpleName()));
        }
      }
      if (!failed.isEmpty()) {
        failed.stream().distinct().limit(20).forEach(p -> err.println("bootfleet: error: " + p));
        err.println("bootfleet: error: " + failed.size() + " of " + hosts + " simulated hosts could not start");
        err.flush();
        return 1;
      }
    }
    armFaults(fleet);
    if (events) {
      fleet.forEach(h -> h.bootc().listen(new EventLines()));
    }
    out.println("fleet simulator: " + hosts + " simulated hosts running (long poll, at least every " + intervalSeconds
        + " s)");
    out.flush();
    AtomicInteger running = new AtomicInteger(fleet.size());
    try (ExecutorService agents = Executors.newVirtualThreadPerTaskExecutor()) {
      Thread main = Thread.currentThread();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        agents.shutdownNow();
        main.interrupt();
      }));
      for (Host h : fleet) {
        agents.submit(() -> {
          String[] last = {null};
          try {
            while (true) {
              try {
                h.agent().run(line -> {
                  if (!line.equals(last[0])) {
                    last[0] = line;
                    say(h.bootc().name() + ": " + line);
                  }
                });
              } catch (RuntimeException e) {
                // an agent that dies is said, not lost (the executor would keep it quiet), and started again a
                // second later, as systemd restarts the agent's unit
                say(h.bootc().name() + ": the agent failed: " + failure(e) + "; starting it again");
                Thread.sleep(1000);
              }
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            running.decrementAndGet();
          }
          return null;
        });
      }
      agents.awaitTermination(Long.MAX_VALUE, java.util.concurrent.TimeUnit.DAYS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private record Host(MemoryBootc bootc, SimulatedAgent agent) {}

  /** Enrolls {@code name} and makes its simulated host and agent. */
  private Host host(String name, ServerClient shared, String operator, ImageLookup lookup, Set<String> unhealthy)
      throws Exception {
    ServerClient.Response r = shared.post("/v1/enrollments", JSON.createObjectNode().put("host", name)
        .put("ttlSeconds", 600).toString(), operator);
    if (r.status() != 201) {
      throw new IOException(shared.describe() + " refused to enroll " + name + " with the operator credential in "
          + operatorTokenFile + ": HTTP " + r.status());
    }
    String enrollment = r.json().path("token").asString("");
    ServerClient.Response own = shared.post("/v1/hosts/" + name + "/credential", "", enrollment);
    if (own.status() != 201) {
      throw new IOException(shared.describe() + " refused the enrollment token of " + name + ": HTTP " + own.status());
    }
    Path hostDir = Files.createDirectories(dir.resolve(name));
    Path token = hostDir.resolve("host.token");
    AtomicFiles.write(token, (own.json().path("token").asString("") + "\n").getBytes(StandardCharsets.UTF_8),
        AtomicFiles.Attributes.mode(0600));
    MemoryBootc bootc;
    try {
      bootc = new MemoryBootc(name, image, arch, lookup, this::staged);
    } catch (HostDriver.HostException e) {
      throw new IOException(e.getMessage());
    }
    PrintStream log = verbose ? new PrintStream(new Prefixed(name + ": "), true, StandardCharsets.UTF_8)
        : new PrintStream(OutputStream.nullOutputStream());
    MemoryBootc b = bootc;
    return new Host(bootc, new SimulatedAgent(name, shared.withCredential(token), bootc, bootc, hostDir,
        Duration.ofSeconds(intervalSeconds), rebootAnyTime, () -> healthy(b, unhealthy), log));
  }

  /** The image lookup {@code --images} names (checked already). */
  static ImageLookup lookup(String images) {
    return images.equals("demo") ? new DemoImages() : new SharedImageLookup(new RegistryImageLookup());
  }

  /** The image digest an {@code --unhealthy-image} names: the digest given, or the one its reference resolves to. */
  static String unhealthyDigest(String refOrDigest, ImageLookup lookup, String arch) throws ImageLookup.PullFailed {
    if (refOrDigest.matches("sha256:[0-9a-f]{64}")) {
      return refOrDigest;
    }
    return lookup.resolve(refOrDigest, "registry", arch).imageDigest();
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

  private void staged(MemoryBootc host) {
    String digest = host.stagedDigest();
    if (events) {
      say("staged " + host.name() + " " + digest + " " + System.currentTimeMillis());
    }
    if (stagedCounts.merge(digest, 1, Integer::sum) == hosts.intValue()) {
      say("fleet simulator: all " + hosts + " simulated hosts staged " + digest);
    }
  }

  /** An agent's unexpected failure in one line: the exception and where in bootfleet it was thrown. */
  static String failure(RuntimeException e) {
    StringBuilder b = new StringBuilder(e.getClass().getName() + ": " + e.getMessage());
    java.util.Arrays.stream(e.getStackTrace()).filter(f -> f.getClassName().startsWith("dev.bootfleet.")).limit(4)
        .forEach(f -> b.append(" at ").append(f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1))
            .append('.').append(f.getMethodName()).append(':').append(f.getLineNumber()));
    return b.toString().replace('\n', ' ');
  }

  /** Whether greenboot passes on {@code host} now; with --events, says the verdict once per boot. */
  private boolean healthy(MemoryBootc host, Set<String> unhealthy) {
    String digest = host.bootedDigest();
    boolean passes = !unhealthy.contains(digest);
    if (events && !host.bootId().equals(healthSaid.put(host.name(), host.bootId()))) {
      say("health " + host.name() + " " + digest + " " + (passes ? "healthy" : "failed") + " "
          + System.currentTimeMillis());
    }
    return passes;
  }

  /** The --events lines of reboots and rollbacks: 'rebooting HOST DIGEST MS', 'booted ...', 'rolled-back ...'. */
  private final class EventLines implements MemoryBootc.Events {
    @Override
    public void rebooted(MemoryBootc host, String from, String to) {
      long now = System.currentTimeMillis();
      say("rebooting " + host.name() + " " + from + " " + now);
      say("booted " + host.name() + " " + to + " " + now);
    }

    @Override
    public void rollbackQueued(MemoryBootc host, String from) {
      say("rolled-back " + host.name() + " " + from + " " + System.currentTimeMillis());
    }
  }

  private void armFaults(List<Host> fleet) {
    for (String f : faults) {
      String[] parts = f.split(":", 2);
      int n = parts.length == 2 ? Integer.parseInt(parts[1]) : fleet.size();
      for (Host h : fleet.subList(0, Math.min(n, fleet.size()))) {
        h.bootc().fault(parts[0], 1, 5);
      }
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

  /** A simulated host's agent log, each line prefixed with its name. */
  private final class Prefixed extends OutputStream {
    private final String prefix;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

    Prefixed(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public void write(int b) {
      if (b == '\n') {
        say(prefix + line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else {
        line.write(b);
      }
    }
  }
}
