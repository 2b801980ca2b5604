package dev.bootfleet.adapters.agentclient;

import dev.bootfleet.core.port.RebootCoordinator;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The reconciler server's reboot leases as the agent's {@link RebootCoordinator} in server mode (ADR 0021):
 * FleetLock's {@code pre-reboot} and {@code steady-state} on the server's own routes, with the host's own
 * credential (the one its reports use) and its TLS. The lease's fencing token is kept from the grant; right
 * before the reboot {@link #confirm} renews the lease with it ({@code /v1/reboot-lease/heartbeat}), so the
 * reboot has a whole TTL, and a lease that expired meanwhile (and may be another host's slot now) is
 * refused: the host does not reboot on it.
 */
public final class ServerLeaseCoordinator implements RebootCoordinator {
  private static final JsonMapper JSON = JsonMapper.shared();
  private final ServerClient client;
  private final String id;
  private final String group;
  /** The token of the lease this process was granted, or 0 (none, or it did not outlive a restart). */
  private volatile long token;

  public ServerLeaseCoordinator(ServerClient client, String id, String group) {
    this.client = client;
    this.id = id;
    this.group = group;
  }

  @Override
  public Answer acquire() {
    try {
      ServerClient.Response r = client.fleetLock("/v1/pre-reboot", body(0));
      if (r.status() != 200) {
        return new Denied(describe() + " gave no reboot slot: " + answer(r));
      }
      JsonNode t = r.json().get("token");
      token = t != null && t.canConvertToLong() ? t.asLong() : 0;
      return new Granted(true);
    } catch (IOException e) {
      return new Denied(Text.oneLine(String.valueOf(e.getMessage()), e.getClass().getSimpleName()));
    }
  }

  @Override
  public String confirm() {
    long t = token;
    if (t <= 0) {
      return null; // granted before a restart: the server holds it; nothing to fence against here
    }
    try {
      ServerClient.Response r = client.fleetLock("/v1/reboot-lease/heartbeat", body(t));
      if (r.status() == 200) {
        return null;
      }
      token = 0;
      return describe() + " no longer holds the reboot slot for this host: " + answer(r);
    } catch (IOException e) {
      // unreachable: the lease may still be live, but it cannot be told; rebooting on it is not safe
      return Text.oneLine(String.valueOf(e.getMessage()), e.getClass().getSimpleName());
    }
  }

  @Override
  public String release() {
    try {
      ServerClient.Response r = client.fleetLock("/v1/steady-state", body(0));
      token = 0;
      return r.status() == 200 ? null : describe() + " steady-state refused: " + answer(r);
    } catch (IOException e) {
      return Text.oneLine(String.valueOf(e.getMessage()), e.getClass().getSimpleName());
    }
  }

  @Override
  public boolean coordinates() {
    return true;
  }

  private String describe() {
    return "the reboot leases of " + client.describe() + " (group " + group + ")";
  }

  private String body(long t) {
    ObjectNode o = JSON.createObjectNode();
    o.putObject("client_params").put("id", id).put("group", group);
    if (t > 0) {
      o.put("token", t);
    }
    return JSON.writeValueAsString(o);
  }

  /** The answer in one line: its FleetLock kind and value, or its status. */
  private static String answer(ServerClient.Response r) {
    try {
      JsonNode e = r.json();
      if (e != null && e.path("kind").isString()) {
        String value = e.path("value").isString() ? Text.oneLine(e.path("value").asString(), "") : "";
        return r.status() + " " + Text.oneLine(e.path("kind").asString(), "") + (value.isEmpty() ? "" : ": "
            + (value.length() > 200 ? value.substring(0, 200) + "…" : value));
      }
    } catch (IOException | RuntimeException e) {
      // not FleetLock's shape: the status says enough
    }
    return String.valueOf(r.status());
  }
}
