package dev.bootfleet.core.observed;

import java.util.Objects;

/**
 * Another update driver registered with rpm-ostree ({@code update-driver} in {@code rpm-ostree status
 * --json}), e.g. {@code Zincati} in {@code zincati.service}. While its unit runs, rpm-ostree refuses
 * updates from anyone else.
 */
public record UpdateDriver(String name, String unit) {
  public UpdateDriver {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit");
  }
}
