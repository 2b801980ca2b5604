package dev.bootfleet.app.server;

import dev.bootfleet.adapters.store.SqlFleetStore;
import dev.bootfleet.adapters.tls.Pem;
import dev.bootfleet.adapters.tls.ServerTls;
import dev.bootfleet.adapters.tls.TlsContexts;
import dev.bootfleet.core.server.Tokens;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run the reconciler server (preview): watch the fleet repository, serve each host its target,"
        + " store what hosts report, and answer operators (ADR 0016, schema/openapi.yaml).",
        "On first start it writes an operator credential to DIR/operator.token (mode 0600), unless"
            + " BOOTFLEET_OPERATOR_TOKEN gives one."},
    footerHeading = "%nEnvironment (what a container passes from its Secrets; a flag wins over its variable):%n",
    footer = {
        "  BOOTFLEET_REPO               the repository's URL, instead of --repo; may carry a credential,",
        "                               https://USER:TOKEN@HOST/fleet.git, kept out of the command line and logs",
        "  BOOTFLEET_WEBHOOK_SECRET     the secret of POST /hooks/git, instead of --webhook-secret-file",
        "  BOOTFLEET_OPERATOR_TOKEN     an operator credential (bfo_ and 43 base64url characters) the server takes",
        "                               into a store that has none, storing only its hash; no operator.token then",
        "  BOOTFLEET_DATABASE_URL       the PostgreSQL JDBC URL, instead of --database",
        "  BOOTFLEET_DATABASE_PASSWORD  the PostgreSQL password, instead of --database-password-file"})
public final class ServeCommand implements Callable<Integer> {
  /**
   * The environment variables {@code serve} reads, each documented in its help's footer (a test holds the
   * two together, and the Helm chart's test holds the chart to these): every read goes through {@link #env}.
   */
  public static final List<String> ENVIRONMENT = List.of("BOOTFLEET_REPO", "BOOTFLEET_WEBHOOK_SECRET",
      "BOOTFLEET_OPERATOR_TOKEN", "BOOTFLEET_DATABASE_URL", "BOOTFLEET_DATABASE_PASSWORD");

  @Option(names = "--repo", paramLabel = "URL",
      description = "The fleet repository's Git URL (or the environment's BOOTFLEET_REPO).")
  String repo;

  @Option(names = "--branch", defaultValue = "main", paramLabel = "BRANCH", description = "The branch to serve (default: ${DEFAULT-VALUE}).")
  String branch;

  @Option(names = "--path", defaultValue = "", paramLabel = "DIR", description = "The fleet's folder inside the repository (default: the top).")
  String path;

  @Option(names = "--listen", defaultValue = "127.0.0.1:8080", paramLabel = "HOST:PORT",
      description = "Where the API listens: plain HTTP, or HTTPS only with --tls-cert (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "Serve HTTPS (TLS 1.2+) with this PEM certificate, its chain after it (with --tls-key; ADR 0019).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "The certificate's private key: PEM, unencrypted PKCS#8 (BEGIN PRIVATE KEY), RSA or EC.")
  Path tlsKey;

  @Option(names = "--client-ca", paramLabel = "FILE",
      description = "Mutual TLS: require a client certificate signed by a CA in this PEM file, on top of the"
          + " credential (with --tls-cert).")
  Path clientCa;

  @Option(names = "--data", required = true, paramLabel = "DIR",
      description = "The server's folder: its store, its clone of the repository and operator.token.")
  Path data;

  @Option(names = "--poll-seconds", defaultValue = "60", paramLabel = "N",
      description = "Fetch Git every N seconds, from a random start of up to 10 s; replicas on one database share the schedule (default: ${DEFAULT-VALUE}).")
  long pollSeconds;

  @Option(names = "--long-poll-seconds", defaultValue = "60", paramLabel = "N",
      description = "How long a target request with If-None-Match waits for a change (default: ${DEFAULT-VALUE}).")
  long longPollSeconds;

  @Option(names = "--stale-seconds", defaultValue = "900", paramLabel = "N",
      description = "A host silent this long is shown unknown (default: ${DEFAULT-VALUE}).")
  long staleSeconds;

  @Option(names = "--lease-ttl-seconds", defaultValue = "900", paramLabel = "N",
      description = "How long a reboot lease lives without a heartbeat: a host that dies holding one frees its slot"
          + " after this (default: ${DEFAULT-VALUE}).")
  long leaseTtlSeconds;

  @Option(names = "--reboot-slots", paramLabel = "GROUP=N",
      description = "How many hosts of a FleetLock group may hold a reboot lease at once (repeatable; other groups:"
          + " --default-reboot-slots).")
  List<String> rebootSlots = new java.util.ArrayList<>();

  @Option(names = "--default-reboot-slots", defaultValue = "1", paramLabel = "N",
      description = "Reboot slots of a group not named by --reboot-slots (default: ${DEFAULT-VALUE}).")
  int defaultRebootSlots;

  @Option(names = "--webhook-secret-file", paramLabel = "FILE",
      description = "The secret of POST /hooks/git (or the environment's BOOTFLEET_WEBHOOK_SECRET); without one,"
          + " webhooks are refused.")
  Path webhookSecretFile;

  @Option(names = "--database", paramLabel = "JDBC-URL",
      description = "Keep the store in PostgreSQL (jdbc:postgresql://HOST:PORT/DB; or the environment's"
          + " BOOTFLEET_DATABASE_URL) instead of the embedded store in --data; the URL carries no password.")
  String database;

  @Option(names = "--database-user", paramLabel = "USER", description = "The PostgreSQL user (with --database).")
  String databaseUser;

  @Option(names = "--database-password-file", paramLabel = "FILE",
      description = "The PostgreSQL password (or the environment's BOOTFLEET_DATABASE_PASSWORD; with --database).")
  Path databasePasswordFile;

  @Spec
  CommandSpec spec;

  /** Reads the environment: by tests, a map in its place. */
  java.util.function.UnaryOperator<String> environment = System::getenv;

  /** Where the database URL came from, for messages: the flag or its variable. */
  private String databaseFrom = "--database";

  @Override
  public Integer call() throws Exception {
    List<String> problems = new ArrayList<>();
    if (repo == null) {
      repo = env("BOOTFLEET_REPO");
      if (repo == null) {
        problems.add("--repo: missing (expected the fleet repository's Git URL, or the environment's BOOTFLEET_REPO)");
      }
    }
    if (database == null) {
      database = env("BOOTFLEET_DATABASE_URL");
      databaseFrom = database == null ? "--database" : "BOOTFLEET_DATABASE_URL";
    }
    String operatorToken = env("BOOTFLEET_OPERATOR_TOKEN");
    if (operatorToken != null && Tokens.kindOf(operatorToken) != Tokens.Kind.OPERATOR) {
      problems.add("BOOTFLEET_OPERATOR_TOKEN: not an operator credential (not repeated here; expected bfo_ and 43"
          + " base64url characters, e.g. printf bfo_%s \"$(openssl rand -base64 32 | tr '+/' '-_' | tr -d =)\")");
      operatorToken = null;
    }
    String host = null;
    int port = -1;
    int colon = listen.lastIndexOf(':');
    if (colon > 0) {
      host = listen.substring(0, colon).replaceAll("^\\[|\\]$", "");
      try {
        port = Integer.parseInt(listen.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    if (host == null || port < 0 || port > 65535) {
      problems.add("--listen " + listen + ": not HOST:PORT (expected for example 127.0.0.1:8080)");
    }
    positive(problems, "--poll-seconds", pollSeconds);
    positive(problems, "--long-poll-seconds", longPollSeconds);
    positive(problems, "--stale-seconds", staleSeconds);
    positive(problems, "--lease-ttl-seconds", leaseTtlSeconds);
    java.util.Map<String, Integer> slots = slots(problems);
    String webhook = secret(problems, "--webhook-secret-file", webhookSecretFile, "BOOTFLEET_WEBHOOK_SECRET");
    byte[] secret = webhook == null ? null : webhook.getBytes(StandardCharsets.UTF_8);
    SqlFleetStore.Database db = database(problems);
    ServerTls tls = tls(problems);
    if (Files.exists(data) && !Files.isDirectory(data)) {
      problems.add("--data " + data + ": not a folder (expected the server's data folder)");
    }
    var err = spec.commandLine().getErr();
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("bootfleet: error: " + p));
      err.flush();
      return 1;
    }
    ServerLog log = new ServerLog(System.err);
    if (tls == null && !loopback(host)) {
      log.accept("warning: listening on " + host + " beyond loopback over plain HTTP: tokens cross the network"
          + " unencrypted (give --tls-cert and --tls-key, or put a TLS proxy in front)");
    }
    if (secret == null) {
      log.accept("warning: no webhook secret (--webhook-secret-file or BOOTFLEET_WEBHOOK_SECRET): POST /hooks/git is refused");
    }
    ReconcilerServer server = new ReconcilerServer(new ReconcilerServer.Config(repo, branch, path, host, port, data,
        Duration.ofSeconds(pollSeconds), Duration.ofSeconds(Math.min(10, pollSeconds)), Duration.ofSeconds(longPollSeconds),
        Duration.ofSeconds(staleSeconds), secret, db, tls, operatorToken), log)
        .leases(Duration.ofSeconds(leaseTtlSeconds), slots, defaultRebootSlots);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "bootfleet-serve-stop"));
    try {
      server.start();
    } catch (SqlFleetStore.Unavailable e) {
      server.close();
      err.println("bootfleet: error: " + (database == null ? "--data " + data : databaseFrom + " " + withoutPassword(database)) + ": "
          + e.getMessage());
      err.flush();
      return 1;
    } catch (Pem.Problem e) { // a TLS file changed between the check and the start
      server.close();
      err.println("bootfleet: error: " + e.getMessage());
      err.flush();
      return 1;
    }
    stopped.await();
    return 0;
  }

  /**
   * A secret from {@code file} (its content, stripped) or else the environment's {@code env}; null when
   * neither has one. A file that cannot be read or is empty is a problem; the secret never appears in one.
   */
  private String secret(List<String> problems, String option, Path file, String env) {
    if (file != null) {
      try {
        String s = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
          problems.add(option + " " + file + ": the file is empty (expected the secret)");
          return null;
        }
        return s;
      } catch (IOException e) {
        problems.add(option + " " + file + ": cannot read (" + e.getClass().getSimpleName() + ")");
        return null;
      }
    }
    return env(env);
  }

  /** The environment's {@code name} (one of {@link #ENVIRONMENT}), stripped; null when unset or blank. */
  String env(String name) {
    if (!ENVIRONMENT.contains(name)) {
      throw new IllegalArgumentException(name + " is not in ServeCommand.ENVIRONMENT");
    }
    String value = environment.apply(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  /**
   * The TLS of --tls-cert, --tls-key and --client-ca, or null for plain HTTP; every file is read and
   * checked here, before anything starts, and its problems added to {@code problems} (never a key's bytes).
   */
  private ServerTls tls(List<String> problems) {
    if (tlsCert == null && tlsKey == null) {
      if (clientCa != null) {
        problems.add("--client-ca " + clientCa + ": only with --tls-cert and --tls-key (expected mutual TLS on HTTPS)");
      }
      return null;
    }
    TlsContexts.check("--tls-cert", tlsCert, "--tls-key", tlsKey, problems);
    TlsContexts.checkAuthorities("--client-ca", clientCa, problems);
    return new ServerTls(tlsCert, tlsKey, clientCa);
  }

  /** The database of --database, or null for the embedded store; its problems added to {@code problems}. */
  private SqlFleetStore.Database database(List<String> problems) {
    if (database == null) {
      for (var given : new Object[][] {{"--database-user", databaseUser}, {"--database-password-file", databasePasswordFile}}) {
        if (given[1] != null) {
          problems.add(given[0] + " " + given[1] + ": only with --database (expected --database jdbc:postgresql://HOST:PORT/DB)");
        }
      }
      return null;
    }
    String password = secret(problems, "--database-password-file", databasePasswordFile, "BOOTFLEET_DATABASE_PASSWORD");
    String shown = withoutPassword(database);
    if (!shown.equals(database)) {
      problems.add(databaseFrom + " " + shown + ": the URL carries a password (expected it in --database-password-file FILE"
          + " or the environment's BOOTFLEET_DATABASE_PASSWORD)");
    } else if (!database.matches("jdbc:postgresql://[^/?#\\s]+/[^/?#\\s]+(\\?\\S*)?")) {
      problems.add(databaseFrom + " " + database + ": not a PostgreSQL JDBC URL (expected jdbc:postgresql://HOST:PORT/DB)");
    }
    return new SqlFleetStore.Database(database, databaseUser, password);
  }

  /** {@code url} with the value of any password in it (user:password@ or a password= parameter) as ***. */
  static String withoutPassword(String url) {
    return url.replaceAll("(?i)([?&;]password=)[^&;]*", "$1***").replaceAll("(//[^/@:]*):[^/@]*@", "$1:***@");
  }

  /** {@code --reboot-slots GROUP=N} by group; each bad one is a problem. */
  private java.util.Map<String, Integer> slots(List<String> problems) {
    if (defaultRebootSlots < 0) {
      problems.add("--default-reboot-slots " + defaultRebootSlots + ": not a number of slots (expected 0 or more)");
    }
    java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>();
    for (String s : rebootSlots) {
      int eq = s.indexOf('=');
      Integer n = null;
      try {
        n = eq < 0 ? null : Integer.valueOf(s.substring(eq + 1).strip());
      } catch (NumberFormatException e) {
        n = null;
      }
      String group = eq < 0 ? "" : s.substring(0, eq).strip();
      if (n == null || n < 0 || !group.matches("[a-zA-Z0-9.-]{1,253}")) {
        problems.add("--reboot-slots " + s + ": not GROUP=N (expected a FleetLock group, letters, digits, '.' and"
            + " '-', and 0 or more slots, for example web=2)");
      } else {
        out.put(group, n);
      }
    }
    return out;
  }

  private static void positive(List<String> problems, String option, long n) {
    if (n < 1) {
      problems.add(option + " " + n + ": not a number of seconds (expected 1 or more)");
    }
  }

  static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
