package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.adapters.fs.EtcTree;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.EtcFile;
import dev.bootfleet.core.manifest.FileContent;
import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.plan.Observation;
import dev.bootfleet.core.plan.Planner;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's /etc policy on a real folder: local changes, files Git drops, and what the state file says. */
class EtcApplierTest {
  @TempDir
  Path tmp;
  Path root;
  StateStore store;
  AgentState st;
  CycleReport rep;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectories(tmp.resolve("root/etc")).getParent();
    store = new StateStore(tmp.resolve("state"));
    st = new AgentState();
  }

  private DesiredHost with(List<EtcFile> files) {
    DesiredHost d = EtcKillDrill.desired(0);
    return new DesiredHost(d.name(), d.labels(), d.image(), files, d.kargs(), d.groups(), d.file());
  }

  private static EtcFile file(String path, String content) {
    return new EtcFile(path, false, FileContent.of(content), 0644, "root", "root", "host drill");
  }

  /** One agent cycle's /etc part with {@code policy}; returns the report. */
  private CycleReport run(DesiredHost want, AgentConfig.LocalChanges policy) throws Exception {
    EtcApplier a = new EtcApplier(new EtcTree(root), policy);
    rep = new CycleReport("drill", Instant.EPOCH, "boot", new PrintStream(OutputStream.nullOutputStream()));
    EtcApplier.Observed obs = a.observe("drill", want, st, rep);
    HostPlan plan = new Planner(Clock.systemUTC()).planHost(want, new Observation(
        BootcHosts.bootedDesired(want), obs.report()));
    a.apply(plan, want, st, obs, store, rep);
    return rep;
  }

  @Test
  void localChange_isOverwrittenByDefault_andReportedAsDrift() throws Exception {
    DesiredHost want = with(List.of(file("/etc/chrony.conf", "pool a\n")));
    run(want, AgentConfig.LocalChanges.OVERWRITE);
    Files.writeString(root.resolve("etc/chrony.conf"), "pool local\n");

    CycleReport r = run(want, AgentConfig.LocalChanges.OVERWRITE);

    assertThat(Files.readString(root.resolve("etc/chrony.conf"))).isEqualTo("pool a\n");
    assertThat(r.drift()).extracting(CycleReport.Drift::detail).containsExactly(
        "changed on the host since bootfleet wrote it; overwritten with Git's content (etc.localChanges: overwrite)");
  }

  @Test
  void localChange_isKept_withKeep() throws Exception {
    DesiredHost want = with(List.of(file("/etc/chrony.conf", "pool a\n")));
    run(want, AgentConfig.LocalChanges.KEEP);
    Files.writeString(root.resolve("etc/chrony.conf"), "pool local\n");

    CycleReport r = run(want, AgentConfig.LocalChanges.KEEP);

    assertThat(Files.readString(root.resolve("etc/chrony.conf"))).isEqualTo("pool local\n");
    assertThat(r.steps()).extracting(CycleReport.Step::result).containsExactly("skipped");
    assertThat(r.drift()).extracting(CycleReport.Drift::detail)
        .containsExactly("changed on the host since bootfleet wrote it; kept (etc.localChanges: keep)");
  }

  @Test
  void aFileGitDrops_isRemovedOnlyIfBootfleetWroteIt_orRestoredFromTheImage() throws Exception {
    Files.writeString(root.resolve("etc/hosts.allow"), "not bootfleet's\n");
    Files.createDirectories(root.resolve("usr/etc"));
    Files.writeString(root.resolve("usr/etc/chrony.conf"), "pool image-default\n");
    run(with(List.of(file("/etc/chrony.conf", "pool a\n"), file("/etc/motd", "hi\n"))),
        AgentConfig.LocalChanges.OVERWRITE);
    assertThat(st.files).containsOnlyKeys("/etc/chrony.conf", "/etc/motd");

    CycleReport r = run(with(List.of()), AgentConfig.LocalChanges.OVERWRITE);

    assertThat(root.resolve("etc/motd")).doesNotExist();
    assertThat(Files.readString(root.resolve("etc/chrony.conf"))).isEqualTo("pool image-default\n");
    assertThat(Files.readString(root.resolve("etc/hosts.allow"))).isEqualTo("not bootfleet's\n");
    assertThat(r.steps()).extracting(CycleReport.Step::type).containsExactlyInAnyOrder("restore-file", "remove-file");
    assertThat(st.files).isEmpty();
    assertThat(StateStore.parse(Files.readString(store.file())).files).isEmpty();
  }

  @Test
  void aRefusedPath_isAProblem_andNothingIsWrittenThere() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.createSymbolicLink(root.resolve("etc/ssh"), outside);

    CycleReport r = run(with(List.of(file("/etc/ssh/sshd_config", "x\n"), file("/etc/motd", "hi\n"))),
        AgentConfig.LocalChanges.OVERWRITE);

    assertThat(r.problems()).anyMatch(p -> p.startsWith("\"/etc/ssh\" is a symbolic link"));
    assertThat(Files.readString(root.resolve("etc/motd"))).isEqualTo("hi\n"); // the others are still written
    try (var s = Files.list(outside)) {
      assertThat(s).isEmpty();
    }
  }
}
