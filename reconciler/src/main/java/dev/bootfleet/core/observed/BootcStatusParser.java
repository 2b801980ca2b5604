package dev.bootfleet.core.observed;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads what {@code bootc status --format=json} (or {@code --format=yaml}) prints: a {@code
 * BootcHost} object of apiVersion {@code org.containers.bootc/v1} or the older {@code v1alpha1}; any
 * other version is an error naming it (ADR 0012).
 *
 * <p>Rules: JSON when the first non-blank character is <code>{</code>, else YAML (YAML 1.2 core
 * schema; a bare {@code version: 20231230.1} still comes back as the text {@code "20231230.1"}).
 * Unknown fields are ignored, as bootc keeps adding some. Missing optional booleans are false, a
 * missing {@code spec.bootOrder} is {@code default}, missing {@code spec}/{@code status} mean none.
 * {@code status.booted: null} is legal: the host is not a bootc host. Every problem is one {@link
 * ObservedStateException} naming the field, e.g. {@code host.json: status.staged: found the number 5
 * (expected a boot entry object or null)}.
 */
public final class BootcStatusParser {
  private static final String KIND = "BootcHost";
  private static final String API_GROUP = "org.containers.bootc/";
  /** The versions read: bootc's current one and the older one it still prints on some hosts. */
  static final List<String> VERSIONS = List.of(API_GROUP + "v1", API_GROUP + "v1alpha1");
  static final String DOCUMENT = "a BootcHost object in JSON or YAML, as bootc status prints it";
  private static final String ENTRY = "a boot entry object or null";

  private BootcStatusParser() {}

  /**
   * Pure: parses the text printed by {@code bootc status --format=json} or {@code --format=yaml}.
   *
   * @param origin names the source in errors, e.g. a file name or {@code web-01: bootc status}
   */
  public static ObservedHost parse(String text, String origin) throws ObservedStateException {
    return parse(SourceDocument.read(text, origin, DOCUMENT), origin);
  }

  /** Pure: the same as {@link #parse(String, String)} on UTF-8 bytes (faster for JSON). */
  public static ObservedHost parse(byte[] utf8, String origin) throws ObservedStateException {
    return parse(SourceDocument.read(utf8, origin, DOCUMENT), origin);
  }

  static ObservedHost parse(tools.jackson.databind.JsonNode tree, String origin) throws ObservedStateException {
    Field root = Field.root(origin, tree).object(DOCUMENT);
    String apiVersion = apiVersion(root.get("apiVersion"));
    kind(root.get("kind"));

    Field spec = root.get("spec").optObject("the host spec object");
    ImageReference specImage = spec == null ? null : ImageReader.optReference(spec.get("image"));
    String bootOrder = spec == null ? ObservedHost.DEFAULT_ORDER : bootOrder(spec.get("bootOrder"));

    Field status = root.get("status").optObject("the host status object");
    if (status == null) {
      return root.build(() -> new ObservedHost(apiVersion, specImage, bootOrder,
          null, null, null, List.of(), false, null, null, false));
    }
    BootEntry staged = optEntry(status.get("staged"));
    BootEntry booted = optEntry(status.get("booted"));
    BootEntry rollback = optEntry(status.get("rollback"));
    List<BootEntry> others = new ArrayList<>();
    for (Field f : status.get("otherDeployments").optItems("an array of boot entries")) {
      others.add(entry(f.object("a boot entry object")));
    }
    boolean rollbackQueued = status.get("rollbackQueued").optBool();
    String type = status.get("type").optText("a host type such as bootcHost, or null");
    UsrOverlay usrOverlay = usrOverlay(status.get("usrOverlay"));
    boolean readOnly = status.get("readOnly").optBool();
    return root.build(() -> new ObservedHost(apiVersion, specImage, bootOrder, staged, booted,
        rollback, others, rollbackQueued, type, usrOverlay, readOnly));
  }

  /**
   * The document's version: one of {@link #VERSIONS}. Another version of bootc's group is refused, not
   * read as v1 (ADR 0012): bootc promises that v1 only gains fields, so a new version is one whose
   * fields may mean something else, and a reconciler must not act on a guess.
   */
  private static String apiVersion(Field f) throws ObservedStateException {
    String expected = API_GROUP + "<version>, e.g. " + API_GROUP + "v1";
    String v = f.optText(expected);
    if (v == null) {
      throw f.wrong(expected);
    }
    if (!v.startsWith(API_GROUP) || v.length() == API_GROUP.length()) {
      throw f.fail("found " + Field.quote(v), expected);
    }
    if (!VERSIONS.contains(v)) {
      throw f.fail("found " + Field.quote(v) + ", a version this bootfleet cannot read",
          String.join(" or ", VERSIONS));
    }
    return v;
  }

  private static void kind(Field f) throws ObservedStateException {
    String k = f.optText(KIND);
    if (k == null) {
      throw f.wrong(KIND);
    }
    if (!k.equals(KIND)) {
      throw f.fail("found " + Field.quote(k), KIND);
    }
  }

  private static String bootOrder(Field f) throws ObservedStateException {
    String expected = "default or rollback";
    String order = f.optText(expected);
    if (order == null) {
      return ObservedHost.DEFAULT_ORDER;
    }
    if (!order.equals(ObservedHost.DEFAULT_ORDER) && !order.equals(ObservedHost.ROLLBACK_ORDER)) {
      throw f.fail("found " + Field.quote(order), expected);
    }
    return order;
  }

  private static BootEntry optEntry(Field f) throws ObservedStateException {
    Field o = f.optObject(ENTRY);
    return o == null ? null : entry(o);
  }

  private static BootEntry entry(Field f) throws ObservedStateException {
    ImageStatus image = ImageReader.optStatus(f.get("image"));
    ImageStatus cachedUpdate = ImageReader.optStatus(f.get("cachedUpdate"));
    boolean incompatible = f.get("incompatible").bool();
    boolean pinned = f.get("pinned").bool();
    boolean softRebootCapable = f.get("softRebootCapable").optBool();
    boolean downloadOnly = f.get("downloadOnly").optBool();
    Ostree o = ostree(f.get("ostree"));
    return f.build(() -> new BootEntry(image, cachedUpdate, incompatible, pinned, softRebootCapable,
        downloadOnly, o.checksum(), o.serial(), o.stateroot()));
  }

  /** An entry's ostree state; all null for entries without one (e.g. the composefs backend). */
  private record Ostree(String checksum, Integer serial, String stateroot) {}

  private static Ostree ostree(Field f) throws ObservedStateException {
    Field o = f.optObject("an ostree state object or null");
    if (o == null) {
      return new Ostree(null, null, null);
    }
    String expected = "an ostree checksum of " + Formats.SHA256_FORM;
    Field c = o.get("checksum");
    String checksum = c.text(expected);
    if (!Formats.isSha256Hex(checksum)) {
      throw c.fail("found " + Field.quote(checksum), expected);
    }
    int serial = o.get("deploySerial").count();
    return new Ostree(checksum, serial, o.get("stateroot").text("a stateroot name such as default"));
  }

  private static UsrOverlay usrOverlay(Field f) throws ObservedStateException {
    Field o = f.optObject("a /usr overlay object or null");
    if (o == null) {
      return null;
    }
    String access = o.get("accessMode").text("readOnly or readWrite");
    String persistence = o.get("persistence").text("transient or persistent");
    return o.build(() -> new UsrOverlay(access, persistence));
  }
}
