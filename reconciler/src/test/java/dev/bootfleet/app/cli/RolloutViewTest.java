package dev.bootfleet.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RolloutViewTest {
  private static final JsonMapper JSON = JsonMapper.shared();

  private static JsonNode rollout(String phase, String canaryState, int healthy, int staged, String event) {
    return JSON.readTree("""
        {"name":"web","phase":"%s","target":"sha256:ab","paused":false,"aborted":false,"budgetInUse":1,
         "rejected":[],
         "waves":[
           {"name":"canary","state":"%s","hosts":4,"approval":false,"startsAt":null,
            "counts":{"pending":%d,"staged":%d,"rebooted":0,"healthy":%d,"failed":0,"rejected":0,"unknown":0,
                      "skipped":0}},
           {"name":"rest","state":"pending","hosts":6,"approval":true,"startsAt":null,
            "counts":{"pending":6,"staged":0,"rebooted":0,"healthy":0,"failed":0,"rejected":0,"unknown":0,
                      "skipped":0}}],
         "events":[%s]}
        """.formatted(phase, canaryState, 4 - healthy - staged, staged, healthy, event));
  }

  @Test
  void bar_fillsEachStateInItsShare_andIsAlwaysTheWidth() {
    JsonNode counts = JSON.readTree("{\"healthy\":1,\"rebooted\":1,\"staged\":1,\"failed\":1,\"pending\":0}");
    assertThat(RolloutView.bar(counts, 4, 8)).isEqualTo("##++==xx");
    assertThat(RolloutView.bar(JSON.readTree("{\"healthy\":1}"), 3, 10)).isEqualTo("###.......");
    assertThat(RolloutView.bar(JSON.readTree("{}"), 0, 5)).isEqualTo(".....");
    assertThat(RolloutView.bar(JSON.readTree("{\"healthy\":7}"), 7, 30)).hasSize(30).matches("#+");
  }

  @Test
  void bar_showsLeasedHosts_betweenRebootedAndStaged() {
    JsonNode counts = JSON.readTree("{\"healthy\":1,\"rebooted\":1,\"leased\":1,\"staged\":1,\"pending\":1}");
    assertThat(RolloutView.bar(counts, 5, 10)).isEqualTo("##++**==..");
  }

  @Test
  void bars_nameEveryCount_soColourIsNeverTheOnlySignal() {
    var lines = RolloutView.bars(rollout("progressing", "progressing", 1, 2, ""), 8);
    assertThat(lines.get(0)).isEqualTo("rollout web: progressing, target sha256:ab, budget in use 1");
    assertThat(lines.get(1)).isEqualTo("  canary [##====..] progressing, 1 pending, 2 staged, 1 healthy");
    assertThat(lines.get(2)).isEqualTo("  rest   [........] pending, 6 pending, needs approval");
  }

  @Test
  void follower_printsEachEventOnce_oldestFirst_andOnlyLinesThatChanged() {
    StringWriter s = new StringWriter();
    RolloutView.Follower f = new RolloutView.Follower(new PrintWriter(s));
    String first = "{\"at\":\"2026-01-01T00:00:01Z\",\"type\":\"staged\",\"host\":\"w1\",\"message\":\"m1\","
        + "\"who\":\"server\"}";
    String second = "{\"at\":\"2026-01-01T00:00:02Z\",\"type\":\"rebooted\",\"host\":\"w1\",\"message\":\"m2\","
        + "\"who\":\"server\"}";
    f.show(rollout("progressing", "progressing", 0, 1, first));
    f.show(rollout("progressing", "progressing", 0, 1, first));
    f.show(rollout("progressing", "progressing", 1, 0, second + "," + first));
    assertThat(s.toString().lines().toList()).containsExactly(
        "  2026-01-01T00:00:01Z  staged  w1  m1  (server)",
        "rollout web: progressing, target sha256:ab, budget in use 1",
        "  wave canary: progressing, 4 hosts, 3 pending, 1 staged",
        "  wave rest: pending, 6 hosts, 6 pending, needs approval",
        "  2026-01-01T00:00:02Z  rebooted  w1  m2  (server)",
        "  wave canary: progressing, 4 hosts, 3 pending, 1 healthy");
  }

  @Test
  void ended_onlyWhenCompleteHaltedOrAborted() {
    assertThat(RolloutView.ended(rollout("complete", "done", 4, 0, ""))).isTrue();
    assertThat(RolloutView.ended(rollout("halted", "halted", 0, 0, ""))).isTrue();
    assertThat(RolloutView.ended(rollout("soaking", "done", 4, 0, ""))).isFalse();
    assertThat(RolloutView.ended(rollout("paused", "progressing", 0, 0, ""))).isFalse();
  }
}
