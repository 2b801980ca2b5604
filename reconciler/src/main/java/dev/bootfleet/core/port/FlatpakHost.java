package dev.bootfleet.core.port;

import dev.bootfleet.core.manifest.FlatpakInstallation;
import dev.bootfleet.core.observed.FlatpakState;
import dev.bootfleet.core.plan.Action;
import java.util.Set;

/**
 * The Flatpak installations of one host, as the agent reads and changes them. The implementation runs
 * the {@code flatpak} command line ({@code adapters.flatpak.FlatpakCli}). Every change applies live: no
 * reboot.
 */
public interface FlatpakHost {

  /** The remotes and apps (each with its full active commit) of the given installations. */
  FlatpakState observe(Set<FlatpakInstallation> installations) throws FlatpakException;

  /**
   * Carries out one Flatpak action ({@link Action#isFlatpak()}) in its safe form, and checks the result:
   * an install or update that leaves the app on another commit than the one pinned is an error.
   *
   * @throws IllegalArgumentException when {@code action} is not a Flatpak action
   */
  Applied apply(Action action) throws FlatpakException;

  /**
   * What an action did.
   *
   * @param detail one line for the agent's report, e.g. {@code "installed from flathub; pinned and masked"}
   * @param commit the app's full commit after the action (before it, for an uninstall), or {@code null}
   *     for a remote
   * @param changed whether anything changed (an uninstall of an app that is not there changes nothing)
   */
  record Applied(String detail, String commit, boolean changed) {}

  /** A command that failed, timed out or could not start, or printed what it should not: one line, no secrets. */
  final class FlatpakException extends Exception {
    private static final long serialVersionUID = 1L;

    public FlatpakException(String message) {
      super(message);
    }
  }
}
