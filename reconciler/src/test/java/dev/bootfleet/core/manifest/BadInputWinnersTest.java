package dev.bootfleet.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.adapters.git.WorkTreeFiles;
import org.junit.jupiter.api.Test;

/** For the corpus cases that load, that the right declaration won and nothing else slipped in. */
class BadInputWinnersTest {
  private static Fleet load(String name) throws Exception {
    return FleetLoader.load(new WorkTreeFiles(BadInputTest.corpus().resolve(name)), FleetLoader.Options.DEFAULT);
  }

  @Test
  void higherPriorityGroup_decidesATie_andItsImageWins() throws Exception {
    Fleet fleet = load("group-priority-resolves");
    assertThat(fleet.problems()).isEmpty();
    DesiredHost web = fleet.host("web-01").orElseThrow();
    assertThat(web.image().ref()).endsWith("@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    assertThat(web.groups()).containsExactly("green", "blue"); // lowest priority first
  }

  @Test
  void hostBesideABrokenGroup_loadsWithoutIt_andWithItsOwnImage() throws Exception {
    Fleet fleet = load("group-broken-no-cascade");
    assertThat(fleet.hosts()).extracting(DesiredHost::name).containsExactly("db-01");
    assertThat(fleet.host("db-01").orElseThrow().groups()).isEmpty();
  }

  @Test
  void nonBootfleetDocuments_areSkipped_withoutTouchingTheHost() throws Exception {
    Fleet fleet = load("foreign-document-skipped");
    assertThat(fleet.problems()).isEmpty();
    assertThat(fleet.host("web-01").orElseThrow().etc()).isEmpty();
  }

  @Test
  void warningOnly_stillLoads_withTheTagAsWritten() throws Exception {
    Fleet fleet = load("ref-no-digest-warning");
    assertThat(fleet.hasErrors()).isFalse();
    DesiredHost web = fleet.host("web-01").orElseThrow();
    assertThat(web.image().switchTarget()).isEqualTo("quay.io/example/os:42");
    assertThat(web.image().digest()).isEmpty();
  }
}
