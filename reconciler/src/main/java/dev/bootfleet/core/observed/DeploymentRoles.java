package dev.bootfleet.core.observed;

import java.util.ArrayList;
import java.util.List;

/**
 * The roles of an ostree system's deployments, as bootc derives them (status.rs {@code get_status}), in
 * bootloader order: besides the booted one, the first staged deployment of the booted stateroot is
 * staged, the first other one of that stateroot the rollback, and the rest (then every deployment of
 * another stateroot) are other deployments. {@code rollbackQueued}: the rollback sorts before the booted
 * deployment (it boots next). rpm-ostree's and plain ostree's reports are read by this one rule.
 */
record DeploymentRoles(Field booted, Field staged, Field rollback, boolean rollbackQueued, List<Field> others) {

  /** A deployment's stateroot, read from its report. */
  interface Stateroot {
    String of(Field deployment) throws ObservedStateException;
  }

  static DeploymentRoles of(List<Field> deployments, int bootedAt, Stateroot stateroot) throws ObservedStateException {
    Field booted = deployments.get(bootedAt);
    String own = stateroot.of(booted);
    Field staged = null;
    Field rollback = null;
    int rollbackAt = -1;
    List<Field> others = new ArrayList<>();
    List<Field> otherStateroots = new ArrayList<>();
    for (int i = 0; i < deployments.size(); i++) {
      Field f = deployments.get(i);
      if (i == bootedAt) {
        continue;
      }
      if (!stateroot.of(f).equals(own)) {
        otherStateroots.add(f);
      } else if (staged == null && f.get("staged").optBool()) {
        staged = f;
      } else if (rollback == null) {
        rollback = f;
        rollbackAt = i;
      } else {
        others.add(f);
      }
    }
    others.addAll(otherStateroots);
    return new DeploymentRoles(booted, staged, rollback, rollback != null && rollbackAt < bootedAt, List.copyOf(others));
  }
}
