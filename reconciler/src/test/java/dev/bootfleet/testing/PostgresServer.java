package dev.bootfleet.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL 15 (Debian's package {@code postgresql}) in a temporary folder, listening on a free
 * loopback port: {@code initdb} with a superuser password, {@code pg_ctl start -w} (which waits, within its
 * own bound, until the server accepts connections), then a login role with a password. initdb refuses
 * root, so as root (CI) the cluster belongs to {@code nobody} and every PostgreSQL program runs through
 * {@code runuser -u nobody --}. {@link #close} stops it with a fast shutdown and deletes the folder.
 */
public final class PostgresServer implements AutoCloseable {
  static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  static final String OS_USER = "nobody";
  static final String SUPERUSER = "postgres";
  public static final String USER = "bootfleet";
  private static final long WAIT_SECONDS = 60;

  private final Path dir;
  private final int port;
  private final String superPassword;
  private final String password;
  private final AtomicInteger databases = new AtomicInteger();
  private boolean running;

  private PostgresServer(Path dir, int port, String superPassword, String password) {
    this.dir = dir;
    this.port = port;
    this.superPassword = superPassword;
    this.password = password;
  }

  /** Starts a new cluster; fails with a line naming the package when PostgreSQL 15 is not installed. */
  public static PostgresServer start() throws IOException, InterruptedException {
    if (!Files.isExecutable(BIN.resolve("initdb")) || !Files.isExecutable(BIN.resolve("pg_ctl"))) {
      throw new IllegalStateException("PostgreSQL 15 is not installed (no " + BIN.resolve("initdb")
          + "): install Debian's package postgresql (apt-get install postgresql)");
    }
    Path dir = Files.createTempDirectory("bootfleet-pg");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    PostgresServer pg = new PostgresServer(dir, RegistryServer.freePort(), secret(), secret());
    try {
      pg.init();
      return pg;
    } catch (IOException | InterruptedException | RuntimeException e) {
      pg.close();
      throw e;
    }
  }

  private void init() throws IOException, InterruptedException {
    Path pwfile = dir.resolve("superuser.pw");
    Files.writeString(pwfile, superPassword + "\n");
    Files.createDirectories(dir.resolve("sock"));
    if (root()) {
      UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
      for (Path p : List.of(dir, pwfile, dir.resolve("sock"))) {
        Files.setOwner(p, users.lookupPrincipalByName(OS_USER));
      }
    }
    run(List.of(BIN.resolve("initdb").toString(), "-D", data().toString(), "-U", SUPERUSER, "--pwfile=" + pwfile,
        "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"));
    run(List.of(BIN.resolve("pg_ctl").toString(), "-D", data().toString(), "-l", dir.resolve("server.log").toString(),
        "-w", "-t", String.valueOf(WAIT_SECONDS), "-o",
        "-c listen_addresses=127.0.0.1 -p " + port + " -k " + dir.resolve("sock") + " -c fsync=off", "start"));
    running = true;
    admin("CREATE ROLE " + USER + " LOGIN PASSWORD '" + password + "'");
  }

  /** A new, empty database owned by {@link #USER}; its JDBC URL (no password in it). */
  public String newDatabase() {
    String name = "db" + databases.incrementAndGet();
    admin("CREATE DATABASE " + name + " OWNER " + USER);
    return url(name);
  }

  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public String password() {
    return password;
  }

  private void admin(String sql) {
    try (Connection c = DriverManager.getConnection(url("postgres"), SUPERUSER, superPassword);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL refused " + sql.replace(password, "***") + ": " + e.getMessage()
          + log(), e);
    }
  }

  private Path data() {
    return dir.resolve("data");
  }

  /** Runs a PostgreSQL program (as {@code nobody} when this is root), bounded; fails with its output. */
  private void run(List<String> command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (root()) {
      full.addAll(List.of("runuser", "-u", OS_USER, "--"));
    }
    full.addAll(command);
    Path out = dir.resolve("command.out");
    Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    if (!p.waitFor(WAIT_SECONDS + 30, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new IllegalStateException(String.join(" ", command) + ": no answer in " + (WAIT_SECONDS + 30) + " s" + log());
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": "
          + Files.readString(out, StandardCharsets.UTF_8).strip() + log());
    }
  }

  private String log() {
    try {
      Path log = dir.resolve("server.log");
      return Files.exists(log) ? "\nserver.log:\n" + Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static String secret() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Stops the server (fast shutdown: open sessions are ended, nothing waits for them) and deletes the folder. */
  @Override
  public void close() {
    try {
      if (running) {
        running = false;
        run(List.of(BIN.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "-w", "-t",
            String.valueOf(WAIT_SECONDS), "stop"));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot stop PostgreSQL in " + dir + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary folder left behind is no failure of the test
      }
    }
  }
}
