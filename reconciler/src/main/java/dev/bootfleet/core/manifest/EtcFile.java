package dev.bootfleet.core.manifest;

/**
 * A desired /etc file of one host, after merging and rendering.
 *
 * @param content the bytes to write, or null when {@code absent}
 * @param from who declared it, for people: {@code host web-01} or {@code group web}
 */
public record EtcFile(String path, boolean absent, FileContent content, int mode, String owner, String group,
    String from) {
  public EtcFile {
    if (absent != (content == null)) {
      throw new IllegalArgumentException(path + ": content is required unless the file is absent");
    }
  }

  /** {@code 0644}-style octal. */
  public String modeString() {
    String octal = Integer.toOctalString(mode); // String.format was a few percent of planning
    return octal.length() >= 4 ? octal : "0000".substring(octal.length()) + octal;
  }
}
