package dev.bootfleet.core.observed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * {@code ostree admin status} as ostree 2022.7 prints it on a booted host (the header format {@code "%c %s
 * %s.%d%s"} and the detail lines of its {@code ot-admin-builtin-status.c}); the unbooted form is read
 * from the real ostree in {@code OstreeCliTest}.
 */
class OstreeAdminStatusTest {
  static final String A = "a".repeat(64);
  static final String B = "b".repeat(64);
  static final String C = "c".repeat(64);

  @Test
  void bootedHost_withStagedRollbackPinnedAndUnlocked_isReadWithBootcsRoles() throws Exception {
    String text = """
          eos %s.0 (staged)
            Version: 6.0.2
            origin refspec: eos:os/eos/amd64/latest1
        * eos %s.0
            Version: 6.0.1
            Unlocked: development
            origin refspec: eos:os/eos/amd64/latest1
            GPG: Signature made Sun Dec  6 02:58:56 2026 using EdDSA key ID 02F7A43BEC675D86
        \033[1m  eos %s.1 (rollback)\033[0m
            Pinned: yes
            origin: none
        """.formatted(B, A, C);

    ObservedHost h = OstreeStatusParser.parse(OstreeAdminStatus.report(text, null, "t").toString(), "t");

    assertThat(h.fromOstree()).isTrue();
    assertThat(h.staged().origin()).isEqualTo(new OstreeOrigin("eos:os/eos/amd64/latest1", B));
    assertThat(h.booted().ostreeChecksum()).isEqualTo(A);
    assertThat(h.rollback().ostreeChecksum()).isEqualTo(C);
    assertThat(h.rollback().deploySerial()).isEqualTo(1);
    assertThat(h.rollback().pinned()).isTrue();
    assertThat(h.rollback().origin()).isNull();
    assertThat(h.usrOverlay()).isEqualTo(new UsrOverlay("readWrite", "transient"));
    assertThat(h.rollbackQueued()).isFalse();
  }

  @Test
  void aDeploymentBeforeTheBootedOne_notStaged_isAQueuedRollback_asBootcSaysIt() throws Exception {
    String text = "  eos " + B + ".0 (pending)\n    origin refspec: eos:r\n* eos " + A + ".0\n    origin refspec: eos:r\n";

    ObservedHost h = OstreeStatusParser.parse(OstreeAdminStatus.report(text, null, "t").toString(), "t");

    assertThat(h.rollbackQueued()).isTrue();
    assertThat(h.bootOrder()).isEqualTo("rollback");
    assertThat(h.rollback().ostreeChecksum()).isEqualTo(B);
  }

  @Test
  void aLineOfAnotherForm_isOneErrorNamingItsLine() {
    assertThatThrownBy(() -> OstreeAdminStatus.report("* eos " + A + ".0\nerror: Not an OSTree system\n", null,
        "web-01: ostree admin status"))
        .isInstanceOf(ObservedStateException.class)
        .hasMessage("web-01: ostree admin status:2: found \"error: Not an OSTree system\" (expected \"* STATEROOT"
            + " CHECKSUM.SERIAL [(staged|pending|rollback)]\", an indented detail line or \"No deployments.\")");
  }
}
