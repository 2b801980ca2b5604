package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** state.json survives its own corruption: the previous generation is kept beside it and read instead. */
class StateStoreTest {
  @TempDir
  Path dir;

  static AgentState withFile(String path) {
    AgentState s = new AgentState();
    s.files.put(path, new AgentState.ManagedFile("a".repeat(64), "0644", "root", "root", null));
    return s;
  }

  @Test
  void load_corruptState_recoversThePreviousGeneration_andSaysWhatIsLost() throws Exception {
    StateStore store = new StateStore(dir);
    store.save(withFile("/etc/motd"));
    store.save(withFile("/etc/issue"));
    Files.writeString(dir.resolve("state.json"), "{\"kind\": \"AgentState\", \"files\": {\"/etc/iss");

    StateStore.Loaded loaded = new StateStore(dir).load();

    assertThat(loaded.state().files).containsOnlyKeys("/etc/motd");
    assertThat(loaded.problem()).startsWith(dir.resolve("state.json") + ": unreadable (not valid JSON at line 1,")
        .contains("moved to " + dir.resolve("state.json.unreadable"))
        .contains("recovered the previous generation from " + dir.resolve("state.json.prev"))
        .contains("1 managed file(s)").contains("what the last save changed is lost")
        .doesNotContain("Unexpected").doesNotContain("JsonParser").doesNotContain("\n");
    assertThat(dir.resolve("state.json.unreadable")).isRegularFile();
  }

  @Test
  void load_stateThatIsAFolder_isMovedAside_withItsPath() throws Exception {
    Files.createDirectories(dir.resolve("state.json/inner"));

    StateStore.Loaded loaded = new StateStore(dir).load();

    assertThat(loaded.problem()).startsWith(dir.resolve("state.json") + ": unreadable (not a regular file)")
        .contains("no previous generation to recover: starting afresh");
    assertThat(loaded.state().files).isEmpty();
    assertThat(dir.resolve("state.json")).doesNotExist();
  }

  @Test
  void save_keepsOnlyWholeGenerations_asThePreviousOne() throws Exception {
    StateStore store = new StateStore(dir);
    store.save(withFile("/etc/motd"));
    assertThat(dir.resolve("state.json.prev")).as("nothing before the first save").doesNotExist();
    store.save(withFile("/etc/issue"));
    assertThat(StateStore.parse(Files.readString(dir.resolve("state.json.prev"))).files).containsOnlyKeys("/etc/motd");
    assertThat(StateStore.parse(Files.readString(dir.resolve("state.json"))).files).containsOnlyKeys("/etc/issue");
  }
}
