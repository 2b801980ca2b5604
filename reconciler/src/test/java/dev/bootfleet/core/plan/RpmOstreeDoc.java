package dev.bootfleet.core.plan;

import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.observed.ObservedStateException;
import dev.bootfleet.core.observed.RpmOstreeStatusParser;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds {@code rpm-ostree status --json} documents for plan tests, with the keys real rpm-ostree prints
 * (see shared/fixtures/rpm-ostree), and reads them with the real parser: tests plan on what the parser
 * makes of a document, never on hand-made model objects.
 */
final class RpmOstreeDoc {
  private static final JsonMapper JSON = JsonMapper.shared();
  private final ObjectNode root = JSON.createObjectNode();
  private final ArrayNode deployments = root.putArray("deployments");
  private int serial;

  RpmOstreeDoc() {
    root.putNull("transaction");
    root.putNull("cached-update");
    root.putNull("update-driver");
  }

  /** Adds a deployment in bootloader order; {@code image} in ostree-ext form. */
  RpmOstreeDoc deployment(String image, boolean booted, boolean staged, boolean locked, List<String> packages,
      List<String> removals) {
    ObjectNode d = deployments.addObject();
    String checksum = Integer.toHexString(0x10 + serial).repeat(32).substring(0, 64);
    d.put("id", "fedora-" + checksum + "." + serial);
    d.put("osname", "fedora");
    d.put("checksum", checksum);
    d.put("serial", serial++);
    d.put("booted", booted);
    d.put("staged", staged);
    if (locked) {
      d.put("finalization-locked", true);
    }
    d.put("pinned", false);
    d.put("unlocked", "none");
    d.put("container-image-reference", image);
    d.put("container-image-reference-digest", "sha256:" + "d".repeat(64));
    d.put("timestamp", 1732500577);
    ArrayNode req = d.putArray("requested-packages");
    packages.forEach(req::add);
    ArrayNode rem = d.putArray("requested-base-removals");
    removals.forEach(rem::add);
    d.putArray("requested-local-packages");
    d.putArray("packages");
    d.putArray("base-removals");
    return this;
  }

  /** Adds a deployment of an ostree ref (rpm-ostree's {@code origin}) at {@code commit}, in bootloader order. */
  RpmOstreeDoc ostree(String refspec, String commit, boolean booted, boolean staged) {
    ObjectNode d = deployments.addObject();
    d.put("id", "fedora-" + commit + "." + serial);
    d.put("osname", "fedora");
    d.put("checksum", commit);
    d.put("serial", serial++);
    d.put("booted", booted);
    d.put("staged", staged);
    d.put("pinned", false);
    d.put("unlocked", "none");
    d.put("origin", refspec);
    d.put("gpg-enabled", true);
    d.put("timestamp", 1732500577);
    d.putArray("requested-packages");
    d.putArray("requested-base-removals");
    d.putArray("requested-local-packages");
    d.putArray("packages");
    d.putArray("base-removals");
    return this;
  }

  RpmOstreeDoc booted(String image, String... packages) {
    return deployment(image, true, false, false, List.of(packages), List.of());
  }

  RpmOstreeDoc driver(String name, String unit) {
    ObjectNode o = root.putObject("update-driver");
    o.put("driver-name", name);
    o.put("driver-sd-unit", unit);
    return this;
  }

  ObservedHost parse() throws ObservedStateException {
    return RpmOstreeStatusParser.parse(JSON.writeValueAsString(root), "test.json");
  }

  static String unverified(String ref) {
    return "ostree-unverified-registry:" + ref;
  }
}
