package dev.bootfleet.core.text;

/** Text for one-line messages. */
public final class Text {
  private Text() {}

  /** {@code s} with every run of white space (line breaks included) folded to one space; {@code fallback} for null. */
  public static String oneLine(String s, String fallback) {
    return s == null ? fallback : s.replaceAll("\\s+", " ").trim();
  }

  /** {@code 1 host}, {@code 0 hosts}, {@code 2 hosts}: a count and its noun, singular only for one. */
  public static String count(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
