package dev.bootfleet.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The built jar through {@code bin/bootfleet}, as a user starts it, for tests that need a process of its
 * own (a server to SIGKILL, two replicas): each started process, and any child the launcher leaves, is
 * ended after each test. {@code @RegisterExtension final BootfleetProcesses bootfleet = new BootfleetProcesses();}
 */
public final class BootfleetProcesses implements AfterEachCallback {
  public static final Path BIN = Example.projectRoot().resolve("bin/bootfleet");
  private final List<Process> started = new ArrayList<>();

  /** {@code bin/bootfleet ARGS} with this JDK and the jar under test. */
  public static ProcessBuilder command(List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(BIN.toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    String jar = System.getProperty("bootfleet.jar");
    if (jar != null) {
      pb.environment().put("BOOTFLEET_JAR", jar);
    }
    return pb;
  }

  /** Starts {@code pb}, ended after the test. */
  public Process start(ProcessBuilder pb) throws IOException {
    Process p = pb.start();
    started.add(p);
    return p;
  }

  /** Starts {@code bin/bootfleet ARGS} with its output (both streams) appended to {@code log}. */
  public Process start(Path log, List<String> args) throws IOException {
    return start(command(args).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
  }

  /** SIGKILL, to the launcher's children too. */
  public static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    started.forEach(BootfleetProcesses::kill);
    started.clear();
  }
}
