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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL at random points while the agent writes /etc, 200 times: every managed file holds exactly the
 * old or the new content, the state file always parses, and it always knows the file as bootfleet's
 * (so a kill never turns into a false "changed locally"). A restarted agent removes the temporary files
 * a kill left. Two lanes run side by side, one per core, each a JVM with C1 only and a CDS archive.
 */
class EtcKillIT {
  static final int KILLS = 200;
  static final int LANES = 2;

  @TempDir
  Path tmp;

  /** The shaded jar and a jar of the drill class: class data sharing archives jars only, not folders. */
  private String classPath;

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
    List<Future<Integer>> lanes = new ArrayList<>();
    for (int l = 0; l < LANES; l++) {
      int lane = l;
      lanes.add(pool.submit(() -> lane(tmp.resolve("lane" + lane), cds, new Random(4242 + lane), KILLS / LANES)));
    }
    int midWrite = 0;
    for (Future<Integer> f : lanes) {
      midWrite += f.get(10, TimeUnit.MINUTES);
    }
    pool.shutdown();
    // Some kills must have hit a write (a temporary file left behind), or the drill proved nothing.
    assertThat(midWrite).as("kills that left a half-written temporary file").isPositive();
  }

  /** Runs {@code n} drills in {@code dir}, killing each at a random moment; returns how many hit a write. */
  private int lane(Path dir, Path cds, Random random, int n) throws Exception {
    Path root = dir.resolve("root");
    Path state = dir.resolve("state");
    Files.createDirectories(root.resolve("etc"));
    int midWrite = 0;
    for (int i = 0; i < n; i++) {
      Process p = drill(dir, cds, null);
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
      String line = out.readLine();
      assertThat(line).as("drill %d in %s started", i, dir).isEqualTo("ready");
      Thread.sleep(random.nextInt(60));
      p.destroyForcibly(); // SIGKILL
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      midWrite += check(root, state, i);
    }
    Process last = drill(dir, cds, "--once"); // a restart cleans up
    assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();
    try (Stream<Path> s = Files.walk(root)) {
      assertThat(s.map(Path::toString)).noneMatch(x -> x.endsWith(".tmp"));
    }
    return midWrite;
  }

  /** Checks the files and the state after a kill; returns 1 when the kill left a temporary file. */
  private static int check(Path root, Path stateDir, int run) throws Exception {
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
    try (Stream<Path> s = Files.walk(root)) {
      return s.anyMatch(x -> x.toString().endsWith(".tmp")) ? 1 : 0;
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
