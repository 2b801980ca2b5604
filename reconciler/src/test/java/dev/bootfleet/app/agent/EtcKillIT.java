package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.FileContent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL while the agent writes /etc, at least 200 times: every managed file holds exactly the old or
 * the new content, the state file always parses, and it always knows the file as bootfleet's (so a kill
 * never turns into a false "changed locally"). A restarted agent removes the temporary files a kill left.
 *
 * <p>Half the kills fall at a random moment of the drill's loop; the other half are aimed at its writes,
 * a random few milliseconds after the drill says it starts them. The test also proves that the kills hit
 * what they are meant to: some must land inside an apply (the state file names pending writes) and some
 * inside a write itself (a temporary file left). On tmpfs a write lasts microseconds and only about
 * one kill in forty tears one (measured: 5 of 200), so the lanes go on past 200 kills, up to
 * {@value #MAX_KILLS}, until both have happened: a fixed count made that check fail by chance. Two lanes
 * run side by side, one per core, each a JVM with C1 only and a CDS archive.
 */
class EtcKillIT {
  static final int KILLS = 200;
  static final int MAX_KILLS = 1000;
  static final int LANES = 2;

  @TempDir
  Path tmp;

  /** The shaded jar and a jar of the drill class: class data sharing archives jars only, not folders. */
  private String classPath;

  /** What the kills of all lanes hit: an apply (the state file names pending writes), a write itself. */
  private final AtomicInteger inApply = new AtomicInteger();
  private final AtomicInteger midWrite = new AtomicInteger();
  private final AtomicInteger kills = new AtomicInteger();

  @Test
  void sigkillWhileWritingEtc_leavesOldOrNewContent_neverAMix() throws Exception {
    String jar = System.getProperty("bootfleet.jar");
    assertThat(jar).as("failsafe passes the built jar as bootfleet.jar").isNotNull();
    Path drillJar = tmp.resolve("drill.jar");
    String entry = EtcKillDrill.class.getName().replace('.', '/') + ".class";
    try (var in = EtcKillDrill.class.getResourceAsStream("/" + entry);
        var out = new java.util.jar.JarOutputStream(Files.newOutputStream(drillJar))) {
      out.putNextEntry(new java.util.jar.JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
    classPath = jar + java.io.File.pathSeparator + drillJar;
    Path cds = tmp.resolve("drill.jsa");
    Path warm = tmp.resolve("warm");
    assertThat(drill(warm, cds, "--once").waitFor(60, TimeUnit.SECONDS)).isTrue(); // writes the CDS archive
    ExecutorService pool = Executors.newFixedThreadPool(LANES);
    List<Future<?>> lanes = new ArrayList<>();
    for (int l = 0; l < LANES; l++) {
      int lane = l;
      lanes.add(pool.submit(() -> lane(tmp.resolve("lane" + lane), cds, new Random(4242 + lane))));
    }
    for (Future<?> f : lanes) {
      f.get(10, TimeUnit.MINUTES);
    }
    pool.shutdown();
    String seen = kills + " kills: " + inApply + " inside an apply, " + midWrite + " inside a write";
    assertThat(kills.get()).as(seen).isGreaterThanOrEqualTo(KILLS);
    assertThat(inApply.get()).as("kills that left the state file naming pending writes (%s)", seen).isPositive();
    assertThat(midWrite.get()).as("kills that left a half-written temporary file (%s)", seen).isPositive();
  }

  /** Whether to go on: fewer than 200 kills, or no kill yet inside an apply or a write (up to the cap). */
  private boolean moreKills() {
    int n = kills.get();
    return n < KILLS || n < MAX_KILLS && (inApply.get() == 0 || midWrite.get() == 0);
  }

  /** Kills drills in {@code dir} until the lanes have done their 200 and torn a write, or hit the cap. */
  private Void lane(Path dir, Path cds, Random random) throws Exception {
    Path root = dir.resolve("root");
    Path state = dir.resolve("state");
    Files.createDirectories(root.resolve("etc"));
    for (int i = 0; moreKills(); i++) {
      Process p = drill(dir, cds, null);
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
      assertThat(out.readLine()).as("drill %d in %s started", i, dir).isEqualTo("ready");
      if (i % 2 == 0) {
        Thread.sleep(random.nextInt(60));
      } else {
        for (int round = random.nextInt(3); round >= 0; round--) {
          assertThat(out.readLine()).as("drill %d in %s applies", i, dir).isEqualTo("apply");
        }
        long until = System.nanoTime() + random.nextInt(6000) * 1000L;
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
      }
      p.destroyForcibly(); // SIGKILL
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      kills.incrementAndGet();
      check(root, state, i);
    }
    Process last = drill(dir, cds, "--once"); // a restart cleans up
    assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();
    try (Stream<Path> s = Files.walk(dir)) {
      assertThat(s.map(Path::toString)).as("temporary files after a restart").noneMatch(x -> x.endsWith(".tmp"));
    }
    return null;
  }

  /** Checks the files and the state after a kill, and counts what the kill hit. */
  private void check(Path root, Path stateDir, int run) throws Exception {
    AgentState st = StateStore.parse(Files.readString(stateDir.resolve("state.json")));
    for (String p : EtcKillDrill.PATHS) {
      byte[] got = Files.readAllBytes(root.resolve(p.substring(1)));
      boolean a = Arrays.equals(got, EtcKillDrill.content(p, 0));
      boolean b = Arrays.equals(got, EtcKillDrill.content(p, 1));
      assertThat(a || b).as("run %d: %s holds version A or B, not a mix (%d bytes)", run, p, got.length).isTrue();
      AgentState.ManagedFile m = st.files.get(p);
      assertThat(m).as("run %d: state knows %s", run, p).isNotNull();
      assertThat(m.ours(FileContent.sha256(got))).as("run %d: state records %s's content as bootfleet's", run, p)
          .isTrue();
    }
    boolean pending = st.files.values().stream().anyMatch(m -> m.pendingSha256() != null);
    boolean tmpLeft;
    try (Stream<Path> s = Stream.concat(Files.walk(root), Files.walk(stateDir))) {
      tmpLeft = s.anyMatch(x -> x.toString().endsWith(".tmp"));
    }
    if (pending) {
      inApply.incrementAndGet();
    }
    if (tmpLeft) {
      midWrite.incrementAndGet();
    }
  }

  private Process drill(Path dir, Path cds, String arg) throws Exception {
    Files.createDirectories(dir.resolve("root/etc"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-XX:+AutoCreateSharedArchive",
        "-XX:SharedArchiveFile=" + cds, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
        "-cp", classPath, EtcKillDrill.class.getName(),
        dir.resolve("root").toString(), dir.resolve("state").toString()));
    if (arg != null) {
      cmd.add(arg);
    }
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }
}
