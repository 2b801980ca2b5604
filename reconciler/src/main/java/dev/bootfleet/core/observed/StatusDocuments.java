package dev.bootfleet.core.observed;

import tools.jackson.databind.JsonNode;

/**
 * A host's status document as either tool prints it: {@code bootc status} or {@code rpm-ostree status
 * --json}, or bootfleet's report of {@code ostree admin status} ({@code kind: OstreeStatus}), told apart
 * by their keys once the document is read, then parsed by {@link BootcStatusParser}, {@link
 * RpmOstreeStatusParser} or {@link OstreeStatusParser}.
 */
public final class StatusDocuments {
  private StatusDocuments() {}

  /** Pure: reads {@code utf8} once and parses it with the parser its keys call for. */
  public static ObservedHost parse(byte[] utf8, String origin) throws ObservedStateException {
    // Read as bootc's: anything that is not plainly rpm-ostree's gets bootc's errors, as before.
    JsonNode tree = SourceDocument.read(utf8, origin, BootcStatusParser.DOCUMENT);
    if (OstreeStatusParser.isOstree(tree)) {
      return OstreeStatusParser.parse(tree, origin);
    }
    return isRpmOstree(tree) ? RpmOstreeStatusParser.parse(tree, origin) : BootcStatusParser.parse(tree, origin);
  }

  /**
   * Whether a document is rpm-ostree's: a top-level {@code deployments} key, which {@code bootc status}
   * never writes (its list is {@code otherDeployments}), and no {@code apiVersion}, which bootc always
   * writes.
   */
  static boolean isRpmOstree(JsonNode tree) {
    return tree.isObject() && tree.has("deployments") && !tree.has("apiVersion");
  }
}
