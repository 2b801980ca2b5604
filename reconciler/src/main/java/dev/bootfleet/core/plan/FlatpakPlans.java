package dev.bootfleet.core.plan;

import dev.bootfleet.core.manifest.FlatpakApp;
import dev.bootfleet.core.manifest.FlatpakRemote;
import dev.bootfleet.core.manifest.Flatpaks;
import dev.bootfleet.core.observed.EtcReport;
import dev.bootfleet.core.observed.FlatpakState;

/**
 * The Flatpak part of a plan: remotes and apps Git lists against what the agent found. Flatpaks live
 * outside the OS image ({@code /var/lib/flatpak}), so they apply live, with no reboot, whatever driver
 * changes the OS, and even on a held host. Apps Git does not list are left alone (the user's own).
 */
final class FlatpakPlans {
  private FlatpakPlans() {}

  static void plan(Flatpaks want, EtcReport report, Planner.Findings f) {
    if (want.isEmpty()) {
      return;
    }
    if (report == null || report.flatpak() == null) {
      f.notes.add("no Flatpak report from this host; Flatpaks were not compared");
      return;
    }
    FlatpakState have = report.flatpak();
    int before = f.flatpaks.size();
    for (FlatpakRemote r : want.remotes()) {
      FlatpakState.Remote got = have.remotes().stream()
          .filter(g -> g.installation().equals(r.installation().id()) && g.name().equals(r.name()))
          .findFirst().orElse(null);
      if (got == null) {
        f.flatpaks.add(new Action.FlatpakRemoteAdd(r.name(), r.url(), r.installation().id(), null));
      } else if (!FlatpakRemote.urlSatisfied(r.url(), got.url())) {
        f.flatpaks.add(new Action.FlatpakRemoteAdd(r.name(), r.url(), r.installation().id(), got.url()));
      }
    }
    for (FlatpakApp app : want.apps()) {
      FlatpakState.App got = have.apps().stream().filter(g -> same(app, g)).findFirst().orElse(null);
      String installation = app.installation().id();
      if (app.absent()) {
        if (got != null) {
          f.flatpaks.add(new Action.FlatpakUninstall(got.ref(), installation, got.commit()));
        }
      } else if (got == null) {
        f.flatpaks.add(new Action.FlatpakInstall(app.ref(), app.remote(), installation, app.commit()));
      } else if (!got.origin().equals(app.remote())) {
        // flatpak install refuses an app installed from another remote: remove it, then install.
        f.flatpaks.add(new Action.FlatpakUninstall(got.ref(), installation, got.commit()));
        f.flatpaks.add(new Action.FlatpakInstall(app.ref(), app.remote(), installation, app.commit()));
        f.notes.add(app.id() + " is installed from remote " + got.origin() + ", Git says " + app.remote()
            + ": it is reinstalled");
      } else if (app.commit() != null && !app.commit().equals(got.commit())) {
        f.flatpaks.add(new Action.FlatpakUpdate(got.ref(), installation, app.commit(), got.commit()));
      } else if (app.commit() == null && got.masked()) {
        // Git dropped the pin: unmask it, or it never follows its branch again.
        f.flatpaks.add(new Action.FlatpakUpdate(got.ref(), installation, null, got.commit()));
      }
    }
    int changed = f.flatpaks.size() - before;
    if (changed > 0) {
      f.reasons.add(changed + (changed == 1 ? " Flatpak change" : " Flatpak changes"));
    }
  }

  /** The same installation, ID and branch, and the architecture when Git names one. */
  private static boolean same(FlatpakApp want, FlatpakState.App got) {
    return got.installation().equals(want.installation().id()) && got.id().equals(want.id())
        && got.branch().equals(want.branch()) && (want.arch() == null || want.arch().equals(got.arch()));
  }
}
