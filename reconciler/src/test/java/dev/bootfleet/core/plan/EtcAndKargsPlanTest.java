package dev.bootfleet.core.plan;

import dev.bootfleet.core.status.SyncStatus;

import static dev.bootfleet.core.plan.Hosts.NEW;
import static dev.bootfleet.core.plan.Hosts.OLD;
import static dev.bootfleet.core.plan.Hosts.absent;
import static dev.bootfleet.core.plan.Hosts.desired;
import static dev.bootfleet.core.plan.Hosts.entry;
import static dev.bootfleet.core.plan.Hosts.file;
import static dev.bootfleet.core.plan.Hosts.host;
import static dev.bootfleet.core.plan.Hosts.kargs;
import static dev.bootfleet.core.plan.Hosts.obs;
import static dev.bootfleet.core.plan.Hosts.state;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.Kargs;
import dev.bootfleet.core.manifest.Transport;
import dev.bootfleet.core.observed.EtcFileState;
import java.util.List;
import org.junit.jupiter.api.Test;

class EtcAndKargsPlanTest {
  final Planner planner = new Planner(PlannerTest.CLOCK);
  static final String CHRONY = "pool 2.fedora.pool.ntp.org iburst\n";

  private HostPlan plan(List<dev.bootfleet.core.manifest.EtcFile> files, Kargs k, List<EtcFileState> have,
      List<String> haveKargs) {
    return planner.planHost(desired(NEW, Transport.REGISTRY, false, files, k),
        obs(host(entry(NEW), null, null, false), have, haveKargs));
  }

  @Test
  void plan_writesMissingFile_withDiffFromNothing() {
    HostPlan p = plan(List.of(file("/etc/chrony.conf", CHRONY, 0644)), Kargs.NONE, List.of(), List.of());

    Action.WriteFile w = (Action.WriteFile) p.actions().get(0);
    assertThat(p.status()).isEqualTo(SyncStatus.DRIFTED);
    assertThat(w.summary()).isEqualTo("new file");
    assertThat(w.previousSha256()).isNull();
    assertThat(w.mode()).isEqualTo("0644");
    assertThat(w.diff()).contains("--- /dev/null", "+++ b/etc/chrony.conf", "+pool 2.fedora.pool.ntp.org iburst");
    assertThat(p.reason()).isEqualTo("1 /etc file differs");
  }

  @Test
  void plan_rewritesChangedFile_withUnifiedDiffWhenContentReported() {
    HostPlan p = plan(List.of(file("/etc/chrony.conf", CHRONY, 0644)), Kargs.NONE,
        List.of(state("/etc/chrony.conf", "pool pool.ntp.org\n", "0644")), List.of());

    Action.WriteFile w = (Action.WriteFile) p.actions().get(0);
    assertThat(w.summary()).startsWith("content ");
    assertThat(w.diff()).contains("-pool pool.ntp.org", "+pool 2.fedora.pool.ntp.org iburst", "@@ -1,1 +1,1 @@");
  }

  @Test
  void plan_rewritesFile_whenOnlyModeDiffers() {
    HostPlan p = plan(List.of(file("/etc/ssh/sshd_config.d/50.conf", "x\n", 0600)), Kargs.NONE,
        List.of(state("/etc/ssh/sshd_config.d/50.conf", "x\n", "0644")), List.of());

    Action.WriteFile w = (Action.WriteFile) p.actions().get(0);
    assertThat(w.summary()).isEqualTo("mode 0644 -> 0600");
    assertThat(w.diff()).isNull();
  }

  @Test
  void plan_nothing_whenFileMatches() {
    HostPlan p = plan(List.of(file("/etc/chrony.conf", CHRONY, 0644)), Kargs.NONE,
        List.of(state("/etc/chrony.conf", CHRONY, "0644")), List.of());

    assertThat(p.status()).isEqualTo(SyncStatus.IN_SYNC);
    assertThat(p.reason()).isEqualTo("booted the desired image; /etc matches Git");
  }

  @Test
  void plan_absentPathThatIsAFolderOnTheHost_differs() {
    var report = new dev.bootfleet.core.observed.EtcReport("web-01", List.of(), null, null,
        List.of(new dev.bootfleet.core.observed.EtcReport.NotAFile("/etc/motd", "\"/etc/motd\" is a folder")));
    HostPlan p = planner.planHost(desired(NEW, Transport.REGISTRY, false, List.of(absent("/etc/motd")), Kargs.NONE),
        new Observation(host(entry(NEW), null, null, false), report));

    assertThat(p.status()).isEqualTo(SyncStatus.DRIFTED);
    assertThat(p.actions()).extracting(Action::type).containsExactly("remove-file");
    assertThat(p.notes()).contains("\"/etc/motd\" is a folder");
  }

  @Test
  void plan_removesFileMarkedAbsent_onlyWhenPresent() {
    HostPlan present = plan(List.of(absent("/etc/motd")), Kargs.NONE, List.of(state("/etc/motd", "hi\n", "0644")),
        List.of());
    HostPlan gone = plan(List.of(absent("/etc/motd")), Kargs.NONE, List.of(), List.of());

    assertThat(present.actions()).extracting(Action::type).containsExactly("remove-file");
    assertThat(((Action.RemoveFile) present.actions().get(0)).diff()).contains("-hi");
    assertThat(gone.actions()).isEmpty();
  }

  @Test
  void plan_notesMissingEtcReport_andDoesNotGuess() {
    HostPlan p = planner.planHost(desired(NEW, Transport.REGISTRY, false,
        List.of(file("/etc/chrony.conf", CHRONY, 0644)), Kargs.NONE), obs(host(entry(NEW), null, null, false)));

    assertThat(p.status()).isEqualTo(SyncStatus.IN_SYNC);
    assertThat(p.notes()).contains("no /etc report from this host; /etc was not compared");
  }

  @Test
  void plan_setsKargs_thenReboots() {
    HostPlan p = plan(List.of(), kargs(List.of("console=ttyS0,115200"), List.of("quiet")), List.of(),
        List.of("root=UUID=1", "quiet=1", "rw"));

    assertThat(p.actions()).extracting(Action::type).containsExactly("set-kargs", "reboot");
    Action.SetKargs k = (Action.SetKargs) p.actions().get(0);
    assertThat(k.append()).containsExactly("console=ttyS0,115200");
    assertThat(k.delete()).containsExactly("quiet");
  }

  @Test
  void plan_kargsInSync_whenPresentAndAbsentAsAsked() {
    HostPlan p = plan(List.of(), kargs(List.of("console=ttyS0"), List.of("quiet")), List.of(),
        List.of("console=ttyS0", "rw"));

    assertThat(p.actions()).isEmpty();
  }

  @Test
  void plan_heldHost_getsEtcReapplied_butNoRebootOrKargs() {
    HostPlan p = planner.planHost(desired(NEW, Transport.REGISTRY, false,
            List.of(file("/etc/chrony.conf", CHRONY, 0644)), kargs(List.of("console=ttyS0"), List.of())),
        obs(host(entry(OLD), null, entry(NEW), true), List.of(state("/etc/chrony.conf", "old\n", "0644")),
            List.of("rw")));

    assertThat(p.status()).isEqualTo(SyncStatus.HELD);
    assertThat(p.actions()).extracting(Action::type).containsExactly("write-file");
    assertThat(p.reason()).contains("bootloader fell back", "1 /etc file differs");
  }

  @Test
  void plan_ordersFilesThenImageThenKargsThenReboot() {
    HostPlan p = planner.planHost(desired(NEW, Transport.REGISTRY, false,
            List.of(file("/etc/b.conf", "b\n", 0644), file("/etc/a.conf", "a\n", 0644)),
            kargs(List.of("console=ttyS0"), List.of())),
        obs(host(entry(OLD), null, null, false), List.of(), List.of("rw")));

    assertThat(p.actions()).extracting(Action::type)
        .containsExactly("write-file", "write-file", "stage", "set-kargs", "reboot");
  }
}
