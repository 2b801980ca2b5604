package dev.bootfleet.core.observed;

import java.util.stream.Collectors;

/** Reads the image parts of a {@code bootc status} document: references and image statuses. */
final class ImageReader {
  private static final String SIGNATURE_FORM =
      "insecure, containerPolicy, {ostreeRemote: <remote>}, or no signature";

  private ImageReader() {}

  /** An {@code ImageStatus} object, or {@code null} when missing. */
  static ImageStatus optStatus(Field f) throws ObservedStateException {
    Field o = f.optObject("an image status object or null");
    if (o == null) {
      return null;
    }
    ImageReference image = reference(o.get("image").object("an image reference object"));
    String version = o.get("version").optText("a version string or null");
    String timestamp = timestamp(o.get("timestamp"));
    Field d = o.get("imageDigest");
    String digest = d.text(Formats.DIGEST_FORM);
    if (!Formats.isDigest(digest)) {
      throw d.fail("found " + Field.quote(digest), Formats.DIGEST_FORM);
    }
    String arch = o.get("architecture").text("an architecture such as amd64");
    return o.build(() -> new ImageStatus(image, version, timestamp, digest, arch));
  }

  /** An {@code ImageReference} object, or {@code null} when missing. */
  static ImageReference optReference(Field f) throws ObservedStateException {
    Field o = f.optObject("an image reference object or null");
    return o == null ? null : reference(o);
  }

  private static ImageReference reference(Field o) throws ObservedStateException {
    String image = o.get("image").text("an image reference such as quay.io/org/os:tag");
    String transport = o.get("transport").text("a transport such as registry or oci");
    String signature = signature(o.get("signature"));
    return o.build(() -> new ImageReference(image, transport, signature));
  }

  /**
   * The signature mode as text: {@code insecure}, {@code containerPolicy} or {@code
   * ostreeRemote:<remote>} (JSON {@code {"ostreeRemote": "fedora"}}, YAML {@code !ostreeRemote
   * "fedora"}); {@code null} when missing. Unknown modes are errors: a reconciler cannot compare them.
   */
  private static String signature(Field f) throws ObservedStateException {
    if (f.missing()) {
      return null;
    }
    if (f.node().isObject()) {
      if (f.node().size() != 1 || !f.node().has("ostreeRemote")) {
        throw f.fail(f.node().isEmpty() ? "found an empty object"
            : "found an object with " + keys(f), SIGNATURE_FORM);
      }
      return ImageReference.OSTREE_REMOTE + f.get("ostreeRemote").text("the name of an ostree remote");
    }
    String s = f.optText(SIGNATURE_FORM);
    if (!s.equals(ImageReference.INSECURE) && !s.equals(ImageReference.CONTAINER_POLICY)) {
      throw f.fail("found " + Field.quote(s), SIGNATURE_FORM);
    }
    return s;
  }

  private static String keys(Field f) {
    return f.node().propertyNames().stream().map(Field::quote).collect(Collectors.joining(", "));
  }

  private static String timestamp(Field f) throws ObservedStateException {
    String t = f.optText(Formats.DATE_TIME_FORM + ", or null");
    if (t != null && !Formats.isDateTime(t)) {
      throw f.fail("found " + Field.quote(t), Formats.DATE_TIME_FORM + ", or null");
    }
    return t;
  }
}
