package dev.bootfleet.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.core.manifest.Problem;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentConfigParserTest {
  @Test
  void minimalConfig_takesEveryDefault() {
    AgentConfigParser.Result r = AgentConfigParser.parse("fleet: {url: https://git.example.com/fleet.git}\n",
        "agent.yaml", "web-01");

    assertThat(r.problems()).isEmpty();
    AgentConfig c = r.config();
    assertThat(c.host()).isEqualTo("web-01");
    assertThat(c.fleet()).isEqualTo(new AgentConfig.Fleet("https://git.example.com/fleet.git", "main", ""));
    assertThat(c.interval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/bootfleet"));
    assertThat(c.root()).isEqualTo(Path.of("/"));
    assertThat(c.bootc()).containsExactly("/usr/bin/bootc");
    assertThat(c.rpmOstree()).containsExactly("/usr/bin/rpm-ostree");
    assertThat(c.flatpak()).containsExactly("/usr/bin/flatpak");
    assertThat(c.bootcTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(c.reportDir()).isEqualTo(Path.of("/var/lib/bootfleet/reports"));
    assertThat(c.bootIdFile()).isEqualTo(Path.of("/proc/sys/kernel/random/boot_id"));
    assertThat(c.localChanges()).isEqualTo(AgentConfig.LocalChanges.OVERWRITE);
    assertThat(c.reboot().command()).containsExactly("systemctl", "reboot",
        "--message=bootfleet: booting the staged image");
    assertThat(c.reboot().windows().anyTime()).isTrue();
    assertThat(c.reboot().fleetLock()).isNull();
    assertThat(c.reboot().defers()).isFalse();
  }

  @Test
  void host_followsTheFleetsRuleForHostNames_lengthIncluded() {
    String longest = "h".repeat(253);
    String tooLong = "h".repeat(254);

    assertThat(AgentConfigParser.parse("fleet: {url: /srv/fleet.git}\n", "agent.yaml", longest).problems())
        .isEmpty();
    assertThat(AgentConfigParser.parse("fleet: {url: /srv/fleet.git}\n", "agent.yaml", tooLong).problems())
        .extracting(Problem::format).singleElement().asString().contains("is not a fleet host name");
    assertThat(AgentConfigParser.parse("host: " + tooLong + "\nfleet: {url: /srv/fleet.git}\n", "agent.yaml", null)
        .problems()).extracting(Problem::format).singleElement().asString().contains("is not a host name");
  }

  @Test
  void softReboot_commands_defaultToSystemctl_andTheCountGoesOnlyWithTheKernelsBootId() {
    AgentConfig plain = AgentConfigParser.parse("fleet: {url: /srv/fleet.git}\n", "agent.yaml", "web-01").config();
    assertThat(plain.reboot().softCommand()).containsExactly("systemctl", "soft-reboot");
    assertThat(AgentCommand.power(plain).describeSoftReboot()).isEqualTo("systemctl soft-reboot");
    AgentConfigParser.Result r = AgentConfigParser.parse("""
        fleet: {url: /srv/fleet.git}
        bootIdFile: /run/sim/boot_id
        reboot:
          softCommand: [/opt/sim, soft-reboot]
          softRebootsCommand: null
        """, "agent.yaml", "web-01");
    assertThat(r.problems()).isEmpty();
    assertThat(r.config().reboot().softCommand()).containsExactly("/opt/sim", "soft-reboot");
    assertThat(r.config().reboot().softRebootsCommand()).isEmpty();
    assertThat(AgentConfigParser.parse("fleet: {url: /srv/fleet.git}\nreboot: {softCommand: \"systemctl soft-reboot\"}\n",
        "agent.yaml", "web-01").problems()).extracting(Problem::format).singleElement().asString()
        .contains("reboot.softCommand").contains("is not one program");
  }

  @Test
  void fullConfig_readsWindowsAndFleetLock() {
    AgentConfigParser.Result r = AgentConfigParser.parse("""
        host: db-02
        fleet: {url: /srv/fleet.git, branch: prod, path: fleets/eu}
        interval: 120
        bootc: [/usr/bin/bootc]
        rpmOstree: [/usr/local/bin/rpm-ostree, -q]
        flatpak: /opt/flatpak/bin/flatpak
        etc: {localChanges: keep}
        reboot:
          command: [systemctl, reboot]
          timeZone: Europe/Berlin
          windows:
            - {days: [Sat, Sunday], start: "23:30", lengthMinutes: 90}
          fleetLock: {url: "http://lock.example:3333/", group: db}
        """, "agent.yaml", null);

    assertThat(r.problems()).isEmpty();
    AgentConfig c = r.config();
    assertThat(c.localChanges()).isEqualTo(AgentConfig.LocalChanges.KEEP);
    assertThat(c.rpmOstree()).containsExactly("/usr/local/bin/rpm-ostree", "-q");
    assertThat(c.flatpak()).containsExactly("/opt/flatpak/bin/flatpak");
    assertThat(c.reboot().windows().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(c.reboot().windows().isOpen(Instant.parse("2026-11-28T23:00:00Z"))).isTrue(); // Sun 00:00 Berlin
    assertThat(c.reboot().fleetLock()).isEqualTo(new AgentConfig.FleetLock(URI.create("http://lock.example:3333/"),
        "db", "db-02"));
    assertThat(c.reboot().defers()).isTrue();
  }

  @Test
  void badConfig_reportsEveryProblemOnItsLine_inTheOrderOfTheFile() {
    AgentConfigParser.Result r = AgentConfigParser.parse("""
        host: Web_01
        fleet: {branch: main}
        interval: soon
        bootc: /usr/bin/bootc --verbose
        colour: blue
        etc: {localChanges: merge}
        reboot:
          timeZone: Mars/Olympus
          windows:
            - days: [Sonday]
              start: "25:00"
              lengthMinutes: 0
          fleetLock: {url: "ftp://x", group: "a b"}
        """, "agent.yaml", null);

    assertThat(r.config()).isNull();
    assertThat(r.problems()).extracting(Problem::format).containsExactly(
        "agent.yaml:1:7: error: host: \"Web_01\" is not a host name (expected a DNS-1123 name such as web-01)",
        "agent.yaml:2:8: error: fleet.url: is missing (expected the fleet repository's Git URL or path)",
        "agent.yaml:3:11: error: interval: \"soon\" is not a whole number from 10 to 86400",
        "agent.yaml:4:8: error: bootc: \"/usr/bin/bootc --verbose\" is not one program (expected a path, or a list such"
            + " as [systemctl, reboot]; no shell is used)",
        "agent.yaml:5:1: error: colour: is not a setting (expected one of bootIdFile, bootc, bootcTimeout, etc,"
            + " flatpak, fleet, health, host, interval, ostree, ostreeSysroot, reboot, reportDir, root, rpmOstree, server, stateDir)",
        "agent.yaml:6:21: error: etc.localChanges: \"merge\" is not a policy (expected overwrite or keep)",
        "agent.yaml:8:13: error: reboot.timeZone: \"Mars/Olympus\" is not a time zone (expected an IANA name such as"
            + " Europe/Berlin, UTC or localtime)",
        "agent.yaml:10:14: error: reboot.windows[0].days[0]: \"Sonday\" is not a day (expected Mon..Sun or"
            + " Monday..Sunday)",
        "agent.yaml:11:14: error: reboot.windows[0].start: \"25:00\" is not a time (expected hh:mm, 24 h, e.g."
            + " \"23:30\"; quote it)",
        "agent.yaml:12:22: error: reboot.windows[0].lengthMinutes: \"0\" is not a whole number from 1 to 10080",
        "agent.yaml:13:20: error: reboot.fleetLock.url: \"ftp://x\" is not an http(s) URL (expected e.g."
            + " http://fleetlock.example:3333/)",
        "agent.yaml:13:38: error: reboot.fleetLock.group: \"a b\" is not a group name (expected letters, digits, '.'"
            + " and '-')");
  }

  @Test
  void notAMapping_isOneProblem() {
    assertThat(AgentConfigParser.parse("- a\n", "agent.yaml", "h").problems()).extracting(Problem::format)
        .containsExactly("agent.yaml: error: is not one YAML mapping (expected host:, fleet:, reboot: ... as in"
            + " README.md)");
    assertThat(List.of()).isEmpty();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"bad..name", "has space", "ends.lock", "-x:y", "a~1"})
  void fleetBranch_thatGitRefuses_isAProblemWhenTheConfigLoads(String branch) {
    var r = AgentConfigParser.parse("fleet: {url: /srv/fleet.git, branch: \"" + branch + "\"}\n", "agent.yaml", "web-01");
    assertThat(r.problems()).extracting(dev.bootfleet.core.manifest.Problem::format)
        .singleElement().asString().startsWith("agent.yaml:1:").contains("fleet.branch").contains(branch)
        .contains("is not a Git branch name");
  }

  @Test
  void fleetBranch_withASlash_isFine() {
    assertThat(AgentConfigParser.parse("fleet: {url: /srv/fleet.git, branch: release/42}\n", "agent.yaml", "web-01")
        .problems()).isEmpty();
  }

  @Test
  void serverForm_readsUrlCredentialAndCa_insteadOfFleet() {
    AgentConfigParser.Result r = AgentConfigParser.parse("""
        host: web-01
        server:
          url: https://bootfleet.example:8443
          tokenFile: /etc/bootfleet/host.token
          caFile: /etc/bootfleet/ca.pem
        """, "agent.yaml", null, p -> true);

    assertThat(r.problems()).isEmpty();
    assertThat(r.config().fleet()).isNull();
    assertThat(r.config().server()).isEqualTo(new AgentConfig.Server(URI.create("https://bootfleet.example:8443"),
        Path.of("/etc/bootfleet/host.token"), Path.of("/etc/bootfleet/ca.pem")));
    assertThat(AgentConfigParser.parse("server: {url: \"http://127.0.0.1:8080\"}\n", "agent.yaml", "web-01")
        .config().server()).isEqualTo(new AgentConfig.Server(URI.create("http://127.0.0.1:8080"),
            Path.of("/etc/bootfleet/host.token"), null));
  }

  @Test
  void serverForm_takesRebootSlotsFromTheServersLeases_unlessAFleetLockUrlIsGiven() {
    var byDefault = AgentConfigParser.parse("server: {url: \"http://127.0.0.1:8080\"}\n", "agent.yaml", "web-01",
        p -> true);
    var grouped = AgentConfigParser.parse("server: {url: \"http://127.0.0.1:8080\"}\nreboot:\n  fleetLock:\n"
        + "    group: web\n", "agent.yaml", "web-01", p -> true);
    var elsewhere = AgentConfigParser.parse("server: {url: \"http://127.0.0.1:8080\"}\nreboot:\n  fleetLock:\n"
        + "    url: http://airlock:3333/\n", "agent.yaml", "web-01", p -> true);
    var standalone = AgentConfigParser.parse("fleet: {url: /srv/fleet}\nreboot:\n  fleetLock:\n    group: web\n",
        "agent.yaml", "web-01", p -> true);

    assertThat(byDefault.config().reboot().fleetLock()).isEqualTo(new AgentConfig.FleetLock(null, "default", "web-01"));
    assertThat(byDefault.config().reboot().defers()).isTrue();
    assertThat(grouped.config().reboot().fleetLock()).isEqualTo(new AgentConfig.FleetLock(null, "web", "web-01"));
    assertThat(elsewhere.config().reboot().fleetLock().url()).isEqualTo(URI.create("http://airlock:3333/"));
    assertThat(standalone.problems()).extracting(Problem::format).singleElement().asString()
        .contains("reboot.fleetLock.url: is missing");
  }

  @Test
  void serverForm_readsTheTlsFiles_andPutsEachProblemOnItsLine(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    var ca = dev.bootfleet.testing.TestCa.create(tmp);
    var one = ca.issueClient("one");
    var two = ca.issueClient("two");
    String yaml = """
        server:
          url: https://bootfleet.example:8443
          caFile: %s
          certFile: %s
          keyFile: %s
        """;

    var good = AgentConfigParser.parse(yaml.formatted(ca.caFile(), one.certFile(), one.keyFile()), "agent.yaml",
        "web-01", p -> true, true);
    var bad = AgentConfigParser.parse(yaml.formatted(tmp.resolve("gone.pem"), one.certFile(), two.keyFile()),
        "agent.yaml", "web-01", p -> true, true);

    assertThat(good.problems()).isEmpty();
    assertThat(bad.config()).isNull();
    assertThat(bad.problems()).extracting(Problem::format).containsExactly(
        "agent.yaml:3:11: error: server.caFile: \"" + tmp.resolve("gone.pem") + "\": no such file (expected"
            + " certificates in PEM)",
        "agent.yaml:5:12: error: server.keyFile: \"" + two.keyFile() + "\" is not the key of the first certificate"
            + " in " + one.certFile() + " (expected the private key of server.certFile)");
    String keyLine = java.nio.file.Files.readString(two.keyFile()).lines().skip(1).findFirst().orElseThrow();
    assertThat(bad.problems().toString()).doesNotContain(keyLine.substring(0, 20));
  }

  @Test
  void serverForm_readsAClientCertificate_forMutualTls() {
    AgentConfigParser.Result r = AgentConfigParser.parse("""
        server:
          url: https://bootfleet.example:8443
          caFile: /etc/bootfleet/ca.pem
          certFile: /etc/bootfleet/host.crt
          keyFile: /etc/bootfleet/host.key
        """, "agent.yaml", "web-01", p -> true);

    assertThat(r.problems()).isEmpty();
    assertThat(r.config().server()).isEqualTo(new AgentConfig.Server(URI.create("https://bootfleet.example:8443"),
        Path.of("/etc/bootfleet/host.token"), Path.of("/etc/bootfleet/ca.pem"), Path.of("/etc/bootfleet/host.crt"),
        Path.of("/etc/bootfleet/host.key")));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
      fleet: {url: /srv/fleet.git}\\nserver: {url: "https://s.example"}   | agent.yaml:2:1: error: server: is set beside fleet: (expected exactly one: fleet: for standalone GitOps, or server: for a reconciler server)
      interval: 60                                                    | agent.yaml:1:1: error: fleet: is missing (expected fleet: {url: <Git URL>, branch: main}, or server: {url: https://<server>, tokenFile: /etc/bootfleet/host.token})
      server: {tokenFile: /t}                                         | agent.yaml:1:9: error: server.url: is missing (expected the reconciler server's base URL, e.g. https://bootfleet.example:8443)
      server: {url: "ftp://s.example", tokenFile: /t}                 | agent.yaml:1:15: error: server.url: "ftp://s.example" is not an http(s) URL (expected e.g. https://bootfleet.example:8443)
      server: {url: "https://u:p@s.example", tokenFile: /t}           | agent.yaml:1:15: error: server.url: has a user, query or fragment (expected a base URL such as https://bootfleet.example:8443; the credential goes in server.tokenFile)
      server: {url: "https://s.example", tokenFile: host.token}       | agent.yaml:1:47: error: server.tokenFile: "host.token" is not an absolute path (expected e.g. /etc/bootfleet/host.token)
      server: {url: "https://s.example", token: abc}                  | agent.yaml:1:36: error: server.token: is not a setting (expected one of caFile, certFile, keyFile, tokenFile, url)
      server: {url: "https://s.example", tokenFile: /gone/host.token} | agent.yaml:1:47: error: server.tokenFile: "/gone/host.token" does not exist (expected the host's credential; write it with bootfleet agent enroll --config FILE --token-file ENROLLMENT_TOKEN_FILE)
      server: https://s.example                                       | agent.yaml:1:9: error: server: is a string (expected a mapping)
      server: {url: "https://s.example", certFile: /c.pem}            | agent.yaml:1:46: error: server.certFile: is set alone (expected both server.certFile and server.keyFile: the host's client certificate and its PKCS#8 key in PEM, for mutual TLS)
      server: {url: "https://s.example", keyFile: /k.pem}             | agent.yaml:1:45: error: server.keyFile: is set alone (expected both server.certFile and server.keyFile: the host's client certificate and its PKCS#8 key in PEM, for mutual TLS)
      server: {url: "http://s.example", certFile: /c, keyFile: /k}    | agent.yaml:1:45: error: server.certFile: is set for an http URL (expected an https server.url: a client certificate is for mutual TLS)
      server: {url: "https://s.example", certFile: c.pem, keyFile: /k} | agent.yaml:1:46: error: server.certFile: "c.pem" is not an absolute path (expected e.g. /etc/bootfleet/host.crt)
      """)
  void serverForm_badInput_isOneLineOnItsPlace(String yaml, String expected) {
    var r = AgentConfigParser.parse(yaml.replace("\\n", "\n") + "\n", "agent.yaml", "web-01",
        p -> !p.startsWith("/gone"));
    assertThat(r.config()).isNull();
    assertThat(r.problems()).extracting(Problem::format).contains(expected);
  }

  @Test
  void serverForm_reportsEveryProblemAtOnce() {
    var r = AgentConfigParser.parse("""
        server: {url: "ftp://x", tokenFile: rel, caFile: rel.pem}
        interval: 1
        """, "agent.yaml", "web-01", p -> true);
    assertThat(r.problems()).extracting(Problem::format).hasSize(4)
        .allMatch(l -> l.startsWith("agent.yaml:"));
  }

  @Test
  void health_absentMeansNoChecks_emptyMeansGreenbootAndBootComplete() {
    AgentConfig none = AgentConfigParser.parse("fleet: {url: /srv/fleet.git}\n", "agent.yaml", "web-01").config();
    assertThat(none.health()).isEqualTo(AgentConfig.Health.NONE);
    assertThat(none.health().any()).isFalse();

    AgentConfig empty = AgentConfigParser.parse("fleet: {url: /srv/fleet.git}\nhealth:\n", "agent.yaml", "web-01")
        .config();
    assertThat(empty.health().greenboot()).isTrue();
    assertThat(empty.health().bootComplete()).isTrue();
    assertThat(empty.health().systemctl()).containsExactly("/usr/bin/systemctl");

    AgentConfig full = AgentConfigParser.parse("""
        fleet: {url: /srv/fleet.git}
        health:
          systemctl: [/opt/bin/systemctl, --no-pager]
          greenboot: false
          units: [nginx.service, "getty@tty1.service"]
          command: [/usr/local/bin/check, --quick]
          timeoutSeconds: 30
        """, "agent.yaml", "web-01").config();
    assertThat(full.health()).isEqualTo(new AgentConfig.Health(List.of("/opt/bin/systemctl", "--no-pager"), false,
        true, List.of("nginx.service", "getty@tty1.service"), List.of("/usr/local/bin/check", "--quick"),
        Duration.ofSeconds(30)));
  }

  @Test
  void badHealth_everyProblemOnItsLine() {
    AgentConfigParser.Result r = AgentConfigParser.parse("""
        fleet: {url: /srv/fleet.git}
        health:
          greenboot: maybe
          units: [nginx, "a b.service"]
          command: "check --all"
          timeoutSeconds: 0
          colour: red
        """, "agent.yaml", "web-01");
    assertThat(r.config()).isNull();
    assertThat(r.problems()).extracting(Problem::format).containsExactly(
        "agent.yaml:3:14: error: health.greenboot: \"maybe\" is not true or false",
        "agent.yaml:4:11: error: health.units[0]: \"nginx\" is not a systemd unit name (expected e.g. nginx.service)",
        "agent.yaml:4:18: error: health.units[1]: \"a b.service\" is not a systemd unit name (expected e.g."
            + " nginx.service)",
        "agent.yaml:5:12: error: health.command: \"check --all\" is not one program (expected a path, or a list such"
            + " as [systemctl, reboot]; no shell is used)",
        "agent.yaml:6:19: error: health.timeoutSeconds: \"0\" is not a whole number from 1 to 3600",
        "agent.yaml:7:3: error: health.colour: is not a setting (expected one of bootComplete, command, greenboot,"
            + " systemctl, timeoutSeconds, units)");
  }
}
