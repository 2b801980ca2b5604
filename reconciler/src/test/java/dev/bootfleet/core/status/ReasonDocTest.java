package dev.bootfleet.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.Example;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Every reason a host can have is documented, with the status and conditions it gives. */
class ReasonDocTest {
  @Test
  void everyReason_isInTheStatusSpec_withItsStatusAndConditions() throws IOException {
    String spec = Files.readString(Example.projectRoot().resolve("docs/spec/host-status.md"));
    for (Reason r : Reason.values()) {
      var c = Condition.of(r, "m");
      String row = "| `" + r.id() + "` | `" + r.status().id() + "` | " + c.get(0).status() + " | " + c.get(1).status()
          + " | " + c.get(2).status() + " |";
      assertThat(spec).as(r.name()).contains(row);
    }
  }
}
