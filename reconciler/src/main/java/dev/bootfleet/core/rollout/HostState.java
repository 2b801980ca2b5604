package dev.bootfleet.core.rollout;

import dev.bootfleet.core.image.Digest;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the server knows of one host when the engine decides: its labels and zone, what the plan wants
 * it to boot, what it boots and has staged, when it was last seen, and how its last granted reboot went.
 *
 * @param desired the digest the plan names for the host; null when the plan has no image for it
 * @param booted what the host boots, as it last reported; null when unknown
 * @param staged what the host has staged for its next boot; null when nothing
 * @param lastSeen its last report; null when it never reported
 * @param rebootGrantedAt when it was last allowed to reboot onto {@code desired}; null when not (the
 *     server clears it when {@code desired} changes)
 * @param health what the host reported about the boot after that reboot: its checks (greenboot,
 *     boot-complete.target, named units, a command)
 * @param softRebootCapable whether bootc reports the host can soft-reboot into the staged image
 * @param rollbackToldFor the digests it has been told to roll back from, each once (bootc's rollback is a
 *     toggle: a second one would undo the first)
 */
public record HostState(String name, Map<String, String> labels, ZoneId zone, Digest desired, Digest booted,
    Digest staged, Instant lastSeen, Instant rebootGrantedAt, Health health, boolean softRebootCapable,
    Set<Digest> rollbackToldFor) {
  /** The host's own verdict on its boot after a granted reboot. */
  public enum Health { NONE, HEALTHY, FAILED }

  public HostState {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
    zone = zone == null ? ZoneId.of("UTC") : zone;
    health = health == null ? Health.NONE : health;
    rollbackToldFor = Set.copyOf(rollbackToldFor);
  }
}
