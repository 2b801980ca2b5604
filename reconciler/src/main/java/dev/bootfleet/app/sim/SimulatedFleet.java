package dev.bootfleet.app.sim;

import dev.bootfleet.adapters.agentclient.ServerClient;
import dev.bootfleet.adapters.fs.AtomicFiles;
import dev.bootfleet.app.agent.SimulatedAgent;
import dev.bootfleet.core.port.HostDriver;
import dev.bootfleet.core.text.Text;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simulated hosts of {@code bootfleet sim fleet} and {@code bootfleet demo}: each enrolled with the server
 * through its API (the operator's credential asks for an enrollment token, the host exchanges it for its own
 * credential), each an in-memory bootc host ({@link MemoryBootc}) run by the real agent in server mode ({@link
 * SimulatedAgent}), one virtual thread per host once {@link #start}ed. Enrollment runs at most {@value #ENROLLING}
 * at a time. {@link #close} stops every agent.
 */
public final class SimulatedFleet implements AutoCloseable {
  static final int ENROLLING = 32;
  private static final JsonMapper JSON = JsonMapper.shared();

  /**
   * What the fleet is made of.
   *
   * @param operatorSource where the operator credential came from, for errors (never the credential)
   * @param lookup how hosts look images up ({@link #lookup})
   * @param unhealthy the image digests whose greenboot check fails ({@link #unhealthyDigest})
   * @param dir the hosts' folders (agent state, reports, /etc, host credential)
   * @param events whether to say each reboot, rollback and greenboot verdict as a line ({@code sim fleet --events}:
   *     'rebooting HOST DIGEST MS', 'booted …', 'rolled-back …', 'health HOST DIGEST healthy|failed MS')
   */
  public record Settings(ServerClient server, String operator, String operatorSource, List<String> names,
      String image, String arch, Lookup lookup, Set<String> unhealthy, Path dir, Duration interval,
      boolean rebootAnyTime, boolean verbose, boolean events) {
    public Settings {
      names = List.copyOf(names);
      unhealthy = Set.copyOf(unhealthy);
    }
  }

  /** Where simulated hosts look images up: their real registry, or the demo's in-memory catalog. */
  public static final class Lookup {
    final ImageLookup images;

    private Lookup(ImageLookup images) {
      this.images = images;
    }
  }

  /** {@code registry} (each image's own registry) or {@code demo} ({@link DemoImages}); null for another name. */
  public static Lookup lookup(String name) {
    return switch (name) {
      case "registry" -> new Lookup(new SharedImageLookup(new RegistryImageLookup()));
      case "demo" -> new Lookup(new DemoImages());
      default -> null;
    };
  }

  /** The demo catalog's repository ({@code demo.bootfleet.invalid/shop-os}) and its tags, oldest first. */
  public static final String DEMO_REPOSITORY = DemoImages.REPOSITORY;
  public static final List<String> DEMO_TAGS = DemoImages.TAGS;

  /** The digest of the demo catalog's image {@code tag} ({@code sha256:…}). */
  public static String demoDigest(String tag) {
    return DemoImages.digest(tag);
  }

  /**
   * The image digest an {@code --unhealthy-image} names: the digest given, or the one its reference resolves to
   * for {@code arch}; an {@link IOException} says why it cannot be looked up.
   */
  public static String unhealthyDigest(String refOrDigest, Lookup lookup, String arch) throws IOException {
    if (refOrDigest.matches("sha256:[0-9a-f]{64}")) {
      return refOrDigest;
    }
    try {
      return lookup.images.resolve(refOrDigest, "registry", arch).imageDigest();
    } catch (ImageLookup.PullFailed e) {
      throw new IOException(e.getMessage());
    }
  }

  private record Host(MemoryBootc bootc, SimulatedAgent agent) {}

  private final Settings settings;
  private final Consumer<String> say;
  private final Consumer<MemoryBootc> staged;
  private final List<Host> hosts = new ArrayList<>();
  /** The boot each host's greenboot verdict was last said for ({@link Settings#events}). */
  private final Map<String, String> healthSaid = new java.util.concurrent.ConcurrentHashMap<>();
  private ExecutorService agents;

  private SimulatedFleet(Settings settings, Consumer<String> say, Consumer<MemoryBootc> staged) {
    this.settings = settings;
    this.say = say;
    this.staged = staged;
  }

  /**
   * Enrolls every host and makes its simulated host and agent (not started). {@code say} hears the agents' lines
   * (each host's status when it changes, and with {@code verbose} every log line), from many threads one at a
   * time; {@code onStaged} hears of each image staged, as {@code (host, digest)}. An {@link IOException} lists
   * what failed, one line each.
   */
  public static SimulatedFleet enroll(Settings settings, Consumer<String> say, StagedListener onStaged)
      throws IOException, InterruptedException {
    Consumer<String> one = line -> {
      synchronized (SimulatedFleet.class) {
        say.accept(line);
      }
    };
    SimulatedFleet fleet = new SimulatedFleet(settings, one, b -> onStaged.staged(b.name(), b.stagedDigest()));
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Semaphore enrolling = new Semaphore(ENROLLING);
      List<Future<Host>> made = new ArrayList<>();
      for (String name : settings.names()) {
        made.add(pool.submit(() -> {
          enrolling.acquire();
          try {
            return fleet.host(name);
          } finally {
            enrolling.release();
          }
        }));
      }
      List<String> failed = new ArrayList<>();
      for (Future<Host> f : made) {
        try {
          fleet.hosts.add(f.get());
        } catch (ExecutionException e) {
          failed.add(Text.oneLine(e.getCause().getMessage(), e.getCause().getClass().getSimpleName()));
        }
      }
      if (!failed.isEmpty()) {
        List<String> lines = new ArrayList<>(failed.stream().distinct().limit(20).toList());
        lines.add(failed.size() + " of " + settings.names().size() + " simulated hosts could not start");
        throw new IOException(String.join("\n", lines));
      }
    }
    return fleet;
  }

  /** Hears of each image a simulated host stages (under that host's lock: it must be quick). */
  public interface StagedListener {
    void staged(String host, String digest);
  }

  /** Arms a bootc-sim fault on the first {@code first} hosts (checked by the caller). */
  public void fault(String fault, int first) {
    for (Host h : hosts.subList(0, Math.min(first, hosts.size()))) {
      h.bootc().fault(fault, 1, 5);
    }
  }

  public int size() {
    return hosts.size();
  }

  /** Each host's booted image digest, by name, in the order of {@link Settings#names}. */
  public Map<String, String> booted() {
    Map<String, String> out = new LinkedHashMap<>();
    hosts.forEach(h -> out.put(h.bootc().name(), h.bootc().bootedDigest()));
    return out;
  }

  /** Starts every host's agent on a virtual thread of its own: a cycle at once, then as the agent's loop says. */
  public synchronized void start() {
    agents = Executors.newVirtualThreadPerTaskExecutor();
    for (Host h : hosts) {
      agents.submit(() -> {
        String[] last = {null};
        try {
          while (true) {
            try {
              h.agent().run(line -> {
                if (!line.equals(last[0])) {
                  last[0] = line;
                  say.accept(h.bootc().name() + ": " + line);
                }
              });
            } catch (RuntimeException e) {
              // an agent that dies is said, not lost (the executor would keep it quiet), and started again a
              // second later, as systemd restarts the agent's unit
              say.accept(h.bootc().name() + ": the agent failed: " + failure(e) + "; starting it again");
              Thread.sleep(1000);
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      });
    }
  }

  /** Waits until every agent stopped (after {@link #close} or an interrupt), or forever. */
  public void await() throws InterruptedException {
    ExecutorService a;
    synchronized (this) {
      a = agents;
    }
    if (a != null) {
      a.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
    }
  }

  /** Interrupts every agent, without waiting. */
  public synchronized void stop() {
    if (agents != null) {
      agents.shutdownNow();
    }
  }

  /** Interrupts every agent and waits up to ten seconds for them to stop. */
  @Override
  public synchronized void close() {
    if (agents == null) {
      return;
    }
    agents.shutdownNow();
    try {
      agents.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Enrolls {@code name} and makes its simulated host and agent. */
  private Host host(String name) throws Exception {
    ServerClient shared = settings.server();
    ServerClient.Response r = shared.post("/v1/enrollments", JSON.createObjectNode().put("host", name)
        .put("ttlSeconds", 600).toString(), settings.operator());
    if (r.status() != 201) {
      throw new IOException(shared.describe() + " refused to enroll " + name + " with the operator credential "
          + settings.operatorSource() + ": HTTP " + r.status());
    }
    String enrollment = r.json().path("token").asString("");
    ServerClient.Response own = shared.post("/v1/hosts/" + name + "/credential", "", enrollment);
    if (own.status() != 201) {
      throw new IOException(shared.describe() + " refused the enrollment token of " + name + ": HTTP " + own.status());
    }
    Path hostDir = Files.createDirectories(settings.dir().resolve(name));
    Path token = hostDir.resolve("host.token");
    AtomicFiles.write(token, (own.json().path("token").asString("") + "\n").getBytes(StandardCharsets.UTF_8),
        AtomicFiles.Attributes.mode(0600));
    MemoryBootc bootc = bootc(name);
    PrintStream log = settings.verbose() ? new PrintStream(new Prefixed(name + ": "), true, StandardCharsets.UTF_8)
        : new PrintStream(OutputStream.nullOutputStream());
    return new Host(bootc, new SimulatedAgent(name, shared.withCredential(token), bootc, bootc, hostDir,
        settings.interval(), settings.rebootAnyTime(), () -> healthy(bootc), log));
  }

  private MemoryBootc bootc(String name) throws IOException {
    MemoryBootc b;
    try {
      b = new MemoryBootc(name, settings.image(), settings.arch(), settings.lookup().images, staged);
    } catch (HostDriver.HostException e) {
      throw new IOException(e.getMessage());
    }
    if (settings.events()) {
      b.listen(new EventLines());
    }
    return b;
  }

  /** Whether greenboot passes on {@code host} now; with {@link Settings#events}, says the verdict once per boot. */
  private boolean healthy(MemoryBootc host) {
    String digest = host.bootedDigest();
    boolean passes = !settings.unhealthy().contains(digest);
    if (settings.events() && !host.bootId().equals(healthSaid.put(host.name(), host.bootId()))) {
      say.accept("health " + host.name() + " " + digest + " " + (passes ? "healthy" : "failed") + " "
          + System.currentTimeMillis());
    }
    return passes;
  }

  /** An agent's unexpected failure in one line: the exception and where in bootfleet it was thrown. */
  static String failure(RuntimeException e) {
    StringBuilder b = new StringBuilder(e.getClass().getName() + ": " + e.getMessage());
    java.util.Arrays.stream(e.getStackTrace()).filter(f -> f.getClassName().startsWith("dev.bootfleet.")).limit(4)
        .forEach(f -> b.append(" at ").append(f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1))
            .append('.').append(f.getMethodName()).append(':').append(f.getLineNumber()));
    return b.toString().replace('\n', ' ');
  }

  /** The event lines of reboots and rollbacks: 'rebooting HOST DIGEST MS', 'booted ...', 'rolled-back ...'. */
  private final class EventLines implements MemoryBootc.Events {
    @Override
    public void rebooted(MemoryBootc host, String from, String to) {
      long now = System.currentTimeMillis();
      say.accept("rebooting " + host.name() + " " + from + " " + now);
      say.accept("booted " + host.name() + " " + to + " " + now);
    }

    @Override
    public void rollbackQueued(MemoryBootc host, String from) {
      say.accept("rolled-back " + host.name() + " " + from + " " + System.currentTimeMillis());
    }
  }

  /** A simulated host's agent log, each line prefixed with its name. */
  private final class Prefixed extends OutputStream {
    private final String prefix;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    Prefixed(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public void write(int b) {
      if (b == '\n') {
        say.accept(prefix + line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else {
        line.write(b);
      }
    }
  }
}
