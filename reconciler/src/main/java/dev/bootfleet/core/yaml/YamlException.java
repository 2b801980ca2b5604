package dev.bootfleet.core.yaml;

/** A document that cannot be read as YAML, or that breaks one of the reader's limits. */
public final class YamlException extends Exception {
  private static final long serialVersionUID = 1L;
  private final Pos pos;

  public YamlException(Pos pos, String message) {
    super(message);
    this.pos = pos;
  }

  public Pos pos() {
    return pos;
  }
}
