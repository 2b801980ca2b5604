package dev.bootfleet.core.plan;

import dev.bootfleet.core.observed.EtcReport;
import dev.bootfleet.core.observed.ObservedHost;

/**
 * What one host reports: its {@code bootc status} document and, optionally, the agent's report of the
 * /etc files and kernel arguments bootfleet manages, and the agent's history.
 *
 * @param status the parsed status document (never null)
 * @param etc the /etc report, or null when the host sent none
 * @param history what the host's agent remembers of its own switches, or null when unknown (the CLI
 *     reading status documents): the engine then holds a host whose rollback slot has the desired image
 */
public record Observation(ObservedHost status, EtcReport etc, HostHistory history) {
  public Observation {
    if (status == null) {
      throw new IllegalArgumentException("status is required");
    }
  }

  public Observation(ObservedHost status, EtcReport etc) {
    this(status, etc, null);
  }
}
