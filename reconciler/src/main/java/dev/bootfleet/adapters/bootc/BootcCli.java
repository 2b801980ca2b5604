package dev.bootfleet.adapters.bootc;

import dev.bootfleet.adapters.exec.ToolRunner;
import dev.bootfleet.core.manifest.HostDriverKind;
import dev.bootfleet.core.port.HostDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives bootc through its command line, the interface bootc documents as stable. Every call is an
 * argument list (never a shell string), waits at most {@code timeout}, and never passes {@code --apply}:
 * bootc's {@code --apply} does not return, so reboots are the agent's, through systemd.
 *
 * <p>bootc has no verb that drops a staged deployment; {@link #lockStaged()} ({@code bootc upgrade
 * --download-only}) makes the next reboot discard it instead. Kernel arguments are not supported yet
 * (bootc changes them only through images or the newer {@code loader-entries} verb).
 */
public final class BootcCli implements HostDriver.Bootc {
  private final ToolRunner bootc;

  /**
   * @param command the bootc executable and any leading arguments, e.g. {@code [/usr/bin/bootc]} or
   *     {@code [bin/bootc-sim, --state-dir, /tmp/sim]}
   */
  public BootcCli(List<String> command, Duration timeout) {
    this.bootc = new ToolRunner("bootc", command, timeout);
  }

  @Override
  public HostDriverKind kind() {
    return HostDriverKind.BOOTC;
  }

  @Override
  public String status() throws HostException {
    return run("status", "--format=json", "--format-version=1");
  }

  @Override
  public List<String> kargs() {
    return null;
  }

  @Override
  public void switchTo(String ref, String transport, boolean enforce) throws HostException {
    List<String> args = new ArrayList<>(List.of("switch", "--quiet", "--transport", transport));
    if (enforce) {
      args.add("--enforce-container-sigpolicy");
    }
    args.add(ref);
    run(args.toArray(String[]::new));
  }

  @Override
  public void lockStaged() throws HostException {
    run("upgrade", "--quiet", "--download-only");
  }

  @Override
  public void unlockStaged() throws HostException {
    run("upgrade", "--quiet", "--from-downloaded");
  }

  @Override
  public void prepareSoftReboot() throws HostException {
    run("upgrade", "--quiet", "--from-downloaded", "--soft-reboot=required");
  }

  @Override
  public void rollback() throws HostException {
    run("rollback");
  }

  /** {@code bootc rollback}; the caller checks that a rollback is queued (the verb toggles). */
  @Override
  public boolean revertQueuedRollback() throws HostException {
    run("rollback");
    return true;
  }

  /** Runs bootc with {@code args}; returns stdout, or fails with the exit code and stderr's last line. */
  String run(String... args) throws HostException {
    return bootc.check(args).stdout();
  }
}
