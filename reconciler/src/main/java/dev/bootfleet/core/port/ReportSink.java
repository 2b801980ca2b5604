package dev.bootfleet.core.port;

import java.io.IOException;

/**
 * Where a host agent sends the report of each cycle, besides its report folder: the reconciler server
 * ({@code POST /v1/hosts/{name}/status}); standalone GitOps sends nowhere ({@link #NONE}).
 */
public interface ReportSink {
  /** Sends nothing: standalone GitOps. */
  ReportSink NONE = (host, status, etc, agent) -> {};

  /**
   * Sends one cycle's documents, as JSON text; returns once the receiver has stored them.
   *
   * @param status the bootc or rpm-ostree status document
   * @param etc the /etc report, or null
   * @param agent the agent's report
   * @throws IOException when they could not be delivered (after any retries), in one line
   */
  void send(String host, String status, String etc, String agent) throws IOException;
}
