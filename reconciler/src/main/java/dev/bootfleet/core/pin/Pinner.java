package dev.bootfleet.core.pin;

import dev.bootfleet.core.image.Digest;
import dev.bootfleet.core.image.ImageLock;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.port.ImageRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides what {@code bootfleet pin} changes, from the references found and what the registries said.
 * Pure: the lookups happen before, the writing after.
 *
 * <p>A reference with a tag is pinned to the digest the tag names now, in Renovate's form
 * {@code registry/repo:tag@sha256:<hex>} (a reference with neither tag nor digest means {@code :latest},
 * as a pull would, and is pinned as {@code :latest@sha256:…}). A pinned reference whose tag now names
 * another digest is re-pinned. A reference with only a digest is checked to exist and left as it is.
 * The lock then lists every pinned digest that is an index, and nothing else.
 */
public final class Pinner {
  private Pinner() {}

  public enum Status {
    /** Tag and digest agree. */
    UP_TO_DATE,
    /** Only a digest: checked, nothing to change. */
    DIGEST_ONLY,
    /** A tag without a digest: gets one. */
    PINNED,
    /** A digest the tag no longer names: gets the new one. */
    REPINNED
  }

  /** What happens to one reference. */
  public record Change(RefSite site, Status status, String newText, Digest oldDigest, Digest newDigest) {
    public boolean changes() {
      return status == Status.PINNED || status == Status.REPINNED;
    }
  }

  /**
   * The decision.
   *
   * @param edits by file, the scalar edits to make (files without changes are absent)
   * @param lock the lock the fleet needs after pinning
   */
  public record Result(List<Change> changes, List<Problem> problems, Map<String, List<ScalarRewriter.Edit>> edits,
      ImageLock lock) {
    public boolean ok() {
      return problems.stream().noneMatch(Problem::isError);
    }
  }

  /** What to ask the registry for a site: its tag ({@code :latest} when it has neither), else its digest. */
  public static ImageRef lookup(RefSite site) {
    ImageRef r = site.ref();
    if (r.tag() != null) {
      return new ImageRef(r.registry(), r.path(), r.tag(), null);
    }
    if (r.digest() != null) {
      return new ImageRef(r.registry(), r.path(), null, r.digest());
    }
    return new ImageRef(r.registry(), r.path(), "latest", null);
  }

  /** The distinct lookups for a list of sites, in first-seen order. */
  public static List<ImageRef> lookups(List<RefSite> sites) {
    Set<ImageRef> seen = new LinkedHashSet<>();
    sites.forEach(s -> seen.add(lookup(s)));
    return List.copyOf(seen);
  }

  /**
   * @param answers the registry's answer for each of {@link #lookups(List)}
   */
  public static Result decide(List<RefSite> sites, Map<ImageRef, ImageRegistry.Outcome> answers) {
    List<Change> changes = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    Map<String, List<ScalarRewriter.Edit>> edits = new LinkedHashMap<>();
    Map<String, ImageLock.Index> indexes = new TreeMap<>();
    for (RefSite site : sites) {
      ImageRegistry.Outcome o = answers.get(lookup(site));
      if (o == null) {
        throw new IllegalArgumentException("no answer for " + lookup(site));
      }
      if (!o.ok()) {
        problems.add(site.error(o.error().getMessage()));
        continue;
      }
      ImageRegistry.Manifest m = o.manifest();
      ImageRef r = site.ref();
      if (m.isIndex()) {
        indexes.put(ImageLock.key(r.repository(), m.digest()), m.lockEntry());
      }
      if (r.tag() == null && r.digest() != null) {
        changes.add(new Change(site, Status.DIGEST_ONLY, site.written(), r.digest(), r.digest()));
        continue;
      }
      String tag = r.tag() != null ? r.tag() : "latest";
      String pinned = r.repository() + ":" + tag + "@" + m.digest();
      Status status = r.digest() == null ? Status.PINNED
          : r.digest().equals(m.digest()) ? Status.UP_TO_DATE : Status.REPINNED;
      changes.add(new Change(site, status, status == Status.UP_TO_DATE ? site.written() : pinned, r.digest(),
          m.digest()));
      if (status != Status.UP_TO_DATE) {
        edits.computeIfAbsent(site.file(), f -> new ArrayList<>())
            .add(new ScalarRewriter.Edit(site.pos(), site.written(), pinned));
      }
    }
    return new Result(changes, problems, edits, new ImageLock(indexes));
  }
}
