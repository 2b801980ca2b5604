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
}
