package dev.bootfleet.app.agent;

import dev.bootfleet.core.lifecycle.HostRecord;
import java.util.ArrayList;
import java.util.List;

import dev.bootfleet.adapters.fs.AtomicFiles;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads and writes {@code state.json}: atomically, mode 0600, never half-written. Mapped by hand over
 * Jackson's tree model: bean mapping would load some 300 more classes into an agent that runs on every host.
 */
final class StateStore {
  static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private final Path file;

  public StateStore(Path stateDir) {
    this.file = stateDir.resolve("state.json");
  }

  public Path file() {
    return file;
  }

  /**
   * The state, a fresh one when there is none. An unreadable file (corrupt, or not a file at all) is moved
   * aside and the previous generation, {@code state.json.prev}, is read instead; the problem says what was
   * recovered and what could not be.
   */
  public Loaded load() throws IOException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return new Loaded(new AgentState(), null);
    }
    String why;
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalStateException("not a regular file");
      }
      AgentState s = parse(Files.readString(file));
      trusted = true;
      return new Loaded(s, null);
    } catch (JacksonException e) {
      why = e.getLocation() == null ? "not valid JSON" : "not valid JSON at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr();
    } catch (IllegalStateException | java.nio.charset.MalformedInputException e) {
      why = e instanceof IllegalStateException ? e.getMessage() : "not UTF-8 text";
    }
    Path aside = file.resolveSibling("state.json.unreadable");
    if (Files.isDirectory(aside, LinkOption.NOFOLLOW_LINKS)) {
      aside = file.resolveSibling("state.json.unreadable." + System.nanoTime());
    }
    Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
    String lost = file + ": unreadable (" + Text.oneLine(why, "?") + "); moved to " + aside;
    Path prev = previous();
    try {
      AgentState s = Files.isRegularFile(prev, LinkOption.NOFOLLOW_LINKS) ? parse(Files.readString(prev)) : null;
      if (s != null) {
        return new Loaded(s, lost + "; recovered the previous generation from " + prev + " (" + s.files.size()
            + " managed file(s), " + (s.record.hold() == null ? "no hold" : "the hold on " + s.record.hold().ref())
            + "); what the last save changed is lost");
      }
    } catch (JacksonException | IllegalStateException | IOException e) {
      // no usable previous generation either: said below
    }
    return new Loaded(new AgentState(), lost + "; no previous generation to recover: starting afresh, and the"
        + " /etc files bootfleet wrote before are no longer known as its own");
  }

  /** The generation before the newest, kept beside it for {@link #load} to recover from. */
  Path previous() {
    return file.resolveSibling("state.json.prev");
  }

  /**
   * Removes the temporary files a killed agent left beside {@code state.json}; returns how many. Only
   * the holder of the agent lock may call it: another writer's temporary file would go too.
   */
  public int removeStale() throws IOException {
    return AtomicFiles.removeStale(file.getParent());
  }

  /** @param problem why the file was not usable, or null */
  public record Loaded(AgentState state, String problem) {}

  /**
   * Writes the state atomically; the file it replaces, when it was read or written whole, stays beside it
   * as {@code state.json.prev} (a hard link: no second write).
   */
  public void save(AgentState s) throws IOException {
    Files.createDirectories(file.getParent());
    if (trusted && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      Path prev = previous();
      Files.deleteIfExists(prev);
      try {
        Files.createLink(prev, file);
      } catch (UnsupportedOperationException | IOException e) {
        Files.copy(file, prev, StandardCopyOption.REPLACE_EXISTING); // a file system without hard links
      }
    }
    AtomicFiles.write(file, JSON.writeValueAsBytes(toJson(s)), AtomicFiles.Attributes.mode(0600));
    trusted = true;
  }

  /** Whether {@link #file} holds a state this store read or wrote whole (so it may become the previous one). */
  private boolean trusted;

  public static AgentState parse(String text) {
    JsonNode n = JSON.readTree(text);
    if (n == null || !n.isObject() || !"AgentState".equals(n.path("kind").asString(null))) {
      throw new IllegalStateException("not an AgentState document");
    }
    AgentState s = new AgentState();
    for (Map.Entry<String, JsonNode> e : n.path("files").properties()) {
      JsonNode f = e.getValue();
      s.files.put(e.getKey(), new AgentState.ManagedFile(text(f, "sha256"), text(f, "mode"), text(f, "owner"),
          text(f, "group"), text(f, "pendingSha256")));
    }
    JsonNode st = n.path("staged");
    HostRecord.Staged staged = !st.isObject() ? null : new HostRecord.Staged(text(st, "ref"), text(st, "transport"),
        st.path("enforce").asBoolean(false), text(st, "bootId"), text(st, "from"), st.path("locked").asBoolean(false),
        text(st, "rebootBootId"), text(st, "rebootAt"), text(st, "checksum"),
        st.path("serial").isInt() ? st.path("serial").asInt() : null);
    JsonNode h = n.path("hold");
    HostRecord.Hold hold = !h.isObject() ? null : new HostRecord.Hold(text(h, "ref"), text(h, "outcome"),
        text(h, "reason"), text(h, "since"), h.path("rollbackReverted").asBoolean(false));
    List<String> restageable = new ArrayList<>();
    for (JsonNode r : n.path("restageable")) {
      restageable.add(r.asString());
    }
    JsonNode l = n.path("fleetLock");
    HostRecord.Lock lock = !l.isObject() ? null
        : new HostRecord.Lock(l.path("held").asBoolean(false), text(l, "bootId"), text(l, "at"));
    JsonNode b = n.path("lastBoot");
    HostRecord.Boot boot = !b.isObject() ? null
        : new HostRecord.Boot(text(b, "bootId"), text(b, "outcome"), text(b, "ref"), text(b, "at"));
    s.record = new HostRecord(staged, n.path("lostAttempts").asInt(0), hold, restageable, lock, boot,
        text(n, "lastAppliedRevision"));
    return s;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isString() ? v.asString() : null;
  }

  static ObjectNode toJson(AgentState s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("apiVersion", s.apiVersion);
    o.put("kind", s.kind);
    ObjectNode files = o.putObject("files");
    s.files.forEach((path, f) -> files.putObject(path).put("sha256", f.sha256()).put("mode", f.mode())
        .put("owner", f.owner()).put("group", f.group()).put("pendingSha256", f.pendingSha256()));
    HostRecord r = s.record;
    if (r.staged() == null) {
      o.putNull("staged");
    } else {
      HostRecord.Staged x = r.staged();
      o.putObject("staged").put("ref", x.ref()).put("transport", x.transport()).put("enforce", x.enforce())
          .put("bootId", x.bootId()).put("from", x.from()).put("locked", x.locked())
          .put("rebootBootId", x.rebootBootId()).put("rebootAt", x.rebootAt());
      if (x.byDeployment()) { // rpm-ostree: the staged deployment itself
        o.withObject("staged").put("checksum", x.checksum()).put("serial", x.serial());
      }
    }
    o.put("lostAttempts", r.lostAttempts());
    if (r.hold() == null) {
      o.putNull("hold");
    } else {
      o.putObject("hold").put("ref", r.hold().ref()).put("outcome", r.hold().outcome()).put("reason", r.hold().reason())
          .put("since", r.hold().since()).put("rollbackReverted", r.hold().rollbackReverted());
    }
    ArrayNode rs = o.putArray("restageable");
    r.restageable().forEach(rs::add);
    if (r.rebootSlot() == null) {
      o.putNull("fleetLock");
    } else {
      o.putObject("fleetLock").put("held", r.rebootSlot().held()).put("bootId", r.rebootSlot().bootId())
          .put("at", r.rebootSlot().at());
    }
    if (r.lastBoot() == null) {
      o.putNull("lastBoot");
    } else {
      o.putObject("lastBoot").put("bootId", r.lastBoot().bootId()).put("outcome", r.lastBoot().outcome())
          .put("ref", r.lastBoot().ref()).put("at", r.lastBoot().at());
    }
    o.put("lastAppliedRevision", r.lastAppliedRevision());
    return o;
  }
}
