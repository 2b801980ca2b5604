package dev.bootfleet.core.observed;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What an rpm-ostree deployment's origin requests on top of its image: {@code requested-packages}
 * (layered, active or not) and {@code requested-base-removals} ({@code override remove}). Requests,
 * not results: a request the base already satisfies is still a request.
 */
public record Layering(SortedSet<String> packages, SortedSet<String> baseRemovals) {
  public static final Layering NONE = new Layering(new TreeSet<>(), new TreeSet<>());

  public Layering {
    packages = Collections.unmodifiableSortedSet(new TreeSet<>(packages));
    baseRemovals = Collections.unmodifiableSortedSet(new TreeSet<>(baseRemovals));
  }
}
