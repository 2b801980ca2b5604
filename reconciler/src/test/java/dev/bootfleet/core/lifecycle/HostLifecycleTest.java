package dev.bootfleet.core.lifecycle;

import static dev.bootfleet.core.plan.Hosts.NEW;
import static dev.bootfleet.core.plan.Hosts.OLD;
import static dev.bootfleet.core.plan.Hosts.OTHER;
import static dev.bootfleet.core.plan.Hosts.desired;
import static dev.bootfleet.core.plan.Hosts.entry;
import static dev.bootfleet.core.plan.Hosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.HostDriverKind;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.plan.Action;
import dev.bootfleet.core.plan.BootCheck.Outcome;
import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.plan.Planner;
import dev.bootfleet.core.status.Reason;
import dev.bootfleet.core.status.SyncStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The host's lifecycle, row by row: every boot outcome the agent knows, how lost updates count up to a
 * hold, when a hold ends, what a held host may still do, the reboot grace and the reboot slot.
 */
class HostLifecycleTest {
  static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  static final Planner PLANNER = new Planner(Clock.fixed(NOW, ZoneOffset.UTC));

  /** What the agent recorded when it staged NEW in boot-1, over OLD. */
  static HostRecord.Staged staged(boolean locked, boolean rebootAsked) {
    return new HostRecord.Staged(NEW, "registry", false, "boot-1", OLD, locked, rebootAsked ? "boot-1" : null,
        rebootAsked ? NOW.minusSeconds(60).toString() : null, null, null);
  }

  static HostRecord with(HostRecord.Staged s, int lost) {
    return HostRecord.EMPTY.withStaged(s).withLostAttempts(lost);
  }

  static HostRecord.Hold hold(String ref, Outcome o, boolean reverted) {
    return new HostRecord.Hold(ref, o.id(), "held", NOW.toString(), reverted);
  }

  static Stream<Arguments> boots() {
    ObservedHost oldBooted = host(entry(OLD), null, null, false);
    return Stream.of(
        // name, record, boot, host, outcome, staged after, lost after, hold outcome after, restageable after
        Arguments.of("nothing staged", HostRecord.EMPTY, "boot-2", oldBooted, Outcome.NONE, false, 0, null, List.of()),
        Arguments.of("same boot: pending", with(staged(false, false), 0), "boot-1",
            host(entry(OLD), entry(NEW), null, false), Outcome.PENDING, true, 0, null, List.of()),
        Arguments.of("a reboot kept it staged: pending in the new boot", with(staged(false, false), 0), "boot-2",
            host(entry(OLD), entry(NEW), null, false), Outcome.PENDING, true, 0, null, List.of()),
        Arguments.of("booted it: converged, the image left may come back", with(staged(false, true), 2), "boot-2",
            host(entry(NEW), null, entry(OLD), false), Outcome.CONVERGED, false, 0, null, List.of(OLD)),
        Arguments.of("locked entry discarded by a reboot nobody asked for", with(staged(true, false), 0), "boot-2",
            oldBooted, Outcome.STAGED_DISCARDED, false, 0, null, List.of()),
        Arguments.of("lost once: counted", with(staged(false, true), 0), "boot-2", oldBooted, Outcome.STAGED_LOST,
            false, 1, null, List.of()),
        Arguments.of("lost a second time", with(staged(false, true), 1), "boot-2", oldBooted, Outcome.STAGED_LOST,
            false, 2, null, List.of()),
        Arguments.of("lost a third time: held", with(staged(false, true), 2), "boot-2", oldBooted,
            Outcome.STAGED_LOST, false, 3, "staged-update-lost", List.of()),
        Arguments.of("bootloader fallback: held", with(staged(false, true), 0), "boot-2",
            host(entry(OLD), null, entry(NEW), true), Outcome.BOOTLOADER_FALLBACK, false, 0, "bootloader-fallback",
            List.of()),
        Arguments.of("explicit rollback: held", with(staged(false, true), 0), "boot-2",
            host(entry(OLD), null, entry(NEW), false), Outcome.EXPLICIT_ROLLBACK, false, 0, "explicit-rollback",
            List.of()),
        Arguments.of("a held image may not come back from the rollback slot", with(staged(false, true), 0)
            .remember(NEW), "boot-2", host(entry(OLD), null, entry(NEW), false), Outcome.EXPLICIT_ROLLBACK, false, 0,
            "explicit-rollback", List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("boots")
  void afterBoot(String name, HostRecord r, String bootId, ObservedHost host, Outcome outcome, boolean stillStaged,
      int lost, String holdOutcome, List<String> restageable) {
    HostLifecycle.AfterBoot b = HostLifecycle.afterBoot(r, bootId, host, NOW);
    assertThat(b.outcome()).isEqualTo(outcome);
    assertThat(b.record().staged() != null).as("still staged").isEqualTo(stillStaged);
    assertThat(b.record().lostAttempts()).isEqualTo(lost);
    assertThat(b.record().hold() == null ? null : b.record().hold().outcome()).isEqualTo(holdOutcome);
    assertThat(b.record().restageable()).isEqualTo(restageable);
    boolean ended = outcome != Outcome.NONE && outcome != Outcome.PENDING;
    assertThat(b.decided()).isEqualTo(ended);
    assertThat(b.record().lastBoot() == null ? null : b.record().lastBoot().outcome())
        .isEqualTo(ended ? outcome.id() : null);
    if (stillStaged) {
      assertThat(b.record().staged().bootId()).as("pending in this boot").isEqualTo(bootId);
    }
  }

  @Test
  void afterBoot_holdSentences_sayWhatLiftsThem() {
    HostRecord lost = HostLifecycle.afterBoot(with(staged(false, true), 2), "boot-2",
        host(entry(OLD), null, null, false), NOW).record();
    HostRecord fell = HostLifecycle.afterBoot(with(staged(false, true), 0), "boot-2",
        host(entry(OLD), null, entry(NEW), true), NOW).record();
    HostRecord back = HostLifecycle.afterBoot(with(staged(false, true), 0), "boot-2",
        host(entry(OLD), null, entry(NEW), false), NOW).record();
    assertThat(List.of(lost, fell, back)).allSatisfy(r -> {
      assertThat(r.hold().reason()).contains(Reason.UNTIL_GIT_OR_OPERATOR).contains(NEW);
      assertThat(r.hold().since()).isEqualTo(NOW.toString());
      assertThat(r.hold().rollbackReverted()).isFalse();
    });
    assertThat(back.hold().reason()).contains("bootfleet agent clear-hold");
  }

  static Stream<Arguments> holds() {
    return Stream.of(
        Arguments.of("no hold", null, NEW, host(entry(OLD), null, entry(NEW), false), false, null),
        Arguments.of("Git names another image: ends, lost count afresh", hold(NEW, Outcome.STAGED_LOST, false), OTHER,
            host(entry(OLD), null, null, false), false, "the hold on " + NEW + " ends: Git names " + OTHER),
        Arguments.of("the host runs the held image after all: ends", hold(NEW, Outcome.EXPLICIT_ROLLBACK, false), NEW,
            host(entry(NEW), null, entry(OLD), false), false, "the hold on " + NEW + " ends: the host runs it"),
        Arguments.of("same image, not running it: stays", hold(NEW, Outcome.EXPLICIT_ROLLBACK, false), NEW,
            host(entry(OLD), null, entry(NEW), false), true, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("holds")
  void settleHold(String name, HostRecord.Hold h, String git, ObservedHost host, boolean stays, String note) {
    HostRecord r = HostRecord.EMPTY.withHold(h).withLostAttempts(h == null ? 0 : 3);
    HostLifecycle.Settled s = HostLifecycle.settleHold(r, desired(git), host, PLANNER);
    assertThat(s.note()).isEqualTo(note);
    assertThat(s.record().hold() != null).isEqualTo(stays);
    if (note != null && note.contains("Git names")) {
      assertThat(s.record().lostAttempts()).isZero();
    }
  }

  static HostPlan plan(SyncStatus status, Action... actions) {
    return new HostPlan("web-01", status, "why", List.of(actions), List.of(), NEW, OLD);
  }

  static HostPlan fallbackPlan() {
    return new HostPlan("web-01", SyncStatus.HELD, "fell back", List.of(), List.of(), NEW, OLD,
        Reason.BOOTLOADER_FALLBACK);
  }

  static Stream<Arguments> verdicts() {
    Action stage = new Action.Stage(NEW, "registry", false, null, OLD);
    Action reboot = new Action.Reboot(NEW);
    Action file = new Action.RemoveFile("/etc/motd", null, null);
    ObservedHost queued = host(entry(OLD), null, entry(NEW), true);
    ObservedHost notQueued = host(entry(OLD), null, entry(NEW), false);
    return Stream.of(
        // name, hold, plan, host, status, run, skipped, keepFallback
        Arguments.of("drifted: OS steps run, files are not theirs", null, plan(SyncStatus.DRIFTED, file, stage, reboot),
            notQueued, SyncStatus.DRIFTED, 2, 0, false),
        Arguments.of("in sync: nothing", null, plan(SyncStatus.IN_SYNC), notQueued, SyncStatus.IN_SYNC, 0, 0, false),
        Arguments.of("held by the record: every OS step skipped", hold(NEW, Outcome.EXPLICIT_ROLLBACK, false),
            plan(SyncStatus.DRIFTED, file, stage, reboot), notQueued, SyncStatus.HELD, 0, 2, false),
        Arguments.of("held by the plan", null, plan(SyncStatus.HELD), notQueued, SyncStatus.HELD, 0, 0, false),
        Arguments.of("held by the plan after a clear-hold, failed image still queued: keep the fallback", null,
            fallbackPlan(), queued, SyncStatus.HELD, 0, 0, true),
        Arguments.of("fallback, failed image queued: keep the fallback", hold(NEW, Outcome.BOOTLOADER_FALLBACK, false),
            plan(SyncStatus.HELD), queued, SyncStatus.HELD, 0, 0, true),
        Arguments.of("fallback already kept: never a second rollback", hold(NEW, Outcome.BOOTLOADER_FALLBACK, true),
            plan(SyncStatus.HELD), queued, SyncStatus.HELD, 0, 0, false),
        Arguments.of("fallback, nothing queued any more", hold(NEW, Outcome.BOOTLOADER_FALLBACK, false),
            plan(SyncStatus.HELD), notQueued, SyncStatus.HELD, 0, 0, false),
        Arguments.of("explicit rollback: a queued rollback is not ours to touch",
            hold(NEW, Outcome.EXPLICIT_ROLLBACK, false), plan(SyncStatus.HELD), queued, SyncStatus.HELD, 0, 0, false),
        Arguments.of("lost updates: nothing to revert", hold(NEW, Outcome.STAGED_LOST, false), plan(SyncStatus.HELD),
            queued, SyncStatus.HELD, 0, 0, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("verdicts")
  void judge(String name, HostRecord.Hold h, HostPlan plan, ObservedHost host, SyncStatus status, int run,
      int skipped, boolean keep) {
    HostLifecycle.Verdict v = HostLifecycle.judge(HostRecord.EMPTY.withHold(h), plan, host, false);
    assertThat(v.status()).isEqualTo(status);
    assertThat(v.why().status()).isEqualTo(status);
    assertThat(v.run()).hasSize(run);
    assertThat(v.skipped()).hasSize(skipped);
    assertThat(v.keepFallback()).isEqualTo(keep);
    if (h != null) {
      assertThat(v.hold()).isEqualTo(h);
    } else if (status == SyncStatus.HELD) {
      assertThat(v.hold().reason()).as("the report's hold agrees with its status").isEqualTo(plan.reason());
    } else {
      assertThat(v.hold()).isNull();
    }
    if (h != null) {
      assertThat(v.why()).isEqualTo(Reason.ofHold(h.outcome()));
    }
  }

  @Test
  void judge_aFailedLiveChange_isNeverInSync() {
    HostLifecycle.Verdict v = HostLifecycle.judge(HostRecord.EMPTY, plan(SyncStatus.IN_SYNC),
        host(entry(NEW), null, null, false), true);
    assertThat(v.status()).isEqualTo(SyncStatus.DRIFTED);
    assertThat(v.why()).isEqualTo(Reason.APPLY_FAILED);
    HostLifecycle.Verdict drifted = HostLifecycle.judge(HostRecord.EMPTY, plan(SyncStatus.DRIFTED,
        new Action.RemoveFile("/etc/motd", null, null)), host(entry(NEW), null, null, false), true);
    assertThat(drifted.why()).as("a failure says more than the drift").isEqualTo(Reason.APPLY_FAILED);
    assertThat(drifted.reason()).startsWith("why; ");
  }

  @Test
  void fallbackKept_marksTheHold_soItIsNeverDoneTwice() {
    HostRecord r = HostLifecycle.fallbackKept(HostRecord.EMPTY.withHold(hold(NEW, Outcome.BOOTLOADER_FALLBACK, false)));
    assertThat(HostLifecycle.judge(r, plan(SyncStatus.HELD), host(entry(OLD), null, entry(NEW), true), false)
        .keepFallback()).isFalse();
  }

  static Stream<Arguments> reboots() {
    return Stream.of(
        Arguments.of("nothing staged", null, "boot-1", NOW, false),
        Arguments.of("not asked yet", staged(false, false), "boot-1", NOW, false),
        Arguments.of("asked in this boot, within the grace", staged(false, true), "boot-1", NOW, true),
        Arguments.of("asked in this boot, grace over", staged(false, true), "boot-1",
            NOW.plus(HostLifecycle.REBOOT_GRACE), false),
        Arguments.of("asked in another boot", staged(false, true), "boot-2", NOW, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reboots")
  void awaitedReboot(String name, HostRecord.Staged s, String bootId, Instant now, boolean awaited) {
    assertThat(HostLifecycle.awaitedReboot(HostRecord.EMPTY.withStaged(s), bootId, now) != null).isEqualTo(awaited);
  }

  @Test
  void rebootAsked_thenFailed_mayBeAskedAgainAtOnce() {
    HostRecord asked = HostLifecycle.rebootAsked(with(staged(false, false), 0), "boot-1", NOW);
    assertThat(HostLifecycle.awaitedReboot(asked, "boot-1", NOW)).isNotNull();
    assertThat(HostLifecycle.awaitedReboot(HostLifecycle.rebootFailed(asked), "boot-1", NOW)).isNull();
  }

  static Stream<Arguments> slots() {
    HostRecord.Lock fromBoot1 = new HostRecord.Lock(true, "boot-1", NOW.toString());
    return Stream.of(
        Arguments.of("first cycle: steady state once, as Zincati does", null, null, "boot-1", true, true),
        Arguments.of("no slot, later cycle", null, null, "boot-1", false, false),
        Arguments.of("slot from an earlier boot: the reboot is over", fromBoot1, null, "boot-2", false, true),
        Arguments.of("slot taken in this boot: the reboot is to come", fromBoot1, null, "boot-1", false, false),
        Arguments.of("a reboot asked for in this boot is pending, even on the first cycle", fromBoot1,
            staged(false, true), "boot-1", true, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("slots")
  void releaseSlot(String name, HostRecord.Lock slot, HostRecord.Staged s, String bootId, boolean first,
      boolean release) {
    HostRecord r = HostRecord.EMPTY.withRebootSlot(slot).withStaged(s);
    assertThat(HostLifecycle.releaseSlot(r, bootId, first)).isEqualTo(release);
  }

  @Test
  void clearHold_letsTheImageBeStagedAgain_andCountsAfresh() {
    HostRecord r = HostRecord.EMPTY.withHold(hold(NEW, Outcome.STAGED_LOST, false)).withLostAttempts(3).clearHold();
    assertThat(r.hold()).isNull();
    assertThat(r.lostAttempts()).isZero();
    assertThat(r.restageable()).containsExactly(NEW);
  }

  @Test
  void concluded_recordsTheRevisionOnlyWhenInSync() {
    assertThat(HostLifecycle.concluded(HostRecord.EMPTY, SyncStatus.IN_SYNC, "main@sha1:1").lastAppliedRevision())
        .isEqualTo("main@sha1:1");
    assertThat(HostLifecycle.concluded(HostRecord.EMPTY.withLastAppliedRevision("main@sha1:1"), SyncStatus.DRIFTED,
        "main@sha1:2").lastAppliedRevision()).isEqualTo("main@sha1:1");
  }

  static Stream<Arguments> rolloutOrders() {
    Action stage = new Action.Stage(NEW, "registry", false, null, OLD);
    Action reboot = new Action.Reboot(NEW);
    return Stream.of(
        Arguments.of("no unstage: the plan stands", List.of(stage, reboot), false, host(entry(OLD), null, null, false),
            List.of("stage", "reboot")),
        Arguments.of("unstage, nothing staged: nothing staged or rebooted", List.of(stage, reboot), true,
            host(entry(OLD), null, null, false), List.of()),
        Arguments.of("unstage, staged: cancelled", List.of(reboot), true, host(entry(OLD), entry(NEW), null, false),
            List.of("cancel-staged")),
        Arguments.of("unstage, already locked: not again", List.of(new Action.UnlockStaged(NEW), reboot), true,
            host(entry(OLD), entry(NEW, "registry", null, true), null, false), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rolloutOrders")
  void underRollout(String name, List<Action> run, boolean unstage, ObservedHost host, List<String> types) {
    assertThat(HostLifecycle.underRollout(run, unstage, host)).extracting(Action::type).isEqualTo(types);
  }

  static Stream<Arguments> rollbacks() {
    String rejected = NEW.substring(NEW.indexOf('@') + 1);
    return Stream.of(
        Arguments.of("no rollbackFrom: none", null, host(entry(NEW), null, entry(OLD), false), false),
        Arguments.of("boots the rejected digest: roll back", rejected, host(entry(NEW), null, entry(OLD), false), true),
        Arguments.of("rollback already queued: never a second (it toggles)", rejected,
            host(entry(NEW), null, entry(OLD), true), false),
        Arguments.of("boots another digest (already back): none", rejected, host(entry(OLD), null, entry(NEW), false),
            false),
        Arguments.of("nothing to go back to: none", rejected, host(entry(NEW), null, null, false), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rollbacks")
  void rollBack(String name, String rollbackFrom, ObservedHost host, boolean expected) {
    assertThat(HostLifecycle.rollBack(rollbackFrom, host)).isEqualTo(expected);
  }

  /** A plain ostree deployment of {@code commit} (origin r:os/stable), serial {@code serial}. */
  static dev.bootfleet.core.observed.BootEntry ostree(char commit, int serial) {
    String c = String.valueOf(commit).repeat(64);
    return new dev.bootfleet.core.observed.BootEntry(null, null, false, false, false, false, c, serial, "os",
        null, new dev.bootfleet.core.observed.OstreeOrigin("r:os/stable", c));
  }

  static Stream<Arguments> rollbackSteps() {
    String rejected = NEW.substring(NEW.indexOf('@') + 1);
    HostLifecycle.RollbackStep queue = new HostLifecycle.RollbackStep(true, false);
    HostLifecycle.RollbackStep rebootOnly = new HostLifecycle.RollbackStep(false, false);
    String b = "b".repeat(64);
    return Stream.of(
        Arguments.of("bootc: rollback", HostDriverKind.BOOTC, rejected, host(entry(NEW), null, entry(OLD), false), queue),
        Arguments.of("bootc: queued already: only the reboot (it toggles)", HostDriverKind.BOOTC, rejected,
            host(entry(NEW), null, entry(OLD), true), rebootOnly),
        Arguments.of("bootc: a staged entry is bootc's to drop", HostDriverKind.BOOTC, rejected,
            host(entry(NEW), entry(OTHER), entry(OLD), false), queue),
        Arguments.of("rpm-ostree: rollback", HostDriverKind.RPM_OSTREE, rejected,
            host(entry(NEW), null, entry(OLD), false), queue),
        Arguments.of("rpm-ostree: staged: cleanup -p first (rollback refuses)", HostDriverKind.RPM_OSTREE, rejected,
            host(entry(NEW), entry(OTHER), entry(OLD), false), new HostLifecycle.RollbackStep(true, true)),
        Arguments.of("rpm-ostree: queued already: only the reboot", HostDriverKind.RPM_OSTREE, rejected,
            host(entry(NEW), null, entry(OLD), true), rebootOnly),
        Arguments.of("rpm-ostree: booting another digest: none", HostDriverKind.RPM_OSTREE, rejected,
            host(entry(OLD), null, entry(NEW), false), null),
        Arguments.of("ostree: deploy the rollback's commit again", HostDriverKind.OSTREE, b,
            host(ostree('b', 0), null, ostree('a', 0), false), queue),
        Arguments.of("ostree: its commit staged already: only the reboot", HostDriverKind.OSTREE, b,
            host(ostree('b', 0), ostree('a', 1), ostree('a', 0), false), rebootOnly),
        Arguments.of("ostree: another commit staged: deploy replaces it", HostDriverKind.OSTREE, b,
            host(ostree('b', 0), ostree('c', 0), ostree('a', 0), false), queue),
        Arguments.of("ostree: a queued (pending) rollback: only the reboot", HostDriverKind.OSTREE, b,
            host(ostree('b', 0), null, ostree('a', 0), true), rebootOnly),
        Arguments.of("ostree: nothing to go back to: none", HostDriverKind.OSTREE, b,
            host(ostree('b', 0), null, null, false), null),
        Arguments.of("ostree: back already: none", HostDriverKind.OSTREE, b,
            host(ostree('a', 1), null, ostree('b', 0), false), null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rollbackSteps")
  void rollbackFrom(String name, HostDriverKind kind, String from, ObservedHost host,
      HostLifecycle.RollbackStep expected) {
    assertThat(HostLifecycle.rollbackFrom(from, host, kind)).isEqualTo(expected);
  }

  @Test
  void rolledBack_byDeployment_isCheckedByDeploymentAfterTheBoot() {
    ObservedHost before = host(ostree('b', 0), null, ostree('a', 0), false);
    HostRecord r = HostLifecycle.rolledBack(HostRecord.EMPTY, before, ostree('a', 1), "boot-1", true);
    assertThat(r.staged().byDeployment()).isTrue();
    assertThat(r.staged().transport()).isEqualTo("ostree");
    HostLifecycle.AfterBoot after = HostLifecycle.afterBoot(r, "boot-2",
        host(ostree('a', 1), null, ostree('b', 0), false), NOW);
    assertThat(after.outcome()).isEqualTo(Outcome.CONVERGED);
  }

  static Stream<Arguments> rebootHows() {
    dev.bootfleet.core.observed.BootEntry capable = new dev.bootfleet.core.observed.BootEntry(entry(NEW).image(), null,
        false, false, true, false, null, null, null);
    return Stream.of(
        Arguments.of("no soft reboot asked: full, nothing to say", false, host(entry(OLD), capable, null, false), false,
            null),
        Arguments.of("asked, the staged entry is capable: soft", true, host(entry(OLD), capable, null, false), true,
            "soft reboot"),
        Arguments.of("asked, not capable (kernel arguments differ): full, and why", true,
            host(entry(OLD), entry(NEW), null, false), false, "not soft-reboot capable"),
        Arguments.of("asked, nothing staged: full", true, host(entry(OLD), null, null, false), false,
            "not soft-reboot capable"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rebootHows")
  void rebootHow(String name, boolean asked, ObservedHost host, boolean soft, String why) {
    HostLifecycle.RebootHow how = HostLifecycle.rebootHow(asked, host);
    assertThat(how.soft()).isEqualTo(soft);
    if (why == null) {
      assertThat(how.why()).isNull();
    } else {
      assertThat(how.why()).contains(why);
    }
  }
}
