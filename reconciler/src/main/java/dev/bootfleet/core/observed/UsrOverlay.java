package dev.bootfleet.core.observed;

import java.util.Objects;

/**
 * The overlay {@code bootc usr-overlay} mounted on /usr: a sign that /usr may differ from the image.
 *
 * @param accessMode {@code readOnly} or {@code readWrite}, as read
 * @param persistence {@code transient} or {@code persistent}, as read
 */
public record UsrOverlay(String accessMode, String persistence) {
  public UsrOverlay {
    Objects.requireNonNull(accessMode, "accessMode");
    Objects.requireNonNull(persistence, "persistence");
  }

  /**
   * An ostree deployment's {@code unlocked} state (rpm-ostree's JSON, ostree's {@code Unlocked:}) as bootc's
   * usrOverlay ({@code deployment_unlocked_state_to_usr_overlay}): {@code development} is a transient
   * read-write overlay, {@code hotfix} a persistent one, {@code transient} a read-only one; {@code none} or
   * missing is no overlay.
   */
  static UsrOverlay ofUnlocked(Field f) throws ObservedStateException {
    String expected = "none, development, hotfix or transient";
    String s = f.optText(expected);
    if (s == null) {
      return null;
    }
    return switch (s) {
      case "none" -> null;
      case "development" -> new UsrOverlay("readWrite", "transient");
      case "hotfix" -> new UsrOverlay("readWrite", "persistent");
      case "transient" -> new UsrOverlay("readOnly", "transient");
      default -> throw f.fail("found " + Field.quote(s), expected);
    };
  }
}
