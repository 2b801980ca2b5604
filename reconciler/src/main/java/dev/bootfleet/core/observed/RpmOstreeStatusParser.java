package dev.bootfleet.core.observed;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads what {@code rpm-ostree status --json} prints into the same {@link ObservedHost} model as
 * {@code bootc status}, deriving the roles the way bootc does on the same ostree sysroot ({@code
 * status.rs get_status}):
 *
 * <ul>
 *   <li>booted: the deployment with {@code "booted": true} (exactly one is required);
 *   <li>staged: the first deployment of the booted {@code osname} with {@code "staged": true};
 *   <li>rollback: the first other deployment of the booted {@code osname} in bootloader order; when it
 *       comes before the booted one (a non-staged pending entry, e.g. after {@code rpm-ostree
 *       rollback}) the rollback is queued ({@code rollbackQueued}, boot order {@code rollback});
 *   <li>other deployments: the rest, then other stateroots.
 * </ul>
 *
 * <p>Per deployment: {@code container-image-reference} (every ostree-ext form, see {@link
 * #reference}) becomes the image, with {@code container-image-reference-digest} (else {@code
 * base-commit-meta."ostree.manifest-digest"}) as its digest, {@code version}, {@code timestamp}
 * (epoch seconds, written as RFC 3339) and the architecture from the image config in {@code
 * base-commit-meta} ({@value #UNKNOWN_ARCHITECTURE} when rpm-ostree did not record it). A plain
 * ostree {@code origin} gives an entry without image, as bootc reports it. Missing booleans are
 * false and missing versions null, as older rpm-ostree omits them; commit metadata is opaque. Every
 * problem is one {@link ObservedStateException} naming the field, e.g. {@code host.json:
 * deployments[0].serial: found the string "x" (expected an integer from 0 to 2147483647)}.
 */
public final class RpmOstreeStatusParser {
  /**
   * {@link ObservedHost#apiVersion()} of every host read here: rpm-ostree's output has no version of
   * its own, and this names the source for whoever reads the model.
   */
  public static final String API_VERSION = "rpm-ostree status --json";

  /** The architecture of an image whose config rpm-ostree did not record (older imports). */
  public static final String UNKNOWN_ARCHITECTURE = "unknown";

  private static final String DOCUMENT = "an object, as rpm-ostree status --json prints it";
  private static final String REFERENCE_FORM = "ostree-unverified-registry:<image>,"
      + " ostree-unverified-image:<transport>:<image>, ostree-image-signed:<transport>:<image>,"
      + " ostree-remote-image:<remote>:<transport>:<image> or ostree-remote-registry:<remote>:<image>";
  private static final String TRANSPORT_FORM =
      "docker://, registry:, oci:, oci-archive:, containers-storage: or dir:";
  private static final Set<String> TRANSPORTS =
      Set.of("registry", "oci", "oci-archive", "containers-storage", "dir");
  /**
   * Requests stored in the origin's {@code [packages]}, {@code [overrides]} and {@code [modules]}
   * groups: bootc calls such a deployment {@code incompatible} and will not change it.
   */
  private static final List<String> LOCAL_REQUESTS = List.of("requested-packages",
      "requested-local-packages", "requested-local-fileoverride-packages", "requested-base-removals",
      "requested-base-local-replacements", "requested-base-remote-replacements", "requested-modules",
      "requested-modules-enabled", "initramfs-etc");
  private static final JsonMapper JSON = JsonMapper.shared();

  private RpmOstreeStatusParser() {}

  /**
   * Pure: parses the text printed by {@code rpm-ostree status --json}.
   *
   * @param origin names the source in errors, e.g. a file name or {@code web-01: rpm-ostree status}
   */
  public static ObservedHost parse(String text, String origin) throws ObservedStateException {
    return parse(SourceDocument.read(text, origin, DOCUMENT), origin);
  }

  /** Pure: the same as {@link #parse(String, String)} on UTF-8 bytes. */
  public static ObservedHost parse(byte[] utf8, String origin) throws ObservedStateException {
    return parse(SourceDocument.read(utf8, origin, DOCUMENT), origin);
  }

  static ObservedHost parse(JsonNode tree, String origin) throws ObservedStateException {
    Field root = Field.root(origin, tree).object(DOCUMENT);
    Field list = root.get("deployments");
    if (list.missing() || !list.node().isArray()) {
      throw list.wrong("an array of deployment objects");
    }
    List<Field> items = list.optItems("an array of deployment objects");
    List<Field> deployments = new ArrayList<>();
    int bootedAt = -1;
    for (Field f : items) {
      deployments.add(f.object("a deployment object"));
      if (f.get("booted").optBool()) {
        if (bootedAt >= 0) {
          throw f.get("booted").fail("found a second booted deployment", "exactly one booted deployment");
        }
        bootedAt = deployments.size() - 1;
      }
    }
    if (bootedAt < 0) {
      throw list.fail(deployments.isEmpty() ? "empty" : "no deployment has \"booted\": true",
          "exactly one booted deployment");
    }
    // Roles as bootc derives them (status.rs get_status), in bootloader order.
    DeploymentRoles roles = DeploymentRoles.of(deployments, bootedAt, RpmOstreeStatusParser::osname);
    Field bootedField = roles.booted();
    Field stagedField = roles.staged();
    Field rollbackField = roles.rollback();
    List<Field> others = roles.others();

    BootEntry booted = entry(bootedField, true);
    BootEntry staged = stagedField == null ? null : entry(stagedField, false);
    BootEntry rollback = rollbackField == null ? null : entry(rollbackField, false);
    List<BootEntry> otherEntries = new ArrayList<>();
    for (Field f : others) {
      otherEntries.add(entry(f, false));
    }
    boolean rollbackQueued = roles.rollbackQueued();
    String bootOrder = rollbackQueued ? ObservedHost.ROLLBACK_ORDER : ObservedHost.DEFAULT_ORDER;
    BootEntry specSource = staged != null ? staged : booted;
    ImageReference specImage = specSource.image() == null ? null : specSource.image().image();
    String type = booted.image() == null ? null : "bootcHost";
    UsrOverlay overlay = UsrOverlay.ofUnlocked(bootedField.get("unlocked"));
    UpdateDriver driver = updateDriver(root.get("update-driver"));
    return root.build(() -> new ObservedHost(API_VERSION, specImage, bootOrder, staged, booted, rollback,
        otherEntries, rollbackQueued, type, overlay, false, driver));
  }

  private static String osname(Field f) throws ObservedStateException {
    return f.get("osname").text("a stateroot name such as fedora-coreos");
  }

  private static BootEntry entry(Field f, boolean isBooted) throws ObservedStateException {
    Field c = f.get("checksum");
    String checksumForm = "an ostree checksum of " + Formats.SHA256_FORM;
    String checksum = c.text(checksumForm);
    if (!Formats.isSha256Hex(checksum)) {
      throw c.fail("found " + Field.quote(checksum), checksumForm);
    }
    int serial = f.get("serial").count();
    String stateroot = osname(f);
    boolean pinned = f.get("pinned").optBool();
    // bootc's downloadOnly is ostree's finalization lock on a staged deployment.
    boolean downloadOnly = f.get("staged").optBool() && f.get("finalization-locked").optBool();
    boolean incompatible = incompatible(f);
    // Unlike bootc, which drops the image of an incompatible deployment, the image stays: rpm-ostree
    // rebases such a deployment, and the planner holds a bootc-driven one on `incompatible`.
    ImageStatus image = optImage(f);
    Layering layering = new Layering(names(f.get("requested-packages")), names(f.get("requested-base-removals")));
    OstreeOrigin origin = image == null ? origin(f, checksum) : null;
    return f.build(() -> new BootEntry(image, null, incompatible, pinned, false, downloadOnly, checksum,
        serial, stateroot, layering, origin));
  }

  /**
   * A plain ostree {@code origin} (a refspec; a bare checksum, or none, gives no origin to follow) with
   * its base commit: {@code base-checksum} under layering, else the deployment's own checksum.
   */
  private static OstreeOrigin origin(Field f, String checksum) throws ObservedStateException {
    String refspec = f.get("origin").optText("an ostree refspec such as fedora:fedora/x86_64/coreos/stable");
    if (refspec == null || refspec.isEmpty() || Formats.isSha256Hex(refspec)) {
      return null;
    }
    Field b = f.get("base-checksum");
    String base = b.optText("an ostree checksum of " + Formats.SHA256_FORM);
    if (base != null && !Formats.isSha256Hex(base)) {
      throw b.fail("found " + Field.quote(base), "an ostree checksum of " + Formats.SHA256_FORM);
    }
    String commit = base == null ? checksum : base;
    return f.build(() -> new OstreeOrigin(refspec, commit));
  }

  /** An optional array of package names (strings); missing is empty. */
  private static java.util.SortedSet<String> names(Field f) throws ObservedStateException {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    for (Field item : f.optItems("an array of package names")) {
      out.add(item.text("a package name"));
    }
    return out;
  }

  /**
   * {@code update-driver}: null (or missing, before rpm-ostree 2020.x) when no other driver registered,
   * else {@code {driver-name, driver-sd-unit}}.
   */
  private static UpdateDriver updateDriver(Field f) throws ObservedStateException {
    if (f.missing() || f.node().isNull()) {
      return null;
    }
    Field o = f.object("null or an object with driver-name and driver-sd-unit");
    String name = o.get("driver-name").text("the driver's name, e.g. Zincati");
    String unit = o.get("driver-sd-unit").text("the driver's systemd unit, e.g. zincati.service");
    return f.build(() -> new UpdateDriver(name, unit));
  }

  /**
   * Whether the origin carries rpm-ostree local changes (layered or removed packages, overrides,
   * modules, initramfs regeneration), as bootc's {@code origin_has_rpmostree_stuff} decides. The JSON
   * shows the requests, not the origin's groups: an empty group left behind is not seen here.
   */
  private static boolean incompatible(Field f) throws ObservedStateException {
    for (String key : LOCAL_REQUESTS) {
      if (!f.get(key).optItems("an array").isEmpty()) {
        return true;
      }
    }
    return f.get("regenerate-initramfs").optBool();
  }

  private static ImageStatus optImage(Field f) throws ObservedStateException {
    Field r = f.get("container-image-reference");
    String text = r.optText(REFERENCE_FORM);
    if (text == null || text.isEmpty()) {
      return null; // a plain ostree origin (remote:ref or a checksum): no container image
    }
    ImageReference ref = reference(r, text);
    Field meta = f.get("base-commit-meta");
    Field d = f.get("container-image-reference-digest");
    if (d.missing()) {
      Field fromMeta = meta.get("ostree.manifest-digest");
      d = fromMeta.missing() ? d : fromMeta;
    }
    String digest = d.text(Formats.DIGEST_FORM);
    if (!Formats.isDigest(digest)) {
      throw d.fail("found " + Field.quote(digest), Formats.DIGEST_FORM);
    }
    String version = f.get("version").optText("a version string");
    String timestamp = timestamp(f.get("timestamp"));
    String architecture = architecture(meta.get("ostree.container.image-config"));
    return f.build(() -> new ImageStatus(ref, version, timestamp, digest, architecture));
  }

  /**
   * An ostree-ext {@code OstreeImageReference} as bootc reports it: {@code {image, transport,
   * signature}} with {@code ostree-image-signed} as {@code containerPolicy}, {@code ostree-remote-*}
   * as {@code ostreeRemote:<remote>} and the unverified forms as no signature; {@code docker://} and
   * {@code registry:} are the transport {@code registry}.
   */
  static ImageReference reference(Field f, String text) throws ObservedStateException {
    int colon = text.indexOf(':');
    String scheme = colon < 0 ? text : text.substring(0, colon);
    String rest = colon < 0 ? "" : text.substring(colon + 1);
    String signature;
    String transported;
    switch (scheme) {
      case "ostree-unverified-registry" -> {
        signature = null;
        transported = "registry:" + rest;
      }
      case "ostree-unverified-image" -> {
        signature = null;
        transported = rest;
      }
      case "ostree-image-signed" -> {
        signature = ImageReference.CONTAINER_POLICY;
        transported = rest;
      }
      case "ostree-remote-image", "ostree-remote-registry" -> {
        int c = rest.indexOf(':');
        if (c <= 0) {
          throw f.fail("found " + Field.quote(text) + ", which names no ostree remote", REFERENCE_FORM);
        }
        signature = ImageReference.OSTREE_REMOTE + rest.substring(0, c);
        String after = rest.substring(c + 1);
        transported = scheme.equals("ostree-remote-registry") ? "registry:" + after : after;
      }
      default -> throw f.fail("found " + Field.quote(text), REFERENCE_FORM);
    }
    String transport;
    String image;
    if (transported.startsWith("docker://")) {
      transport = "registry";
      image = transported.substring("docker://".length());
    } else {
      int c = transported.indexOf(':');
      transport = c < 0 ? "" : transported.substring(0, c);
      image = c < 0 ? transported : transported.substring(c + 1);
      if (!TRANSPORTS.contains(transport)) {
        throw f.fail("found " + Field.quote(text) + ", whose transport is not known", TRANSPORT_FORM
            + " after the ostree- prefix");
      }
    }
    if (image.isEmpty()) {
      throw f.fail("found " + Field.quote(text) + ", which names no image", REFERENCE_FORM);
    }
    String sig = signature;
    return f.build(() -> new ImageReference(image, transport, sig));
  }

  /** Commit time in epoch seconds, as RFC 3339 UTC; {@code null} when missing. */
  private static String timestamp(Field f) throws ObservedStateException {
    if (f.missing()) {
      return null;
    }
    String expected = "seconds since 1970 as an integer";
    if (!f.node().isIntegralNumber() || !f.node().canConvertToLong()) {
      throw f.wrong(expected);
    }
    try {
      return Instant.ofEpochSecond(f.node().longValue()).toString();
    } catch (java.time.DateTimeException e) {
      throw f.fail("found " + f.node().numberValue(), expected);
    }
  }

  /**
   * The OCI architecture of the image config that ostree-ext stores as a JSON string in the commit
   * metadata. The metadata is opaque (rpm-ostree documents no form for it), so anything unreadable
   * there gives {@value #UNKNOWN_ARCHITECTURE} rather than an error.
   */
  private static String architecture(Field config) {
    if (config.missing() || !config.node().isString()) {
      return UNKNOWN_ARCHITECTURE;
    }
    try {
      JsonNode arch = JSON.readTree(config.node().stringValue()).get("architecture");
      return arch != null && arch.isString() && !arch.stringValue().isEmpty()
          ? arch.stringValue().intern() : UNKNOWN_ARCHITECTURE;
    } catch (JacksonException e) {
      return UNKNOWN_ARCHITECTURE;
    }
  }
}
