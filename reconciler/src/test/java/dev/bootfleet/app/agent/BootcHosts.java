package dev.bootfleet.app.agent;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.observed.BootEntry;
import dev.bootfleet.core.observed.ImageReference;
import dev.bootfleet.core.observed.ImageStatus;
import dev.bootfleet.core.observed.ObservedHost;
import java.util.List;

/** Observed hosts for agent unit tests. */
final class BootcHosts {
  private BootcHosts() {}

  /** A host that booted exactly the desired image, nothing staged. */
  static ObservedHost bootedDesired(DesiredHost want) {
    ImageStatus image = new ImageStatus(new ImageReference(want.image().switchTarget(), "registry", null), null, null,
        "sha256:" + "b".repeat(64), "amd64");
    return new ObservedHost("org.containers.bootc/v1", null, "default", null,
        new BootEntry(image, null, false, false, false, false, null, null, null), null, List.of(), false, "bootcHost",
        null, false);
  }
}
