package dev.bootfleet.app.agent;

import dev.bootfleet.adapters.fleetlock.FleetLockClient;
import dev.bootfleet.adapters.tls.Pem;
import dev.bootfleet.core.agent.MaintenanceWindows;
import dev.bootfleet.core.manifest.ManifestShape;
import dev.bootfleet.core.manifest.Problem;
import dev.bootfleet.core.text.Quote;
import dev.bootfleet.core.yaml.Pos;
import dev.bootfleet.core.yaml.YNode;
import dev.bootfleet.core.yaml.YNode.YMap;
import dev.bootfleet.core.yaml.YNode.YScalar;
import dev.bootfleet.core.yaml.YNode.YSeq;
import dev.bootfleet.core.yaml.YamlException;
import dev.bootfleet.core.yaml.YamlReader;
import java.net.URI;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the agent's YAML configuration. Every problem is reported at once, one line each, as {@code
 * file:line:col: error: field: message (expected form)}; a file with any error gives no configuration.
 */
final class AgentConfigParser {
  private static final Pattern HHMM = Pattern.compile("^([01][0-9]|2[0-3]):[0-5][0-9]$");
  private static final Set<String> TOP = Set.of("host", "fleet", "server", "interval", "stateDir", "root", "bootc",
      "rpmOstree", "flatpak", "ostree", "ostreeSysroot", "bootcTimeout", "reportDir", "bootIdFile", "etc", "reboot", "health");

  /** The configuration, or the problems that prevent one (in the order of the file, as a reader fixes them). */
  public record Result(AgentConfig config, List<Problem> problems) {
    public Result {
      problems = problems.stream().sorted(Problem.ORDER).toList();
    }
  }

  private final String file;
  private final java.util.function.Predicate<Path> credentialExists;
  private final boolean readTlsFiles;
  private final List<Problem> problems = new ArrayList<>();

  private AgentConfigParser(String file, java.util.function.Predicate<Path> credentialExists, boolean readTlsFiles) {
    this.readTlsFiles = readTlsFiles;
    this.file = file;
    this.credentialExists = credentialExists;
  }

  /**
   * Parses the text of a configuration file.
   *
   * @param defaultHost the host name to use when the file names none (the machine's host name)
   */
  public static Result parse(String text, String file, String defaultHost) {
    return parse(text, file, defaultHost, p -> true);
  }

  /**
   * Parses the text of a configuration file, and checks that {@code server.tokenFile} exists (the agent
   * needs its credential; enrollment, which writes it, does not).
   */
  public static Result parse(String text, String file, String defaultHost,
      java.util.function.Predicate<Path> credentialExists) {
    return new AgentConfigParser(file, credentialExists, false).read(text, defaultHost);
  }

  /**
   * Parses like {@link #parse(String, String, String, java.util.function.Predicate)}, and with
   * {@code readTlsFiles} also reads server.caFile, server.certFile and server.keyFile: each bad one, or a
   * key that is not the certificate's, is a problem on its line (never showing a key).
   */
  public static Result parse(String text, String file, String defaultHost,
      java.util.function.Predicate<Path> credentialExists, boolean readTlsFiles) {
    return new AgentConfigParser(file, credentialExists, readTlsFiles).read(text, defaultHost);
  }

  private Result read(String text, String defaultHost) {
    YMap root;
    try {
      List<YamlReader.Document> docs = YamlReader.withDefaults().readAll(text);
      if (docs.size() != 1 || !(docs.get(0).root() instanceof YMap m)) {
        error(Pos.NONE, "", "is not one YAML mapping (expected host:, fleet:, reboot: ... as in README.md)");
        return new Result(null, problems);
      }
      root = m;
    } catch (YamlException e) {
      problems.add(Problem.error(file, e.pos(), "", e.getMessage()));
      return new Result(null, problems);
    }
    unknownKeys(root, "", TOP);
    String host = text(root, "host", "", null);
    if (host == null) {
      host = defaultHost;
      if (host == null || !ManifestShape.isDnsName(host)) {
        error(root.pos(), "host", "is not set and the machine's host name " + Quote.of(String.valueOf(host))
            + " is not a fleet host name (expected host: <name as in the fleet repository>)");
      }
    } else if (!ManifestShape.isDnsName(host)) { // the fleet's own rule for metadata.name
      error(root.get("host").pos(), "host", Quote.of(host) + " is not a host name (expected a DNS-1123 name"
          + " such as web-01)");
    }
    AgentConfig.Fleet fleet = null;
    AgentConfig.Server server = null;
    if (root.get("server") == null) {
      fleet = fleet(root);
    } else if (root.get("fleet") == null) {
      server = server(root);
    } else {
      error(root.entries().get("server").keyPos(), "server", "is set beside fleet: (expected exactly one: fleet: for"
          + " standalone GitOps, or server: for a reconciler server)");
      server(root);
      fleet(root);
    }
    Duration interval = seconds(root, "interval", 300, 10, 86400);
    Path stateDir = path(root, "stateDir", "/var/lib/bootfleet");
    Path rootDir = path(root, "root", "/");
    List<String> bootc = command(root, "bootc", List.of("/usr/bin/bootc"));
    List<String> rpmOstree = command(root, "rpmOstree", AgentConfig.DEFAULT_RPM_OSTREE);
    List<String> flatpak = command(root, "flatpak", AgentConfig.DEFAULT_FLATPAK);
    List<String> ostree = command(root, "ostree", AgentConfig.DEFAULT_OSTREE);
    Path ostreeSysroot = root.get("ostreeSysroot") == null ? null : path(root, "ostreeSysroot", "/");
    Duration bootcTimeout = seconds(root, "bootcTimeout", 3600, 1, 86400);
    Path reportDir = path(root, "reportDir", (stateDir == null ? "/var/lib/bootfleet" : stateDir.toString())
        + "/reports");
    Path bootIdFile = path(root, "bootIdFile", "/proc/sys/kernel/random/boot_id");
    AgentConfig.LocalChanges local = AgentConfig.LocalChanges.OVERWRITE;
    YMap etc = map(root, "etc", "");
    if (etc != null) {
      unknownKeys(etc, "etc.", Set.of("localChanges"));
      String v = text(etc, "localChanges", "etc.", "overwrite");
      if (v.equals("keep")) {
        local = AgentConfig.LocalChanges.KEEP;
      } else if (!v.equals("overwrite")) {
        error(etc.get("localChanges").pos(), "etc.localChanges", Quote.of(v) + " is not a policy (expected"
            + " overwrite or keep)");
      }
    }
    AgentConfig.Reboot reboot = reboot(root, host, root.get("server") != null);
    AgentConfig.Health health = health(root);
    if (problems.stream().anyMatch(Problem::isError)) {
      return new Result(null, problems);
    }
    return new Result(new AgentConfig(host, fleet, interval, stateDir, rootDir, bootc, bootcTimeout, reportDir,
        bootIdFile, local, reboot, rpmOstree, flatpak, server, ostree, ostreeSysroot, health), problems);
  }

  /**
   * {@code health:}: the checks after a boot into a new deployment. Absent: none. Present (even empty):
   * greenboot's result and boot-complete.target by default, the units and command it names.
   */
  private AgentConfig.Health health(YMap root) {
    YMap h = map(root, "health", "");
    if (h == null) {
      if (root.get("health") != null && isNull(root.get("health"))) {
        return new AgentConfig.Health(AgentConfig.Health.DEFAULT_SYSTEMCTL, true, true, List.of(), List.of(),
            Duration.ofSeconds(60));
      }
      return AgentConfig.Health.NONE;
    }
    unknownKeys(h, "health.", Set.of("systemctl", "greenboot", "bootComplete", "units", "command",
        "timeoutSeconds"));
    List<String> systemctl = command(h, "systemctl", AgentConfig.Health.DEFAULT_SYSTEMCTL, "health.");
    boolean greenboot = bool(h, "greenboot", "health.", true);
    boolean bootComplete = bool(h, "bootComplete", "health.", true);
    List<String> units = new ArrayList<>();
    YNode u = h.get("units");
    if (u instanceof YSeq seq) {
      for (int i = 0; i < seq.items().size(); i++) {
        YNode item = seq.items().get(i);
        if (item instanceof YScalar s && UNIT.matcher(s.text()).matches()) {
          units.add(s.text());
        } else {
          error(item.pos(), "health.units[" + i + "]", shown(item) + " is not a systemd unit name (expected e.g."
              + " nginx.service)");
        }
      }
    } else if (u != null && !isNull(u)) {
      error(u.pos(), "health.units", "is a " + u.kindName() + " (expected a list of units, e.g. [nginx.service])");
    }
    List<String> command = h.get("command") == null || isNull(h.get("command")) ? List.of()
        : command(h, "command", List.of(), "health.");
    Duration timeout = Duration.ofSeconds(60);
    Integer t = integer(h, "timeoutSeconds", "health.", 60, 1, 3600);
    if (t != null) {
      timeout = Duration.ofSeconds(t);
    }
    return new AgentConfig.Health(systemctl, greenboot, bootComplete, units, command, timeout);
  }

  /** A systemd unit name: a name and a unit type suffix, no path, no spaces. */
  private static final Pattern UNIT = Pattern.compile(
      "^[A-Za-z0-9:_.\\@-]+\\.(service|socket|target|mount|timer|path|device|swap|automount|scope|slice)$");

  private boolean bool(YMap m, String key, String prefix, boolean dflt) {
    YNode n = m.get(key);
    if (n == null || isNull(n)) {
      return dflt;
    }
    if (n instanceof YScalar s && s.type() == YScalar.Type.BOOL) {
      return Boolean.parseBoolean(s.text().toLowerCase(Locale.ROOT));
    }
    error(n.pos(), prefix + key, shown(n) + " is not true or false");
    return dflt;
  }

  private AgentConfig.Fleet fleet(YMap root) {
    YMap f = map(root, "fleet", "");
    if (f == null) {
      error(root.pos(), "fleet", "is missing (expected fleet: {url: <Git URL>, branch: main}, or server: {url:"
          + " https://<server>, tokenFile: /etc/bootfleet/host.token})");
      return null;
    }
    unknownKeys(f, "fleet.", Set.of("url", "branch", "path"));
    String url = text(f, "url", "fleet.", null);
    if (url == null) {
      error(f.pos(), "fleet.url", "is missing (expected the fleet repository's Git URL or path)");
    }
    String branch = text(f, "branch", "fleet.", "main");
    if (!org.eclipse.jgit.lib.Repository.isValidRefName("refs/heads/" + branch)) {
      error(f.get("branch").pos(), "fleet.branch", Quote.of(branch) + " is not a Git branch name (expected a name"
          + " such as main or release/42: no spaces, '..', '~', '^', ':', '?', '*', '[' or '\\')");
    }
    String path = text(f, "path", "fleet.", "");
    if (path.contains("..")) {
      error(f.get("path").pos(), "fleet.path", Quote.of(path) + " contains '..' (expected a folder inside the"
          + " repository)");
    }
    return new AgentConfig.Fleet(url, branch, path);
  }

  private AgentConfig.Server server(YMap root) {
    YMap s = map(root, "server", "");
    if (s == null) {
      if (isNull(root.get("server"))) {
        error(root.get("server").pos(), "server", "is empty (expected server: {url: https://<server>, tokenFile:"
            + " /etc/bootfleet/host.token})");
      }
      return null;
    }
    unknownKeys(s, "server.", Set.of("url", "tokenFile", "caFile", "certFile", "keyFile"));
    String url = text(s, "url", "server.", null);
    URI uri = null;
    if (url == null) {
      error(s.pos(), "server.url", "is missing (expected the reconciler server's base URL, e.g. https://bootfleet.example:8443)");
    } else {
      var problem = dev.bootfleet.adapters.agentclient.ServerClient.baseUrlProblem(url);
      if (problem == null) {
        uri = URI.create(url);
      } else if (problem == dev.bootfleet.adapters.agentclient.ServerClient.BaseUrlProblem.USER_QUERY_OR_FRAGMENT) {
        error(s.get("url").pos(), "server.url", "has a user, query or fragment (expected a base URL such as"
            + " https://bootfleet.example:8443; the credential goes in server.tokenFile)");
      } else {
        error(s.get("url").pos(), "server.url", Quote.of(url) + " is not an http(s) URL (expected e.g."
            + " https://bootfleet.example:8443)");
      }
    }
    Path token = path(s, "tokenFile", "/etc/bootfleet/host.token", "server.");
    if (!credentialExists.test(token)) {
      error(s.get("tokenFile") == null ? s.pos() : s.get("tokenFile").pos(), "server.tokenFile", Quote.of(token.toString())
          + " does not exist (expected the host's credential; write it with bootfleet agent enroll --config FILE"
          + " --token-file ENROLLMENT_TOKEN_FILE)");
    }
    Path ca = optionalPath(s, "caFile", "/etc/bootfleet/ca.pem");
    Path cert = optionalPath(s, "certFile", "/etc/bootfleet/host.crt");
    Path key = optionalPath(s, "keyFile", "/etc/bootfleet/host.key");
    if ((s.get("certFile") == null) != (s.get("keyFile") == null)) {
      String given = s.get("certFile") == null ? "keyFile" : "certFile";
      error(s.get(given).pos(), "server." + given, "is set alone (expected both server.certFile and server.keyFile:"
          + " the host's client certificate and its PKCS#8 key in PEM, for mutual TLS)");
    } else if (s.get("certFile") != null && uri != null && !"https".equals(uri.getScheme())) {
      error(s.get("certFile").pos(), "server.certFile", "is set for an http URL (expected an https server.url:"
          + " a client certificate is for mutual TLS)");
    }
    if (readTlsFiles) {
      readTls(s, ca, cert, key);
    }
    return uri == null ? null : new AgentConfig.Server(uri, token, ca, cert, key);
  }

  /** Reads the server's TLS files: each problem on its key's line, named by the file, never a key's bytes. */
  private void readTls(YMap s, Path ca, Path cert, Path key) {
    if (ca != null) {
      pem(s, "caFile", ca, Pem::certificates);
    }
    if (cert != null && key != null) {
      List<X509Certificate> chain = pem(s, "certFile", cert, Pem::certificates);
      PrivateKey k = pem(s, "keyFile", key, Pem::privateKey);
      if (chain != null && k != null && !Pem.matches(k, chain.getFirst())) {
        error(s.get("keyFile").pos(), "server.keyFile", Quote.of(key.toString()) + " is not the key of the first"
            + " certificate in " + cert + " (expected the private key of server.certFile)");
      }
    }
  }

  private interface PemReader<T> {
    T read(Path file) throws Pem.Problem;
  }

  private <T> T pem(YMap s, String key, Path file, PemReader<T> reader) {
    try {
      return reader.read(file);
    } catch (Pem.Problem e) {
      error(s.get(key).pos(), "server." + key, Quote.of(file.toString()) + ": " + e.reason());
      return null;
    }
  }

  /** An absolute path under {@code server.}, or null when the key is absent or null. */
  private Path optionalPath(YMap s, String key, String example) {
    return s.get(key) == null || isNull(s.get(key)) ? null : path(s, key, example, "server.");
  }

  /**
   * {@code reboot:}. In server mode the reboot slot comes from the server's own leases unless {@code
   * fleetLock.url} names another FleetLock server ({@code fleetLock.group} and {@code .id} still apply).
   */
  private AgentConfig.Reboot reboot(YMap root, String host, boolean serverMode) {
    YMap r = map(root, "reboot", "");
    List<String> command = List.of("systemctl", "reboot", "--message=bootfleet: booting the staged image");
    AgentConfig.FleetLock serverLeases = serverMode ? new AgentConfig.FleetLock(null, "default",
        host == null ? "" : host) : null;
    if (r == null) {
      return new AgentConfig.Reboot(command, MaintenanceWindows.ANY_TIME, serverLeases);
    }
    unknownKeys(r, "reboot.", Set.of("command", "softCommand", "softRebootsCommand", "timeZone", "windows",
        "fleetLock"));
    command = command(r, "command", command);
    List<String> soft = command(r, "softCommand", AgentConfig.Reboot.DEFAULT_SOFT, "reboot.");
    List<String> softReboots = r.get("softRebootsCommand") == null ? null
        : command(r, "softRebootsCommand", List.of(), "reboot.");
    ZoneId zone = ZoneId.of("UTC");
    String z = text(r, "timeZone", "reboot.", "UTC");
    try {
      zone = z.equals("localtime") ? ZoneId.systemDefault() : ZoneId.of(z);
    } catch (DateTimeException e) {
      error(r.get("timeZone").pos(), "reboot.timeZone", Quote.of(z) + " is not a time zone (expected an IANA name"
          + " such as Europe/Berlin, UTC or localtime)");
    }
    List<MaintenanceWindows.Window> windows = new ArrayList<>();
    YNode ws = r.get("windows");
    if (ws instanceof YSeq seq) {
      for (int i = 0; i < seq.items().size(); i++) {
        MaintenanceWindows.Window w = window(seq.items().get(i), "reboot.windows[" + i + "]");
        if (w != null) {
          windows.add(w);
        }
      }
    } else if (ws != null && !isNull(ws)) {
      error(ws.pos(), "reboot.windows", "is a " + ws.kindName() + " (expected a list of windows)");
    }
    AgentConfig.FleetLock lock = null;
    YMap fl = map(r, "fleetLock", "reboot.");
    if (fl != null) {
      unknownKeys(fl, "reboot.fleetLock.", Set.of("url", "group", "id"));
      String url = text(fl, "url", "reboot.fleetLock.", null);
      URI uri = null;
      if (url == null && !serverMode) {
        error(fl.pos(), "reboot.fleetLock.url", "is missing (expected the FleetLock server's base URL)");
      } else if (url == null) {
        // server mode: the server's own leases
      } else {
        try {
          uri = URI.create(url);
          if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("no http(s) scheme");
          }
        } catch (IllegalArgumentException e) {
          error(fl.get("url").pos(), "reboot.fleetLock.url", Quote.of(url) + " is not an http(s) URL (expected"
              + " e.g. http://fleetlock.example:3333/)");
        }
      }
      String group = text(fl, "group", "reboot.fleetLock.", "default");
      if (!FleetLockClient.GROUP.matcher(group).matches()) {
        error(fl.get("group").pos(), "reboot.fleetLock.group", Quote.of(group) + " is not a group name (expected"
            + " letters, digits, '.' and '-')");
      }
      String id = text(fl, "id", "reboot.fleetLock.", host == null ? "" : host);
      if (id.isEmpty()) {
        error(fl.pos(), "reboot.fleetLock.id", "is empty (expected a stable, non-empty id; default the host name)");
      }
      lock = new AgentConfig.FleetLock(uri, group, id);
    }
    return new AgentConfig.Reboot(command, new MaintenanceWindows(windows, zone), lock == null ? serverLeases : lock,
        soft, softReboots);
  }

  private MaintenanceWindows.Window window(YNode n, String field) {
    if (!(n instanceof YMap m)) {
      error(n.pos(), field, "is a " + n.kindName() + " (expected {days: [Sat, Sun], start: \"23:30\","
          + " lengthMinutes: 60})");
      return null;
    }
    unknownKeys(m, field + ".", Set.of("days", "start", "lengthMinutes"));
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    YNode d = m.get("days");
    if (d instanceof YSeq seq && !seq.items().isEmpty()) {
      for (int i = 0; i < seq.items().size(); i++) {
        YNode item = seq.items().get(i);
        DayOfWeek day = item instanceof YScalar s ? day(s.text()) : null;
        if (day == null) {
          error(item.pos(), field + ".days[" + i + "]", shown(item) + " is not a day (expected Mon..Sun or"
              + " Monday..Sunday)");
        } else {
          days.add(day);
        }
      }
    } else {
      error(d == null ? m.pos() : d.pos(), field + ".days", (d == null ? "is missing" : "is not a list of days")
          + " (expected e.g. [Sat, Sun])");
    }
    String start = text(m, "start", field + ".", null);
    LocalTime time = null;
    if (start == null) {
      error(m.pos(), field + ".start", "is missing (expected hh:mm, 24 h, e.g. \"23:30\")");
    } else if (!HHMM.matcher(start).matches()) {
      error(m.get("start").pos(), field + ".start", Quote.of(start) + " is not a time (expected hh:mm, 24 h, e.g."
          + " \"23:30\"; quote it)");
    } else {
      time = LocalTime.parse(start);
    }
    Integer length = integer(m, "lengthMinutes", field + ".", null, 1, 7 * 24 * 60);
    if (length == null && m.get("lengthMinutes") == null) {
      error(m.pos(), field + ".lengthMinutes", "is missing (expected minutes from 1 to 10080)");
    }
    if (days.isEmpty() || time == null || length == null) {
      return null;
    }
    return new MaintenanceWindows.Window(days, time, length);
  }

  static DayOfWeek day(String s) {
    String l = s.toLowerCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      String full = d.name().toLowerCase(Locale.ROOT);
      if (l.equals(full) || l.equals(full.substring(0, 3))) {
        return d;
      }
    }
    return null;
  }

  // --- small readers, each reporting its own problem ---

  private void unknownKeys(YMap m, String prefix, Set<String> known) {
    for (Map.Entry<String, YNode.Entry> e : m.entries().entrySet()) {
      if (!known.contains(e.getKey())) {
        error(e.getValue().keyPos(), prefix + e.getKey(), "is not a setting (expected one of "
            + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
    }
  }

  private YMap map(YMap parent, String key, String prefix) {
    YNode n = parent.get(key);
    if (n == null || isNull(n)) {
      return null;
    }
    if (n instanceof YMap m) {
      return m;
    }
    error(n.pos(), prefix + key, "is a " + n.kindName() + " (expected a mapping)");
    return null;
  }

  private String text(YMap m, String key, String prefix, String dflt) {
    YNode n = m.get(key);
    if (n == null || isNull(n)) {
      return dflt;
    }
    if (n instanceof YScalar s && s.type() != YScalar.Type.NULL) {
      return s.text();
    }
    error(n.pos(), prefix + key, "is a " + n.kindName() + " (expected text)");
    return dflt;
  }

  private Integer integer(YMap m, String key, String prefix, Integer dflt, int min, int max) {
    YNode n = m.get(key);
    if (n == null || isNull(n)) {
      return dflt;
    }
    if (n instanceof YScalar s && s.type() == YScalar.Type.INT) {
      try {
        int v = Integer.parseInt(s.text());
        if (v >= min && v <= max) {
          return v;
        }
      } catch (NumberFormatException e) {
        // too large: said below
      }
    }
    error(n.pos(), prefix + key, shown(n) + " is not a whole number from " + min + " to " + max);
    return null;
  }

  private Duration seconds(YMap m, String key, int dflt, int min, int max) {
    Integer v = integer(m, key, "", dflt, min, max);
    return Duration.ofSeconds(v == null ? dflt : v);
  }

  private Path path(YMap m, String key, String dflt) {
    return path(m, key, dflt, "");
  }

  private Path path(YMap m, String key, String dflt, String prefix) {
    String v = text(m, key, prefix, dflt);
    if (!v.startsWith("/")) {
      error(m.get(key).pos(), prefix + key, Quote.of(v) + " is not an absolute path (expected e.g. " + dflt + ")");
      return Path.of(dflt);
    }
    return Path.of(v);
  }

  /** A command as text (one program, no arguments) or a list of words; never a shell string. */
  private List<String> command(YMap m, String key, List<String> dflt) {
    return command(m, key, dflt, key.equals("command") ? "reboot." : "");
  }

  private List<String> command(YMap m, String key, List<String> dflt, String prefix) {
    YNode n = m.get(key);
    String field = prefix + key;
    if (n == null || isNull(n)) {
      return dflt;
    }
    if (n instanceof YScalar s) {
      if (s.text().isBlank() || s.text().contains(" ")) {
        error(n.pos(), field, Quote.of(s.text()) + " is not one program (expected a path, or a list such as"
            + " [systemctl, reboot]; no shell is used)");
        return dflt;
      }
      return List.of(s.text());
    }
    if (n instanceof YSeq seq && !seq.items().isEmpty()) {
      List<String> words = new ArrayList<>();
      for (YNode item : seq.items()) {
        if (item instanceof YScalar s && !s.text().isEmpty()) {
          words.add(s.text());
        } else {
          error(item.pos(), field, shown(item) + " is not a word of the command (expected text)");
        }
      }
      return words;
    }
    error(n.pos(), field, "is a " + n.kindName() + " (expected a program path or a list of words)");
    return dflt;
  }

  private static boolean isNull(YNode n) {
    return n instanceof YScalar s && s.type() == YScalar.Type.NULL;
  }

  private static String shown(YNode n) {
    return n instanceof YScalar s ? Quote.of(s.text()) : "a " + n.kindName();
  }

  private void error(Pos pos, String field, String message) {
    problems.add(Problem.error(file, pos, field, message));
  }
}
