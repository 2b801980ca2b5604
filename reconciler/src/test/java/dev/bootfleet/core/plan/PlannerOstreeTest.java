package dev.bootfleet.core.plan;

import static dev.bootfleet.core.plan.Hosts.NEW;
import static dev.bootfleet.core.plan.Hosts.OLD;
import static dev.bootfleet.core.plan.RpmOstreeDoc.unverified;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.Flatpaks;
import dev.bootfleet.core.manifest.HostDriverKind;
import dev.bootfleet.core.manifest.ImageSpec;
import dev.bootfleet.core.manifest.Kargs;
import dev.bootfleet.core.manifest.OstreeTarget;
import dev.bootfleet.core.manifest.Packages;
import dev.bootfleet.core.manifest.Transport;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.observed.OstreeAdminStatus;
import dev.bootfleet.core.observed.OstreeStatusParser;
import dev.bootfleet.core.observed.UpdateDriver;
import dev.bootfleet.core.status.Reason;
import dev.bootfleet.core.status.SyncStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ostree refs and commits as the desired state: rpm-ostree hosts on an ostree origin (rebase when the ref
 * differs, deploy when only the commit does, OCI and ostree both ways) and plain ostree hosts (stage and
 * reboot), on documents read by the real parsers.
 */
class PlannerOstreeTest {
  static final String STABLE = "fedora:fedora/x86_64/coreos/stable";
  static final String TESTING = "fedora:fedora/x86_64/coreos/testing";
  static final String C1 = "1".repeat(64);
  static final String C2 = "2".repeat(64);
  private final Planner planner = new Planner(PlannerTest.CLOCK);

  static DesiredHost ostree(String refspec, String commit, HostDriverKind driver) {
    int colon = refspec.indexOf(':');
    ImageSpec image = ImageSpec.of(new OstreeTarget(refspec.substring(0, colon), refspec.substring(colon + 1), commit,
        null));
    return new DesiredHost("h1", Map.of(), image, List.of(), Kargs.NONE, driver, Packages.NONE, Flatpaks.NONE,
        List.of(), "hosts/h1.yaml");
  }

  static DesiredHost oci(String ref) {
    return new DesiredHost("h1", Map.of(), new ImageSpec(ref, Transport.REGISTRY, false, ImageRef.parse(ref)),
        List.of(), Kargs.NONE, HostDriverKind.AUTO, Packages.NONE, Flatpaks.NONE, List.of(), "hosts/h1.yaml");
  }

  HostPlan plan(DesiredHost want, ObservedHost host) {
    return planner.planHost(want, new Observation(host, null));
  }

  static ObservedHost ostreeHost(String status, UpdateDriver driver) throws Exception {
    return OstreeStatusParser.parse(OstreeAdminStatus.report(status, driver, "test").toString(), "test");
  }

  // --- rpm-ostree on an ostree origin ---

  @Test
  void rpmOstree_sameRefOtherCommit_deploysTheCommit() throws Exception {
    ObservedHost host = new RpmOstreeDoc().ostree(STABLE, C1, true, false).parse();

    HostPlan plan = plan(ostree(STABLE, C2, HostDriverKind.AUTO), host);

    assertThat(plan.status()).isEqualTo(SyncStatus.DRIFTED);
    assertThat(plan.actions()).extracting(Action::type).containsExactly("deploy", "finalize");
    Action.Deploy d = (Action.Deploy) plan.actions().get(0);
    assertThat(d.commit()).isEqualTo(C2);
    assertThat(d.from()).isEqualTo(STABLE + "@" + C1);
    assertThat(plan.reason()).isEqualTo("booted " + STABLE + "@111111111111, Git wants " + STABLE + "@222222222222");
  }

  @Test
  void rpmOstree_otherRef_rebasesWithTheCommitAsRevision() throws Exception {
    ObservedHost host = new RpmOstreeDoc().ostree(STABLE, C1, true, false).parse();

    HostPlan plan = plan(ostree(TESTING, C2, HostDriverKind.AUTO), host);

    assertThat(plan.actions()).extracting(Action::type).containsExactly("rebase", "finalize");
    Action.Rebase r = (Action.Rebase) plan.actions().get(0);
    assertThat(r.ref()).isEqualTo(TESTING);
    assertThat(r.revision()).isEqualTo(C2);
    assertThat(r.digest()).isNull();
  }

  @Test
  void rpmOstree_fromAnImageToAnOstreeRef_andBack() throws Exception {
    ObservedHost onImage = new RpmOstreeDoc().booted(unverified(OLD)).parse();
    ObservedHost onRef = new RpmOstreeDoc().ostree(STABLE, C1, true, false).parse();

    Action toRef = plan(ostree(STABLE, C1, HostDriverKind.AUTO), onImage).actions().get(0);
    Action toImage = plan(oci(NEW), onRef).actions().get(0);

    assertThat(toRef).isEqualTo(new Action.Rebase(STABLE, STABLE + "@" + C1, null, OLD, List.of(), List.of(), C1));
    assertThat(toImage).isEqualTo(new Action.Rebase("ostree-unverified-registry:" + NEW, NEW,
        NEW.substring(NEW.indexOf('@') + 1), STABLE + "@" + C1, List.of(), List.of(), null));
  }

  @Test
  void rpmOstree_onTheCommit_isInSync_andAnUnpinnedRefMatchesAnyCommit() throws Exception {
    ObservedHost host = new RpmOstreeDoc().ostree(STABLE, C1, true, false).parse();

    assertThat(plan(ostree(STABLE, C1, HostDriverKind.AUTO), host).status()).isEqualTo(SyncStatus.IN_SYNC);
    assertThat(plan(ostree(STABLE, null, HostDriverKind.AUTO), host).status()).isEqualTo(SyncStatus.IN_SYNC);
  }

  @Test
  void rpmOstree_stagedCommit_finalizes() throws Exception {
    ObservedHost host = new RpmOstreeDoc().ostree(STABLE, C2, false, true).ostree(STABLE, C1, true, false).parse();

    HostPlan plan = plan(ostree(STABLE, C2, HostDriverKind.AUTO), host);

    assertThat(plan.actions()).extracting(Action::type).containsExactly("finalize");
  }

  @Test
  void rpmOstree_rolledBackFromTheCommit_isHeld() throws Exception {
    ObservedHost host = new RpmOstreeDoc().ostree(STABLE, C1, true, false).ostree(STABLE, C2, false, false).parse();

    HostPlan plan = plan(ostree(STABLE, C2, HostDriverKind.AUTO), host);

    assertThat(plan.status()).isEqualTo(SyncStatus.HELD);
    assertThat(plan.why()).isEqualTo(Reason.ROLLED_BACK);
  }

  @Test
  void rpmOstree_realZincatiFixture_onTheBootedCommit_dropsTheStagedOne() throws Exception {
    ObservedHost host = dev.bootfleet.core.observed.RpmOstreeStatusParser.parse(PlannerOstreeTest.class
        .getResourceAsStream("/fixtures/rpm-ostree/zincati--rpm-ostree-staged.json").readAllBytes(), "zincati");
    String booted = host.booted().origin().commit();

    HostPlan plan = plan(ostree(STABLE, booted, HostDriverKind.AUTO), host);

    assertThat(host.booted().origin().refspec()).isEqualTo(STABLE);
    assertThat(plan.actions()).extracting(Action::type).containsExactly("cancel-staged");
  }

  // --- plain ostree hosts ---

  @Test
  void ostree_newCommit_stagesAndReboots() throws Exception {
    ObservedHost host = ostreeHost("* fedora " + C1 + ".0\n    Version: 1\n    origin refspec: " + STABLE + "\n", null);

    HostPlan plan = plan(ostree(STABLE, C2, HostDriverKind.AUTO), host);

    assertThat(plan.actions()).containsExactly(new Action.Stage(STABLE + "@" + C2, "ostree", false, null,
        STABLE + "@" + C1), new Action.Reboot(STABLE + "@" + C2));
  }

  @Test
  void ostree_stagedCommit_onlyReboots_andBootedIsInSync() throws Exception {
    ObservedHost staged = ostreeHost("  fedora " + C2 + ".0 (staged)\n    origin refspec: " + STABLE + "\n"
        + "* fedora " + C1 + ".0\n    origin refspec: " + STABLE + "\n", null);
    ObservedHost done = ostreeHost("* fedora " + C2 + ".0\n    origin refspec: " + STABLE + "\n"
        + "  fedora " + C1 + ".0 (rollback)\n    origin refspec: " + STABLE + "\n", null);

    assertThat(plan(ostree(STABLE, C2, HostDriverKind.AUTO), staged).actions()).extracting(Action::type)
        .containsExactly("reboot");
    assertThat(plan(ostree(STABLE, C2, HostDriverKind.AUTO), done).status()).isEqualTo(SyncStatus.IN_SYNC);
  }

  @Test
  void ostree_fellBackFromTheCommit_isHeld() throws Exception {
    ObservedHost host = ostreeHost("  fedora " + C2 + ".0 (pending)\n    origin refspec: " + STABLE + "\n"
        + "* fedora " + C1 + ".0\n    origin refspec: " + STABLE + "\n", null);

    HostPlan plan = plan(ostree(STABLE, C2, HostDriverKind.AUTO), host);

    assertThat(plan.status()).isEqualTo(SyncStatus.HELD);
    assertThat(plan.why()).isEqualTo(Reason.BOOTLOADER_FALLBACK);
  }

  @Test
  void ostree_anotherUpdater_holdsWithTheFixNamed() throws Exception {
    ObservedHost host = ostreeHost("* eos " + C1 + ".0\n    origin refspec: eos:os/eos/amd64/latest1\n",
        new UpdateDriver("eos-autoupdater", "eos-autoupdater.timer"));

    HostPlan plan = plan(ostree("eos:os/eos/amd64/latest1", C2, HostDriverKind.AUTO), host);

    assertThat(plan.status()).isEqualTo(SyncStatus.HELD);
    assertThat(plan.reason()).isEqualTo("eos-autoupdater (eos-autoupdater.timer) is active on this host and"
        + " updates it on its own, and would replace what bootfleet deploys; fix: stop Endless OS's automatic"
        + " updates (systemctl disable --now eos-autoupdater.timer eos-autoupdater.service), so that bootfleet"
        + " alone drives updates; booted eos:os/eos/amd64/latest1@111111111111, Git wants"
        + " eos:os/eos/amd64/latest1@222222222222");
  }

  @Test
  void driverThatCannotDeployTheForm_isHeld_withTheFix() throws Exception {
    ObservedHost bootcHost = Hosts.host(Hosts.entry(OLD), null, null, false);
    ObservedHost ostreeHost = ostreeHost("* fedora " + C1 + ".0\n    origin refspec: " + STABLE + "\n", null);

    HostPlan onBootc = plan(ostree(STABLE, C2, HostDriverKind.AUTO), bootcHost);
    HostPlan onOstree = plan(oci(NEW), ostreeHost);

    assertThat(onBootc.status()).isEqualTo(SyncStatus.HELD);
    assertThat(onBootc.reason()).contains("bootc deploys OCI images only; fix: set spec.driver: rpm-ostree");
    assertThat(onOstree.status()).isEqualTo(SyncStatus.HELD);
    assertThat(onOstree.reason()).contains("the ostree driver deploys ostree commits only");
  }
}
