package dev.bootfleet.adapters.ostree;

import dev.bootfleet.adapters.exec.ToolRunner;
import dev.bootfleet.core.manifest.HostDriverKind;
import dev.bootfleet.core.observed.ObservedStateException;
import dev.bootfleet.core.observed.OstreeAdminStatus;
import dev.bootfleet.core.observed.UpdateDriver;
import dev.bootfleet.core.port.HostDriver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Drives a plain ostree host through ostree's command line (issue 18, ADR 0020): {@code ostree admin status}
 * read into bootfleet's ostree report, {@code remote add} with GPG verification on (never {@code
 * --no-gpg-verify}), {@code pull} of the pinned commit, {@code admin deploy} of that commit with an origin
 * file that follows the ref (so the host's own {@code ostree admin upgrade} would follow it too), staged
 * with {@code --stage} on a booted host, and {@code admin undeploy} to drop a staged or queued deployment.
 *
 * <p>{@code sysroot} names a sysroot that is not the running one (tests, image builds): every command
 * gets {@code --sysroot} or {@code --repo}, and deployments are written at once (ostree cannot stage
 * without a booted system). Another updater is found with {@code systemctl is-active} of the units
 * listed in {@link #UPDATERS}, when a systemctl command is given. Every call is an argument list,
 * bounded by the timeout; errors are one line.
 */
public final class OstreeCli implements HostDriver.Ostree {
  /** Updaters that update a plain ostree host on their own: name and systemd unit. */
  static final List<UpdateDriver> UPDATERS = List.of(
      new UpdateDriver("eos-autoupdater", "eos-autoupdater.timer"),
      new UpdateDriver("rpm-ostreed-automatic", "rpm-ostreed-automatic.timer"));

  private final ToolRunner ostree;
  private final ToolRunner systemctl;
  private final Path sysroot;

  /**
   * @param command the ostree executable, e.g. {@code [/usr/bin/ostree]}
   * @param sysroot a sysroot other than the running one, or null for the host's own
   * @param systemctl the systemctl executable to look for other updaters with, or null not to look
   */
  public OstreeCli(List<String> command, Path sysroot, List<String> systemctl, Duration timeout) {
    this.ostree = new ToolRunner("ostree", command, timeout);
    this.systemctl = systemctl == null ? null : new ToolRunner("systemctl", systemctl, timeout);
    this.sysroot = sysroot;
  }

  @Override
  public HostDriverKind kind() {
    return HostDriverKind.OSTREE;
  }

  /** The text {@code ostree admin status} prints. */
  public String adminStatus() throws HostException {
    return ostree.check(admin("status")).stdout();
  }

  @Override
  public String status() throws HostException {
    try {
      return OstreeAdminStatus.report(adminStatus(), updater(), "ostree admin status").toString();
    } catch (ObservedStateException e) {
      throw new HostException(e.getMessage());
    }
  }

  private UpdateDriver updater() throws HostException {
    if (systemctl == null) {
      return null;
    }
    for (UpdateDriver u : UPDATERS) {
      if (systemctl.run("is-active", "--quiet", u.unit()).exit() == 0) {
        return u;
      }
    }
    return null;
  }

  @Override
  public List<String> kargs() {
    return null;
  }

  @Override
  public boolean supportsKargs() {
    return false;
  }

  @Override
  public boolean setKargs(List<String> append, List<String> delete) throws HostException {
    throw new HostException("the ostree driver does not change kernel arguments");
  }

  @Override
  public boolean revertQueuedRollback() throws HostException {
    // ostree has no rollback toggle: the queued entry (first, before the booted one, not staged) is dropped.
    JsonNode list = report().get("deployments");
    if (list.isEmpty() || list.get(0).get("booted").asBoolean() || list.get(0).get("staged").asBoolean()) {
      return false;
    }
    boolean anyBooted = false;
    for (JsonNode d : list) {
      anyBooted |= d.get("booted").asBoolean();
    }
    if (!anyBooted) {
      return false;
    }
    ostree.check(admin("undeploy", "0"));
    return true;
  }

  @Override
  public boolean cancelStaged() throws HostException {
    JsonNode list = report().get("deployments");
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).get("staged").asBoolean()) {
        ostree.check(admin("undeploy", Integer.toString(i)));
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean addRemote(String name, String url) throws HostException {
    ToolRunner.Result have = ostree.run(repo("remote", "show-url", name));
    if (have.exit() == 0) {
      if (!have.stdout().strip().equals(url)) {
        throw new HostException("ostree remote " + name + " exists with URL " + have.stdout().strip()
            + ", not " + url + " (change it on the host, or name another remote in Git)");
      }
      return false;
    }
    ostree.check(repo("remote", "add", "--if-not-exists", name, url));
    return true;
  }

  @Override
  public void pull(String remote, String ref, String commit) throws HostException {
    ostree.check(repo("pull", remote, commit != null ? commit : ref));
  }

  @Override
  public void deploy(String stateroot, String remote, String ref, String commit) throws HostException {
    deployWithOrigin(stateroot, remote + ":" + ref, commit != null ? commit : remote + ":" + ref);
  }

  @Override
  public void redeploy(String stateroot, String refspec, String commit) throws HostException {
    deployWithOrigin(stateroot, refspec, commit);
  }

  private void deployWithOrigin(String stateroot, String refspec, String revision) throws HostException {
    Path origin;
    try {
      origin = Files.createTempFile("bootfleet-ostree-", ".origin");
      Files.writeString(origin, "[origin]\nrefspec=" + refspec + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new HostException("cannot write the origin file: " + e.getMessage());
    }
    try {
      List<String> args = new ArrayList<>(List.of("deploy", "--os=" + stateroot));
      if (sysroot == null) {
        args.add("--stage");
      }
      args.add("--origin-file=" + origin);
      args.add(revision);
      ostree.check(admin(args.toArray(String[]::new)));
    } finally {
      try {
        Files.deleteIfExists(origin);
      } catch (IOException ignored) {
        // a temporary file left behind holds only a refspec
      }
    }
  }

  private ObjectNode report() throws HostException {
    try {
      return OstreeAdminStatus.report(adminStatus(), null, "ostree admin status");
    } catch (ObservedStateException e) {
      throw new HostException(e.getMessage());
    }
  }

  private String[] admin(String... args) {
    List<String> all = new ArrayList<>(List.of("admin"));
    all.add(args[0]);
    if (sysroot != null) {
      all.add("--sysroot=" + sysroot);
    }
    all.addAll(List.of(args).subList(1, args.length));
    return all.toArray(String[]::new);
  }

  private String[] repo(String... args) {
    List<String> all = new ArrayList<>(List.of(args[0]));
    all.add("--repo=" + (sysroot == null ? Path.of("/ostree/repo") : sysroot.resolve("ostree/repo")));
    all.addAll(List.of(args).subList(1, args.length));
    return all.toArray(String[]::new);
  }
}
