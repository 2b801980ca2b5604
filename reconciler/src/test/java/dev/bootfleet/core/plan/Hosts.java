package dev.bootfleet.core.plan;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.EtcFile;
import dev.bootfleet.core.manifest.FileContent;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.ImageSpec;
import dev.bootfleet.core.manifest.Kargs;
import dev.bootfleet.core.manifest.Transport;
import dev.bootfleet.core.observed.BootEntry;
import dev.bootfleet.core.observed.EtcFileState;
import dev.bootfleet.core.observed.EtcReport;
import dev.bootfleet.core.observed.ImageReference;
import dev.bootfleet.core.observed.ImageStatus;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.observed.UsrOverlay;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Builders for desired and observed hosts in plan tests. */
public final class Hosts {
  public static final String REPO = "quay.io/example/os";
  public static final String NEW = REPO + "@sha256:" + "b".repeat(64);
  public static final String OLD = REPO + "@sha256:" + "a".repeat(64);
  public static final String OTHER = REPO + "@sha256:" + "c".repeat(64);

  private Hosts() {}

  public static DesiredHost desired(String ref) {
    return desired(ref, Transport.REGISTRY, false, List.of(), Kargs.NONE);
  }

  public static DesiredHost desired(String ref, Transport t, boolean enforce, List<EtcFile> etc, Kargs kargs) {
    ImageRef parsed = t == Transport.OCI ? null : ImageRef.parse(ref);
    return new DesiredHost("h1", Map.of(), new ImageSpec(ref, t, enforce, parsed), etc, kargs, List.of(), "hosts/h1.yaml");
  }

  public static EtcFile file(String path, String content, int mode) {
    return new EtcFile(path, false, FileContent.of(content), mode, "root", "root", "host h1");
  }

  public static EtcFile absent(String path) {
    return new EtcFile(path, true, null, 0644, "root", "root", "host h1");
  }

  public static EtcFileState state(String path, String content, String mode) {
    return new EtcFileState(path, FileContent.of(content).sha256(), mode, "root", "root", content);
  }

  public static Kargs kargs(List<String> append, List<String> delete) {
    return new Kargs(new TreeSet<>(append), new TreeSet<>(delete));
  }

  public static BootEntry entry(String ref) {
    return entry(ref, "registry", null, false);
  }

  public static BootEntry entry(String ref, String transport, String signature, boolean downloadOnly) {
    ImageStatus image = ref == null ? null : new ImageStatus(new ImageReference(ref, transport, signature), "42",
        null, "sha256:" + "d".repeat(64), "amd64");
    return new BootEntry(image, null, false, false, false, downloadOnly, null, null, null);
  }

  public static BootEntry incompatible(String ref) {
    BootEntry e = entry(ref);
    return new BootEntry(e.image(), null, true, false, false, false, null, null, null);
  }

  /** An observed host: booted, staged and rollback entries (any may be null). */
  public static ObservedHost host(BootEntry booted, BootEntry staged, BootEntry rollback, boolean rollbackQueued) {
    return new ObservedHost("org.containers.bootc/v1", null, rollbackQueued ? "rollback" : "default", staged,
        booted, rollback, List.of(), rollbackQueued, booted == null ? null : "bootcHost", null, false);
  }

  public static ObservedHost withOverlay(ObservedHost h) {
    return new ObservedHost(h.apiVersion(), h.specImage(), h.bootOrder(), h.staged(), h.booted(), h.rollback(),
        h.otherDeployments(), h.rollbackQueued(), h.type(), new UsrOverlay("readWrite", "transient"), h.readOnly());
  }

  public static ObservedHost readOnly(ObservedHost h) {
    return new ObservedHost(h.apiVersion(), h.specImage(), h.bootOrder(), h.staged(), h.booted(), h.rollback(),
        h.otherDeployments(), h.rollbackQueued(), h.type(), h.usrOverlay(), true);
  }

  public static Observation obs(ObservedHost h) {
    return new Observation(h, null);
  }

  public static Observation obs(ObservedHost h, List<EtcFileState> files, List<String> kargs) {
    return new Observation(h, new EtcReport("h1", files, kargs));
  }
}
