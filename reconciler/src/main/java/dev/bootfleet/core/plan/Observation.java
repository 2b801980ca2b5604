package dev.bootfleet.core.plan;

import dev.bootfleet.core.observed.EtcReport;
import dev.bootfleet.core.observed.ObservedHost;

/**
 * What one host reports: its {@code bootc status} document and, optionally, the agent's report of the
 * /etc files and kernel arguments bootfleet manages.
 *
 * @param status the parsed status document (never null)
 * @param etc the /etc report, or null when the host sent none
 */
public record Observation(ObservedHost status, EtcReport etc) {
  public Observation {
    if (status == null) {
      throw new IllegalArgumentException("status is required");
    }
  }
}
