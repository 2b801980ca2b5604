package dev.bootfleet.app.agent;

import dev.bootfleet.adapters.fs.AtomicFiles;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Reads and writes {@code state.json}: atomically, mode 0600, never half-written. */
public final class StateStore {
  static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private final Path file;

  public StateStore(Path stateDir) {
    this.file = stateDir.resolve("state.json");
  }

  public Path file() {
    return file;
  }

  /** The state, a fresh one when there is none; an unreadable file is moved aside (and said so). */
  public Loaded load() throws IOException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return new Loaded(new AgentState(), null);
    }
    try {
      return new Loaded(parse(Files.readString(file)), null);
    } catch (JacksonException | IllegalStateException e) {
      String why = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
      Path aside = file.resolveSibling("state.json.unreadable");
      Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      return new Loaded(new AgentState(), file + ": unreadable (" + Text.oneLine(why, "?")
          + "); moved to " + aside + ", starting afresh");
    }
  }

  public static AgentState parse(String text) {
    AgentState s = JSON.readValue(text, AgentState.class);
    if (s == null || !"AgentState".equals(s.kind)) {
      throw new IllegalStateException("not an AgentState");
    }
    return s;
  }

  /** @param problem why the file was not usable, or null */
  public record Loaded(AgentState state, String problem) {}

  public void save(AgentState s) throws IOException {
    Files.createDirectories(file.getParent());
    AtomicFiles.write(file, JSON.writeValueAsBytes(s), AtomicFiles.Attributes.mode(0600));
  }
}
