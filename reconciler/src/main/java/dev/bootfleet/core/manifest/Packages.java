package dev.bootfleet.core.manifest;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * RPM packages an rpm-ostree host layers on its image ({@code install}) and base packages it removes
 * ({@code remove}, rpm-ostree {@code override remove}). bootc advises installing them in the image
 * instead; layering makes a deployment {@code incompatible} for bootc.
 */
public record Packages(SortedSet<String> install, SortedSet<String> remove) {
  public static final Packages NONE = new Packages(new TreeSet<>(), new TreeSet<>());

  public Packages {
    install = Collections.unmodifiableSortedSet(new TreeSet<>(install));
    remove = Collections.unmodifiableSortedSet(new TreeSet<>(remove));
  }

  public boolean isEmpty() {
    return install.isEmpty() && remove.isEmpty();
  }
}
