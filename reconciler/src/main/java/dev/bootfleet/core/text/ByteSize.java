package dev.bootfleet.core.text;

/** Sizes in messages: "10 MiB", "2 KiB", or "100 bytes" when the size is not a whole unit. */
public final class ByteSize {
  private ByteSize() {}

  public static String of(long bytes) {
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
      return bytes / (1024 * 1024) + " MiB";
    }
    if (bytes >= 1024 && bytes % 1024 == 0) {
      return bytes / 1024 + " KiB";
    }
    return bytes + " bytes";
  }
}
