package dev.bootfleet.core.text;

/** Text for one-line messages. */
public final class Text {
  private Text() {}

  /** {@code s} with every run of white space (line breaks included) folded to one space; {@code fallback} for null. */
  public static String oneLine(String s, String fallback) {
    return s == null ? fallback : s.replaceAll("\\s+", " ").trim();
  }
}
