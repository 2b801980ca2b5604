package dev.bootfleet.core.plan;

import dev.bootfleet.core.observed.EtcReport;
import dev.bootfleet.core.observed.ObservedHost;
import dev.bootfleet.core.text.Quote;

/**
 * What one host reports: its {@code bootc status} document and, optionally, the agent's report of the
 * /etc files and kernel arguments bootfleet manages, and the agent's history; or, when what it sent
 * cannot be used, why.
 *
 * @param status the parsed status document (null only for an unreadable report)
 * @param etc the /etc report, or null when the host sent none
 * @param history what the host's agent remembers of its own switches, or null when unknown (the CLI
 *     reading status documents): the engine then holds a host whose rollback slot has the desired image
 * @param unreadable why the host's report was refused (one line naming the file and field), or null: the
 *     host is planned as {@code unknown}, and the other hosts as usual
 */
public record Observation(ObservedHost status, EtcReport etc, HostHistory history, String unreadable) {
  public Observation {
    if (unreadable != null) {
      if (status != null || etc != null || history != null) {
        throw new IllegalArgumentException("an unreadable report carries nothing else");
      }
      unreadable = Quote.controls(unreadable); // one line, whatever the caller passed
    } else if (status == null) {
      throw new IllegalArgumentException("status is required");
    }
  }

  public Observation(ObservedHost status, EtcReport etc, HostHistory history) {
    this(status, etc, history, null);
  }

  public Observation(ObservedHost status, EtcReport etc) {
    this(status, etc, null, null);
  }

  /** A host whose report was refused, for {@code problem} (e.g. an ObservedStateException's message). */
  public static Observation unreadable(String problem) {
    return new Observation(null, null, null, problem == null ? "unreadable" : problem);
  }
}
