package dev.bootfleet.core.observed;

import java.util.Objects;

/**
 * One managed file under /etc as the agent found it on the host.
 *
 * @param path absolute, below {@code /etc/}, without empty, {@code .} or {@code ..} segments
 * @param sha256 SHA-256 of the file's bytes, 64 lowercase hex digits
 * @param mode permission bits as 4 octal digits, e.g. {@code 0644}
 * @param owner owning user (name or uid)
 * @param group owning group (name or gid)
 * @param content the file's text when the agent sent it, else {@code null}; its UTF-8 bytes hash to
 *     {@code sha256}
 */
public record EtcFileState(
    String path, String sha256, String mode, String owner, String group, String content) {
  static final String PATH_FORM = "an absolute path below /etc/ without empty, . or .. segments";

  public EtcFileState {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(group, "group");
    if (!isEtcPath(path)) {
      throw new IllegalArgumentException("path " + path + " is not allowed (expected " + PATH_FORM + ")");
    }
    if (!Formats.isSha256Hex(sha256)) {
      throw new IllegalArgumentException("sha256 " + sha256 + " is malformed (expected "
          + Formats.SHA256_FORM + ")");
    }
    if (!isMode(mode)) {
      throw new IllegalArgumentException("mode " + mode + " is malformed (expected 4 octal digits such as 0644)");
    }
    if (owner.isBlank() || group.isBlank()) {
      throw new IllegalArgumentException("owner and group must not be blank (expected a name or id)");
    }
  }

  /** Four octal digits, {@code [0-7]{4}}. */
  static boolean isMode(String mode) {
    if (mode.length() != 4) {
      return false;
    }
    for (int i = 0; i < 4; i++) {
      if (mode.charAt(i) < '0' || mode.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }

  static boolean isEtcPath(String path) {
    if (!path.startsWith("/etc/") || path.indexOf('\0') >= 0) {
      return false;
    }
    for (String segment : path.substring("/etc/".length()).split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
