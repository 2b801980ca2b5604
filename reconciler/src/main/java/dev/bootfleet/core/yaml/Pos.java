package dev.bootfleet.core.yaml;

/** A 1-based line and column in a source file; {@link #NONE} when the place is not known. */
public record Pos(int line, int column) {
  public static final Pos NONE = new Pos(0, 0);

  public boolean known() {
    return line > 0;
  }

  @Override
  public String toString() {
    return known() ? line + ":" + column : "";
  }
}
