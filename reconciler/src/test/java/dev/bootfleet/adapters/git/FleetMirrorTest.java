package dev.bootfleet.adapters.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetMirrorTest {
  @TempDir
  Path tmp;

  @Test
  void fetch_failsInOneLine_withoutTheUrlsPassword() {
    // a refused loopback port: JGit's message quotes the URL
    FleetMirror m = new FleetMirror("http://ops:hunter2@127.0.0.1:9/fleet.git", "main", "", tmp.resolve("repo.git"));
    assertThatThrownBy(m::fetch).hasMessageStartingWith("cannot fetch git http://***@127.0.0.1:9/fleet.git branch main: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2", "\n"));
  }

  @Test
  void scrub_hidesThePassword_whereverTheMessageQuotesTheUrl() {
    FleetMirror m = new FleetMirror("https://ops:hunter2@git.example.com/fleet.git", "main", "", tmp);
    assertThat(m.scrub("https://ops:hunter2@git.example.com/fleet.git: not authorized"))
        .isEqualTo("https://***@git.example.com/fleet.git: not authorized");
  }
}
