package dev.bootfleet.app.agent;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.FlatpakApp;
import dev.bootfleet.core.manifest.FlatpakInstallation;
import dev.bootfleet.core.manifest.FlatpakRemote;
import dev.bootfleet.core.observed.FlatpakState;
import dev.bootfleet.core.plan.Action;
import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.port.FlatpakHost;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The agent's Flatpak side: what the installations Git names hold now (for the host's /etc report, from
 * which the planner plans Flatpak actions), and carrying out the plan's Flatpak actions. They apply
 * live: no reboot, no maintenance window, and they go ahead while the OS side is held.
 *
 * <p>A failed action is reported (a failed step and a problem) and the others still run: apps are
 * independent of each other, and one app gone from its remote must not keep every other app on the
 * desktop from being installed or moved to its pin, cycle after cycle. The one dependency is the remote:
 * when adding or changing remote R fails, the installs from R in that installation are skipped (they
 * would fail the same way) and the next cycle tries again.
 */
final class FlatpakApplier {
  private static final Pattern USERINFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s]*@");

  private final FlatpakHost host;

  FlatpakApplier(FlatpakHost host) {
    this.host = host;
  }

  /** The installations {@code want}'s remotes and apps use (empty when Git declares no Flatpaks). */
  static Set<FlatpakInstallation> installations(DesiredHost want) {
    Set<FlatpakInstallation> in = EnumSet.noneOf(FlatpakInstallation.class);
    if (want != null && want.flatpak() != null) {
      want.flatpak().remotes().stream().map(FlatpakRemote::installation).forEach(in::add);
      want.flatpak().apps().stream().map(FlatpakApp::installation).forEach(in::add);
    }
    return in;
  }

  /**
   * The Flatpak state of the installations {@code want} uses, for the report; {@code null} when Git
   * declares no Flatpaks for the host (nothing to report) or flatpak cannot be read (a problem in the
   * report; with no state the planner plans no Flatpak action).
   */
  FlatpakState observe(DesiredHost want, CycleReport rep) {
    Set<FlatpakInstallation> in = installations(want);
    if (in.isEmpty()) {
      return null;
    }
    try {
      return host.observe(in);
    } catch (FlatpakHost.FlatpakException e) {
      rep.problem(e.getMessage());
      return null;
    }
  }

  /**
   * Carries out the plan's Flatpak actions in the plan's order, each recorded as a step with the app's
   * full commit; returns whether anything changed.
   */
  boolean apply(HostPlan plan, CycleReport rep) {
    boolean changed = false;
    Set<String> failedRemotes = new HashSet<>();
    for (Action a : plan.actions()) {
      if (!a.isFlatpak()) {
        continue;
      }
      if (a instanceof Action.FlatpakInstall i && failedRemotes.contains(i.installation() + " " + i.remote())) {
        rep.step(a.type(), i.ref(), "skipped", "adding remote " + i.remote() + " failed in this cycle");
        continue;
      }
      try {
        FlatpakHost.Applied done = host.apply(a);
        rep.step(a.type(), target(a), done.changed() ? "done" : "skipped", detail(done));
        changed |= done.changed();
      } catch (FlatpakHost.FlatpakException e) {
        rep.step(a.type(), target(a), "failed", e.getMessage());
        rep.problem(e.getMessage());
        if (a instanceof Action.FlatpakRemoteAdd r) {
          failedRemotes.add(r.installation() + " " + r.name());
        }
      }
    }
    return changed;
  }

  private static String target(Action a) {
    return switch (a) {
      case Action.FlatpakRemoteAdd r -> r.name() + " " + redact(r.url());
      case Action.FlatpakInstall i -> i.ref();
      case Action.FlatpakUpdate u -> u.ref();
      case Action.FlatpakUninstall u -> u.ref();
      default -> a.type();
    };
  }

  private static String detail(FlatpakHost.Applied done) {
    return done.commit() == null ? done.detail() : "commit " + done.commit() + "; " + done.detail();
  }

  /** Report lines never carry URL credentials: {@code scheme://user:password@host} becomes {@code scheme://***@host}. */
  static String redact(String url) {
    return USERINFO.matcher(url).replaceAll("$1***@");
  }
}
