package dev.bootfleet.app.sim;

import dev.bootfleet.core.manifest.HostDriverKind;
import dev.bootfleet.core.port.HostDriver;
import dev.bootfleet.app.agent.SimulatedAgent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A SIMULATED bootc host kept in memory, for the fleet simulator: the agent drives it through the same
 * {@link HostDriver.Bootc} and {@link HostPower} ports as a real host, and it answers with the bootc
 * simulator's semantics and faults ({@link BootcSim}, shared with {@code bin/bootc-sim}), without a
 * process or a file per call. Images are looked up in a real registry through {@link ImageLookup}.
 * Thread-safe: the agent's thread and the simulator's own calls (faults, checks) may meet.
 */
final class MemoryBootc implements HostDriver.Bootc, SimulatedAgent.Power {
  private static final PrintWriter QUIET = new PrintWriter(OutputStream.nullOutputStream());

  private final SimState s = new SimState();
  private final ImageLookup lookup;
  private final Consumer<MemoryBootc> onStaged;
  private final String name;
  private boolean rebootAsked;
  /** Hears of reboots and rollbacks (the fleet simulator's --events); quiet until {@link #listen} is called. */
  private volatile Events events = Events.NONE;

  /** What a simulated host tells the fleet simulator besides a staged deployment; called under the host's lock. */
  interface Events {
    Events NONE = new Events() {};

    /** A reboot from the booted {@code from} digest; {@code to} is what it then booted. */
    default void rebooted(MemoryBootc host, String from, String to) {}

    /** {@code bootc rollback} queued the rollback deployment while {@code from} was booted. */
    default void rollbackQueued(MemoryBootc host, String from) {}
  }

  /**
   * A host named {@code name} that booted {@code image}; {@code onStaged} hears of each deployment
   * staged (under this host's lock: it must be quick).
   */
  MemoryBootc(String name, String image, String arch, ImageLookup lookup, Consumer<MemoryBootc> onStaged)
      throws HostException {
    this.name = name;
    this.lookup = lookup;
    this.onStaged = onStaged;
    s.arch = arch;
    s.bootId = UUID.randomUUID().toString();
    try {
      s.booted = pull(s, image, "registry", null, false);
    } catch (SimError e) {
      throw new HostException("simulated host " + name + ": " + e.getMessage());
    }
  }

  public String name() {
    return name;
  }

  /** Sets who hears of this host's reboots and rollbacks. */
  void listen(Events events) {
    this.events = events;
  }

  /** The digest of the staged deployment, or null. */
  public synchronized String stagedDigest() {
    return s.staged == null ? null : s.staged.imageDigest();
  }

  /** The digest of the booted deployment. */
  public synchronized String bootedDigest() {
    return s.booted.imageDigest();
  }

  /** Arms a fault as {@code bootc-sim fault} does; a {@link SimError} names a fault it does not know. */
  synchronized void fault(String fault, int times, int seconds) {
    BootcSim.arm(s, fault, times, seconds);
  }

  @Override
  public HostDriverKind kind() {
    return HostDriverKind.BOOTC;
  }

  @Override
  public synchronized String status() {
    return BootcSim.statusJson(s, false);
  }

  @Override
  public List<String> kargs() {
    return null;
  }

  @Override
  public void switchTo(String ref, String transport, boolean enforce) throws HostException {
    String staged = verb(() -> BootcSim.switchTo(s, ref, transport, enforce ? "containerPolicy" : null, this::pull,
        QUIET, kept -> {}));
    if (staged != null) {
      onStaged.accept(this);
    }
  }

  @Override
  public void lockStaged() throws HostException {
    verb(() -> {
      BootcSim.upgrade(s, false, true, this::pull, QUIET);
      return true;
    });
  }

  @Override
  public void unlockStaged() throws HostException {
    verb(() -> {
      BootcSim.fromDownloaded(s, QUIET);
      return true;
    });
  }

  @Override
  public void rollback() throws HostException {
    verb(() -> {
      boolean queued = BootcSim.rollback(s, QUIET);
      if (queued) {
        events.rollbackQueued(this, s.booted.imageDigest());
      }
      return queued;
    });
  }

  @Override
  public boolean revertQueuedRollback() throws HostException {
    synchronized (this) {
      if (!s.rollbackQueued) {
        return false;
      }
    }
    verb(() -> BootcSim.rollback(s, QUIET));
    return true;
  }

  @Override
  public void prepareSoftReboot() throws HostException {
    verb(() -> {
      BootcSim.fromDownloaded(s, QUIET);
      BootcSim.prepareSoftReboot(s, "required", QUIET);
      return true;
    });
  }

  /** The kernel's boot id, with this kernel boot's soft reboots as the agent's {@code SystemPower} tells them. */
  @Override
  public synchronized String bootId() {
    return s.softReboots > 0 ? s.bootId + "+soft" + s.softReboots : s.bootId;
  }

  /** A simulated soft reboot, at once: userspace only, into the staged entry where one was prepared. */
  @Override
  public synchronized void softReboot() {
    String from = s.booted.imageDigest();
    BootcSim.softReboot(s);
    events.rebooted(this, from, s.booted.imageDigest());
  }

  @Override
  public String describeSoftReboot() {
    return "simulated soft reboot (fleet simulator)";
  }

  /**
   * Asks for a reboot. As on a real host, the machine goes down after the call returns, not during it: what the
   * agent reads for the rest of its cycle is still this boot, and {@link #restart} (between two of the agent's
   * cycles) is the shutdown and the next boot.
   */
  @Override
  public synchronized void reboot() {
    rebootAsked = true;
  }

  /**
   * The reboot asked for, if one was: what ostree and the bootloader do across a shutdown and the next boot.
   * Returns whether the host rebooted.
   */
  @Override
  public synchronized boolean restart() {
    if (!rebootAsked) {
      return false;
    }
    rebootAsked = false;
    String from = s.booted.imageDigest();
    BootcSim.reboot(s);
    events.rebooted(this, from, s.booted.imageDigest());
    return true;
  }

  @Override
  public String describeReboot() {
    return "simulated reboot (fleet simulator)";
  }

  private interface Verb {
    boolean run() throws IOException;
  }

  /** Runs a verb under this host's lock; returns the staged digest after it, or throws bootc's error. */
  private synchronized String verb(Verb v) throws HostException {
    String before = s.staged == null ? null : s.staged.imageDigest();
    try {
      v.run();
    } catch (SimError | IOException e) {
      throw new HostException("bootc (simulated) failed: " + e.getMessage());
    }
    String after = s.staged == null ? null : s.staged.imageDigest();
    return after != null && !after.equals(before) ? after : null;
  }

  /**
   * What the simulator's pull does, in memory: looks {@code ref} up, then waits out an armed slow download
   * (the fault's own pause, disarmed first as the file simulator does).
   */
  private SimState.Deployment pull(SimState st, String ref, String transport, String sig, boolean downloadOnly) {
    ImageLookup.Image img;
    try {
      img = lookup.resolve(ref, transport, st.arch);
    } catch (ImageLookup.PullFailed e) {
      throw new SimError(1, "error: Switching: Pulling: " + e.getMessage());
    }
    int seconds = st.faults.slowDownloadSeconds;
    if (seconds > 0) {
      st.faults.slowDownloadSeconds = 0;
      try {
        Thread.sleep(seconds * 1000L); // the fault is a slow pull; nothing waits on it but this host
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return BootcSim.deployment(st, img, ref, transport, sig, downloadOnly);
  }
}
