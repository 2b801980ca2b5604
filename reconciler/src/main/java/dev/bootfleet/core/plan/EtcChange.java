package dev.bootfleet.core.plan;

import dev.bootfleet.core.manifest.EtcFile;
import dev.bootfleet.core.manifest.FileContent;
import dev.bootfleet.core.observed.EtcFileState;
import java.util.ArrayList;
import java.util.List;

/** The action that takes one /etc file from what a host (or a base revision) has to what Git wants. */
final class EtcChange {
  private EtcChange() {}

  /** Compares with what a host reports; {@code got} null means the file is missing there. */
  static Action between(EtcFile want, EtcFileState got) {
    if (want.absent()) {
      return got == null ? null : new Action.RemoveFile(want.path(), got.sha256(),
          got.content() == null ? null : Diffs.unified(want.path(), got.content(), null));
    }
    FileContent c = want.content();
    if (got == null) {
      return write(want, null, "new file", Diffs.unified(want.path(), null, Diffs.text(c)));
    }
    List<String> what = new ArrayList<>();
    String diff = null;
    if (!c.sha256().equals(got.sha256())) {
      what.add("content " + got.sha256().substring(0, Math.min(12, got.sha256().length())) + " -> "
          + c.sha256().substring(0, 12));
      diff = got.content() == null ? null : Diffs.unified(want.path(), got.content(), Diffs.text(c));
    }
    attributes(what, got.mode(), want.modeString(), "mode");
    attributes(what, got.owner(), want.owner(), "owner");
    attributes(what, got.group(), want.group(), "group");
    return what.isEmpty() ? null : write(want, got.sha256(), String.join(", ", what), diff);
  }

  /** Compares two revisions of Git; {@code before} null means the file was not declared. */
  static Action between(EtcFile want, EtcFile before) {
    if (want.absent()) {
      return before == null || before.absent() ? null : new Action.RemoveFile(want.path(),
          before.content().sha256(), Diffs.unified(want.path(), Diffs.text(before.content()), null));
    }
    if (before == null || before.absent()) {
      return write(want, null, before == null ? "new file" : "was absent",
          Diffs.unified(want.path(), null, Diffs.text(want.content())));
    }
    List<String> what = new ArrayList<>();
    String diff = null;
    if (!want.content().equals(before.content())) {
      what.add("content");
      diff = Diffs.unified(want.path(), Diffs.text(before.content()), Diffs.text(want.content()));
    }
    attributes(what, before.modeString(), want.modeString(), "mode");
    attributes(what, before.owner(), want.owner(), "owner");
    attributes(what, before.group(), want.group(), "group");
    return what.isEmpty() ? null : write(want, before.content().sha256(), String.join(", ", what), diff);
  }

  private static void attributes(List<String> what, String from, String to, String name) {
    if (!to.equals(from)) {
      what.add(name + " " + from + " -> " + to);
    }
  }

  private static Action write(EtcFile want, String previous, String summary, String diff) {
    FileContent c = want.content();
    return new Action.WriteFile(want.path(), c.sha256(), c.size(), want.modeString(), want.owner(),
        want.group(), previous, summary, diff);
  }
}
