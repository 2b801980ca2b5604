// Status reports stored per second by a running `bootfleet serve` (run by server-bench.sh reports):
// enrolls every host of OBSERVED through the API, then 64 virtual threads POST /v1/hosts/{name}/status
// (each the host's bootc status and /etc report, as the agent sends them) for 20 s; a 204 means stored
// durably. Prints reports per second and the server's CPU seconds (/proc/PID/stat) over the run.
//   java -cp bootfleet.jar bench/ReportBench.java URL OPERATOR_TOKEN_FILE OBSERVED SERVER_PID
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.json.JsonMapper;

public class ReportBench {
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  record Host(String name, String token, String body) {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String operator = Files.readString(Path.of(args[1])).strip();
    Path observed = Path.of(args[2]);
    long pid = Long.parseLong(args[3]);
    List<Path> files;
    try (var s = Files.list(observed)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".json") && !p.getFileName().toString()
          .endsWith(".etc.json")).sorted().toList();
    }
    List<Host> hosts = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString().replace(".json", "");
      String enroll = post(url + "/v1/enrollments", operator, "{\"host\":\"" + name + "\",\"ttlSeconds\":600}");
      String one = JsonMapper.shared().readTree(enroll).get("token").asString();
      String own = JsonMapper.shared().readTree(post(url + "/v1/hosts/" + name + "/credential", one, ""))
          .get("token").asString();
      Path etc = observed.resolve(name + ".etc.json");
      String body = "{\"status\": " + Files.readString(f) + ", \"etc\": " + (Files.exists(etc) ? Files.readString(etc)
          : "null") + "}";
      hosts.add(new Host(name, own, body));
    }
    System.out.printf("reports: %d hosts enrolled%n", hosts.size());
    run(hosts, Duration.ofSeconds(5), pid); // warm-up
    run(hosts, Duration.ofSeconds(20), pid);
  }

  static void run(List<Host> hosts, Duration time, long pid) throws Exception {
    AtomicLong stored = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong next = new AtomicLong();
    long cpu0 = cpuTicks(pid);
    long t0 = System.nanoTime();
    long end = t0 + time.toNanos();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < 64; t++) {
        pool.submit(() -> {
          while (System.nanoTime() < end) {
            Host h = hosts.get((int) (next.getAndIncrement() % hosts.size()));
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(hostUrl(h))).header("Authorization",
                "Bearer " + h.token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(h.body())).build(), HttpResponse.BodyHandlers.discarding());
            (r.statusCode() == 204 ? stored : failed).incrementAndGet();
          }
          return null;
        });
      }
    }
    double s = (System.nanoTime() - t0) / 1e9;
    double cpu = (cpuTicks(pid) - cpu0) / 100.0;
    System.out.printf("reports: %d stored in %.1f s: %.0f reports/s (%d refused); server CPU %.1f s (%.0f%% of 2"
        + " cores)%n", stored.get(), s, stored.get() / s, failed.get(), cpu, 100 * cpu / s / 2);
  }

  static String base;

  static String hostUrl(Host h) {
    return base + "/v1/hosts/" + h.name() + "/status";
  }

  static String post(String u, String token, String body) throws Exception {
    if (base == null) {
      base = u.substring(0, u.indexOf("/v1/"));
    }
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(u)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException(u + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  /** utime + stime of the process, in clock ticks. */
  static long cpuTicks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
