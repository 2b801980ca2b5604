package dev.bootfleet.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.testing.TestCa;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class ServeCommandTest {
  static final String OPERATOR = "bfo_" + "A".repeat(43);

  @TempDir
  Path tmp;

  @ParameterizedTest
  @CsvSource({"127.0.0.1, true", "127.0.0.2, true", "::1, true", "localhost, true", "0.0.0.0, false",
      "10.1.2.3, false", "::, false"})
  void loopback_isTrue_onlyForLoopbackAddresses(String host, boolean loopback) {
    assertThat(ServeCommand.loopback(host)).isEqualTo(loopback);
  }

  /** Runs serve with {@code tlsArgs}, which must fail before anything starts: its error lines. */
  List<String> refused(String... tlsArgs) {
    List<String> args = new ArrayList<>(List.of("--repo", tmp.resolve("fleet").toUri().toString(), "--data",
        tmp.resolve("data").toString(), "--listen", "127.0.0.1:0"));
    args.addAll(List.of(tlsArgs));
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new ServeCommand()).setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
    assertThat(exit).as(err.toString()).isEqualTo(1);
    assertThat(tmp.resolve("data")).as("nothing written before the options are checked").doesNotExist();
    return err.toString().lines().toList();
  }

  @Test
  void leases_reportEveryBadOptionAtOnce() throws Exception {
    assertThat(refused("--lease-ttl-seconds", "0", "--reboot-slots", "web", "--reboot-slots", "a b=2",
        "--reboot-slots", "db=2", "--default-reboot-slots", "-1")).containsExactly(
        "bootfleet: error: --lease-ttl-seconds 0: not a number of seconds (expected 1 or more)",
        "bootfleet: error: --default-reboot-slots -1: not a number of slots (expected 0 or more)",
        "bootfleet: error: --reboot-slots web: not GROUP=N (expected a FleetLock group, letters, digits, '.' and '-',"
            + " and 0 or more slots, for example web=2)",
        "bootfleet: error: --reboot-slots a b=2: not GROUP=N (expected a FleetLock group, letters, digits, '.' and"
            + " '-', and 0 or more slots, for example web=2)");
  }

  @Test
  void tls_reportsEveryBadFileAtOnce_namingTheOptionAndTheFile() throws Exception {
    Path missing = tmp.resolve("missing.crt");
    Path garbage = Files.writeString(tmp.resolve("garbage.key"), "not a key\n");
    Path folder = Files.createDirectories(tmp.resolve("ca.d"));

    assertThat(refused("--tls-cert", missing.toString(), "--tls-key", garbage.toString(), "--client-ca",
        folder.toString())).containsExactly(
        "bootfleet: error: --tls-cert " + missing + ": no such file (expected certificates in PEM)",
        "bootfleet: error: --tls-key " + garbage + ": holds no private key (expected PEM: -----BEGIN PRIVATE KEY-----,"
            + " PKCS#8)",
        "bootfleet: error: --client-ca " + folder + ": is a folder (expected a file of certificates in PEM)");
  }

  @Test
  void tls_refusesAKeyThatIsNotTheCertificates_withoutShowingIt() throws Exception {
    TestCa ca = TestCa.create(tmp.resolve("ca"));
    TestCa.Issued one = ca.issueServer("one");
    TestCa.Issued two = ca.issueServer("two");

    List<String> errors = refused("--tls-cert", one.certFile().toString(), "--tls-key", two.keyFile().toString());

    assertThat(errors).containsExactly("bootfleet: error: --tls-key " + two.keyFile() + ": is not the key of the first"
        + " certificate in " + one.certFile() + " (expected the private key of that certificate)");
    String key = Files.readString(two.keyFile()).lines().skip(1).findFirst().orElseThrow();
    assertThat(String.join("\n", errors)).doesNotContain(key.substring(0, 20));
  }

  @Test
  void tls_refusesSwappedFiles_eachOneLine() throws Exception {
    TestCa ca = TestCa.create(tmp.resolve("ca"));
    TestCa.Issued server = ca.issueServer("server");

    assertThat(refused("--tls-cert", server.keyFile().toString(), "--tls-key", server.certFile().toString()))
        .containsExactly(
            "bootfleet: error: --tls-cert " + server.keyFile() + ": holds a private key but no certificate (expected PEM:"
                + " -----BEGIN CERTIFICATE-----)",
            "bootfleet: error: --tls-key " + server.certFile() + ": holds no private key (expected PEM:"
                + " -----BEGIN PRIVATE KEY-----, PKCS#8)");
  }

  @Test
  void tls_needsBothFiles_andMutualTlsNeedsTls() throws Exception {
    TestCa ca = TestCa.create(tmp.resolve("ca"));
    TestCa.Issued server = ca.issueServer("server");

    assertThat(refused("--tls-key", server.keyFile().toString())).containsExactly(
        "bootfleet: error: --tls-key " + server.keyFile() + ": given without --tls-cert (expected both: --tls-cert FILE"
            + " --tls-key FILE)");
    assertThat(refused("--tls-cert", server.certFile().toString())).containsExactly(
        "bootfleet: error: --tls-cert " + server.certFile() + ": given without --tls-key (expected both: --tls-cert"
            + " FILE --tls-key FILE)");
    assertThat(refused("--client-ca", ca.caFile().toString())).containsExactly(
        "bootfleet: error: --client-ca " + ca.caFile() + ": only with --tls-cert and --tls-key (expected mutual TLS on"
            + " HTTPS)");
  }

  @Test
  void help_documentsEveryVariableServeReads() {
    String help = new CommandLine(new ServeCommand()).getUsageMessage();
    for (String name : ServeCommand.ENVIRONMENT) {
      assertThat(help).as(name).containsPattern("(?m)^  " + name + " ");
    }
  }

  @Test
  void env_refusesAVariableNotInTheList() {
    ServeCommand c = new ServeCommand();
    c.environment = Map.of("HOME", "/root")::get;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.env("HOME")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void call_namesEveryProblemOfTheEnvironmentAtOnce_withoutItsSecrets() {
    Run r = run(Map.of("BOOTFLEET_OPERATOR_TOKEN", "bfh_" + "S".repeat(43),
        "BOOTFLEET_DATABASE_URL", "jdbc:postgresql://db:5432/fleet?password=hunter2"), "--data", tmp.toString());
    assertThat(r.exit).isEqualTo(1);
    assertThat(r.err.lines()).containsExactly(
        "bootfleet: error: --repo: missing (expected the fleet repository's Git URL, or the environment's BOOTFLEET_REPO)",
        "bootfleet: error: BOOTFLEET_OPERATOR_TOKEN: not an operator credential (not repeated here; expected bfo_ and 43"
            + " base64url characters, e.g. printf bfo_%s \"$(openssl rand -base64 32 | tr '+/' '-_' | tr -d =)\")",
        "bootfleet: error: BOOTFLEET_DATABASE_URL jdbc:postgresql://db:5432/fleet?password=***: the URL carries a"
            + " password (expected it in --database-password-file FILE or the environment's BOOTFLEET_DATABASE_PASSWORD)");
    assertThat(r.err).doesNotContain("SSSS", "hunter2");
    assertThat(tmp.toFile().list()).isEmpty(); // nothing written
  }

  @Test
  void call_takesTheRepositoryFromTheEnvironment_whenNoFlagGivesIt() {
    Run r = run(Map.of("BOOTFLEET_REPO", "https://fleet:t0ken@git.example.com/fleet.git", "BOOTFLEET_OPERATOR_TOKEN",
        OPERATOR), "--data", tmp.toString(), "--poll-seconds", "0");
    assertThat(r.err.lines()).containsExactly(
        "bootfleet: error: --poll-seconds 0: not a number of seconds (expected 1 or more)");
    assertThat(r.command.repo).isEqualTo("https://fleet:t0ken@git.example.com/fleet.git");
  }

  @Test
  void call_prefersTheFlags_toTheEnvironment() {
    Run r = run(Map.of("BOOTFLEET_REPO", "https://env.example.com/fleet.git", "BOOTFLEET_DATABASE_URL",
        "not-a-url"), "--repo", "https://flag.example.com/fleet.git", "--database", "jdbc:postgresql://db/fleet",
        "--data", tmp.toString(), "--poll-seconds", "0");
    assertThat(r.err.lines()).containsExactly(
        "bootfleet: error: --poll-seconds 0: not a number of seconds (expected 1 or more)");
    assertThat(r.command.repo).isEqualTo("https://flag.example.com/fleet.git");
    assertThat(r.command.database).isEqualTo("jdbc:postgresql://db/fleet");
  }

  record Run(int exit, String err, ServeCommand command) {}

  static Run run(Map<String, String> env, String... args) {
    ServeCommand c = new ServeCommand();
    c.environment = env::get;
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(c);
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, err.toString(), c);
  }
}
