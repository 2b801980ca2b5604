package dev.bootfleet.core.manifest;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/** Kernel arguments a host must have ({@code append}) and must not have ({@code delete}). */
public record Kargs(SortedSet<String> append, SortedSet<String> delete) {
  public static final Kargs NONE = new Kargs(new TreeSet<>(), new TreeSet<>());

  public Kargs {
    append = Collections.unmodifiableSortedSet(new TreeSet<>(append));
    delete = Collections.unmodifiableSortedSet(new TreeSet<>(delete));
  }

  public boolean isEmpty() {
    return append.isEmpty() && delete.isEmpty();
  }
}
