package dev.bootfleet.app.agent;

import dev.bootfleet.adapters.exec.ToolRunner;
import dev.bootfleet.core.port.HostDriver.HostException;
import dev.bootfleet.core.text.Text;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The health checks the agent runs in the boot after a boot into a new deployment ({@code health:} in
 * agent.yaml): greenboot's result where greenboot is installed, {@code boot-complete.target} reached, the
 * named units active, and an optional command (exit 0 = healthy) bounded by {@code health.timeoutSeconds}.
 * systemd is read with one {@code systemctl show} call; greenboot's result is the state of its
 * {@code greenboot-healthcheck.service} (SubState {@code start} while its checks run, {@code exited} when they
 * passed, {@code failed} when a required check failed: Red Hat's MicroShift guide, "Checking the status of
 * greenboot health checks"). The answer is {@code healthy}, {@code failed} (the failing checks named) or
 * {@code pending} (greenboot still running, boot-complete.target not reached yet).
 */
final class HealthChecks {
  static final String GREENBOOT = "greenboot-healthcheck.service";
  static final String BOOT_COMPLETE = "boot-complete.target";

  /** One check's result: {@code ok}, {@code failed} or {@code pending}, and why when not ok. */
  record Check(String name, String result, String detail) {}

  /** The overall answer and each check. */
  record Result(String health, List<Check> checks) {
    /** The checks that failed, named, for the report's one line. */
    String failing() {
      return String.join("; ", checks.stream().filter(c -> !c.result().equals("ok"))
          .map(c -> c.name() + ": " + c.detail()).toList());
    }
  }

  /**
   * What {@code systemctl show --property=Id,LoadState,ActiveState,SubState UNIT...} prints for {@code units}: one
   * block of {@code Key=value} lines per unit, in their order, blank lines between. The real one runs systemctl
   * ({@link #systemctl}); the fleet simulator answers from memory.
   */
  interface Systemd {
    String show(List<String> units) throws HostException;
  }

  private final AgentConfig.Health config;
  private final Systemd systemd;
  private final ToolRunner command;

  /** Checks that read the real systemd through {@code health.systemctl}. */
  HealthChecks(AgentConfig.Health config) {
    this(config, systemctl(config));
  }

  HealthChecks(AgentConfig.Health config, Systemd systemd) {
    this.config = config;
    this.systemd = systemd;
    this.command = config.command().isEmpty() ? null : new ToolRunner("health command", config.command(),
        config.timeout());
  }

  Result run() {
    List<Check> checks = new ArrayList<>();
    List<String> units = new ArrayList<>();
    if (config.greenboot()) {
      units.add(GREENBOOT);
    }
    if (config.bootComplete()) {
      units.add(BOOT_COMPLETE);
    }
    units.addAll(config.units());
    if (!units.isEmpty()) {
      systemd(units, checks);
    }
    if (command != null) {
      checks.add(command());
    }
    String health = checks.stream().anyMatch(c -> c.result().equals("failed")) ? "failed"
        : checks.stream().anyMatch(c -> c.result().equals("pending")) ? "pending" : "healthy";
    return new Result(health, List.copyOf(checks));
  }

  /** The real systemd: one {@code systemctl show} process, bounded by {@code health.timeoutSeconds}. */
  static Systemd systemctl(AgentConfig.Health config) {
    ToolRunner systemctl = new ToolRunner("systemctl", config.systemctl(), config.timeout());
    return units -> {
      List<String> args = new ArrayList<>(List.of("show", "--property=Id,LoadState,ActiveState,SubState"));
      args.addAll(units);
      return systemctl.check(args.toArray(String[]::new)).stdout();
    };
  }

  private void systemd(List<String> units, List<Check> checks) {
    List<Map<String, String>> shown;
    try {
      shown = blocks(systemd.show(units));
    } catch (HostException e) {
      checks.add(new Check("systemd", "failed", Text.oneLine(e.getMessage(), "systemctl show failed")));
      return;
    }
    if (shown.size() != units.size()) {
      checks.add(new Check("systemd", "failed", "systemctl show gave " + shown.size() + " units for "
          + units.size() + " asked"));
      return;
    }
    for (int i = 0; i < units.size(); i++) {
      String unit = units.get(i);
      Map<String, String> p = shown.get(i);
      String load = p.getOrDefault("LoadState", "");
      String active = p.getOrDefault("ActiveState", "");
      String sub = p.getOrDefault("SubState", "");
      if (unit.equals(GREENBOOT)) {
        if (!load.equals("loaded")) {
          continue; // greenboot is not installed: nothing to read
        }
        checks.add(switch (sub) {
          case "exited" -> new Check("greenboot", "ok", null);
          case "failed" -> new Check("greenboot", "failed", GREENBOOT + " failed: a required check failed"
              + " (journalctl -u " + GREENBOOT + ")");
          default -> new Check("greenboot", "pending", GREENBOOT + " is " + active + "/" + sub);
        });
      } else if (unit.equals(BOOT_COMPLETE) && !config.units().contains(BOOT_COMPLETE)) {
        checks.add(active.equals("active") ? new Check(BOOT_COMPLETE, "ok", null)
            : new Check(BOOT_COMPLETE, "pending", "not reached yet (" + active + ")"));
      } else {
        String name = "unit " + unit;
        checks.add(!load.equals("loaded") ? new Check(name, "failed", "is " + load + " (expected a loaded unit)")
            : active.equals("active") ? new Check(name, "ok", null)
            : new Check(name, "failed", "is " + active + "/" + sub + " (expected active)"));
      }
    }
  }

  private Check command() {
    try {
      ToolRunner.Result r = command.run();
      if (r.exit() == 0) {
        return new Check("command", "ok", null);
      }
      String why = ToolRunner.lastLine(r.stderr());
      return new Check("command", "failed", command.shown() + " exited " + r.exit()
          + (why == null || why.isBlank() ? "" : ": " + why));
    } catch (HostException e) {
      return new Check("command", "failed", Text.oneLine(e.getMessage(), "the health command failed"));
    }
  }

  /** {@code systemctl show} output: one block of Key=value lines per unit, blank lines between. */
  static List<Map<String, String>> blocks(String text) {
    List<Map<String, String>> out = new ArrayList<>();
    Map<String, String> cur = null;
    for (String line : text.split("\n", -1)) {
      if (line.isBlank()) {
        cur = null;
        continue;
      }
      if (cur == null) {
        cur = new LinkedHashMap<>();
        out.add(cur);
      }
      int eq = line.indexOf('=');
      if (eq > 0) {
        cur.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }
}
