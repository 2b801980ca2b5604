package dev.bootfleet.core.observed;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Reads bootfleet's ostree status report ({@link OstreeAdminStatus}, {@code
 * schema/ostree-status.schema.json}) of a plain ostree host into the {@link ObservedHost} model, with
 * the roles bootc would give the same sysroot (as {@link RpmOstreeStatusParser} does, ADR 0008): the
 * booted deployment; the first {@code staged} one of its stateroot; the rollback, the first other one of
 * its stateroot in bootloader order, queued when it comes before the booted one; the rest. Each
 * deployment carries its commit as {@link OstreeOrigin} with the refspec of its origin; there is no
 * container image.
 */
public final class OstreeStatusParser {
  /** {@link ObservedHost#apiVersion()} of every host read here. */
  public static final String API_VERSION = "ostree admin status";
  private static final String DOCUMENT = "an object, as bootfleet's ostree status report";

  private OstreeStatusParser() {}

  /** Pure: parses the report's text (JSON). */
  public static ObservedHost parse(String text, String origin) throws ObservedStateException {
    return parse(SourceDocument.read(text, origin, DOCUMENT), origin);
  }

  /** Whether a document is the ostree report: its {@code kind}. */
  static boolean isOstree(JsonNode tree) {
    return tree.isObject() && tree.has("kind") && OstreeAdminStatus.KIND.equals(tree.get("kind").asString(""));
  }

  static ObservedHost parse(JsonNode tree, String origin) throws ObservedStateException {
    Field root = Field.root(origin, tree).object(DOCUMENT);
    String api = root.get("apiVersion").text(OstreeAdminStatus.API_VERSION);
    if (!api.equals(OstreeAdminStatus.API_VERSION)) {
      throw root.get("apiVersion").fail("found " + Field.quote(api), OstreeAdminStatus.API_VERSION);
    }
    Field list = root.get("deployments");
    if (list.missing() || !list.node().isArray()) {
      throw list.wrong("an array of deployment objects");
    }
    List<Field> deployments = new ArrayList<>();
    int bootedAt = -1;
    for (Field f : list.optItems("an array of deployment objects")) {
      deployments.add(f.object("a deployment object"));
      if (f.get("booted").optBool()) {
        if (bootedAt >= 0) {
          throw f.get("booted").fail("found a second booted deployment", "at most one booted deployment");
        }
        bootedAt = deployments.size() - 1;
      }
    }
    UpdateDriver driver = updateDriver(root.get("updateDriver"));
    if (bootedAt < 0) {
      // Not booted into this sysroot (an image being built, a test sysroot): deployments, no roles.
      List<BootEntry> all = new ArrayList<>();
      for (Field f : deployments) {
        all.add(entry(f));
      }
      return root.build(() -> new ObservedHost(API_VERSION, null, ObservedHost.DEFAULT_ORDER, null, null, null,
          all, false, null, null, false, driver));
    }
    DeploymentRoles roles = DeploymentRoles.of(deployments, bootedAt, OstreeStatusParser::stateroot);
    Field staged = roles.staged();
    Field rollback = roles.rollback();
    List<Field> others = roles.others();
    BootEntry booted = entry(deployments.get(bootedAt));
    BootEntry stagedEntry = staged == null ? null : entry(staged);
    BootEntry rollbackEntry = rollback == null ? null : entry(rollback);
    List<BootEntry> rest = new ArrayList<>();
    for (Field f : others) {
      rest.add(entry(f));
    }
    boolean queued = roles.rollbackQueued();
    UsrOverlay overlay = UsrOverlay.ofUnlocked(deployments.get(bootedAt).get("unlocked"));
    return root.build(() -> new ObservedHost(API_VERSION, null, queued ? ObservedHost.ROLLBACK_ORDER
        : ObservedHost.DEFAULT_ORDER, stagedEntry, booted, rollbackEntry, rest, queued, null, overlay, false, driver));
  }

  private static String stateroot(Field f) throws ObservedStateException {
    return f.get("stateroot").text("a stateroot name such as fedora-coreos");
  }

  private static BootEntry entry(Field f) throws ObservedStateException {
    Field c = f.get("checksum");
    String form = "an ostree checksum of " + Formats.SHA256_FORM;
    String checksum = c.text(form);
    if (!Formats.isSha256Hex(checksum)) {
      throw c.fail("found " + Field.quote(checksum), form);
    }
    int serial = f.get("serial").count();
    String stateroot = stateroot(f);
    boolean pinned = f.get("pinned").optBool();
    String refspec = f.get("refspec").optText("an ostree refspec such as fedora:fedora/x86_64/coreos/stable");
    OstreeOrigin origin = refspec == null || refspec.isEmpty() ? null : new OstreeOrigin(refspec, checksum);
    return f.build(() -> new BootEntry(null, null, false, pinned, false, false, checksum, serial, stateroot,
        Layering.NONE, origin));
  }

  private static UpdateDriver updateDriver(Field f) throws ObservedStateException {
    if (f.missing()) {
      return null;
    }
    Field o = f.object("null or an object with name and unit");
    String name = o.get("name").text("the updater's name, e.g. eos-autoupdater");
    String unit = o.get("unit").text("its systemd unit, e.g. eos-autoupdater.timer");
    return f.build(() -> new UpdateDriver(name, unit));
  }
}
