package dev.bootfleet.app.cli;

import dev.bootfleet.adapters.agentclient.ServerClient;
import dev.bootfleet.adapters.agentclient.ServerObserved;
import dev.bootfleet.adapters.tls.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How an operator's command reaches a running server: {@code plan} and {@code drift} taking the observed
 * state from it rather than a folder ({@code GET /v1/observed}, ADR 0022; the desired state stays the local
 * {@code --repo}), and {@code host enroll}. The operator credential comes from a file or the environment,
 * never from a flag's value; an https server's authorities and a client certificate (mutual TLS, ADR 0019)
 * from PEM files.
 */
final class ServerOptions {
  static final String TOKEN_ENV = "BOOTFLEET_TOKEN";
  static final Duration CONNECT = Duration.ofSeconds(10);
  static final Duration TIMEOUT = Duration.ofSeconds(120);

  @Option(names = "--server", paramLabel = "URL",
      description = "Take the observed state from a running bootfleet server (every host's last report) instead of"
          + " --observed; the desired state is still --repo's.")
  String server;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "The operator credential for --server (default: the environment variable " + TOKEN_ENV + ").")
  Path tokenFile;

  @Option(names = "--server-ca", paramLabel = "FILE",
      description = "Trust only the certificate authorities in this PEM file for an https:// --server (serve --tls-cert).")
  Path ca;

  @Option(names = "--client-cert", paramLabel = "FILE",
      description = "Present this PEM client certificate, to a server run with --client-ca (with --client-key).")
  Path clientCert;

  @Option(names = "--client-key", paramLabel = "FILE",
      description = "The client certificate's unencrypted PKCS#8 key, PEM (RSA or EC).")
  Path clientKey;

  /** The environment the credential may come from (tests give their own). */
  Map<String, String> env = System.getenv();

  boolean given() {
    return server != null;
  }

  /** Checks that the credential and TLS options come with --server; one line for each that does not. */
  List<String> usageProblems() {
    List<String> problems = new ArrayList<>();
    if (server == null) {
      for (Object[] o : new Object[][] {{"--token-file", tokenFile}, {"--server-ca", ca}, {"--client-cert", clientCert},
          {"--client-key", clientKey}}) {
        if (o[1] != null) {
          problems.add(o[0] + " goes with --server (the credential and certificates are the server's)");
        }
      }
    }
    return problems;
  }

  /**
   * A server to ask, once the options check out: the client, the credential, where it came from, and the
   * files read (the credential's, the certificates': no report may be written over them).
   */
  record Connection(ServerClient client, String token, String from, List<Path> files) {
    /** Every host's last report, read by the parsers the folder reader uses; one line if the server cannot answer. */
    ServerObserved.Result read() {
      try {
        return ServerObserved.read(client, token, from);
      } catch (IOException e) {
        throw new UserError(e.getMessage());
      }
    }
  }

  /** Checks the URL, the credential and the certificates, every problem at once, before anything is asked. */
  Connection connect() {
    return connect(List.of());
  }

  /** As {@link #connect()}, refusing {@code earlier} (the command's own problems) with the options' problems. */
  Connection connect(List<String> earlier) {
    List<String> problems = new ArrayList<>(earlier);
    URI base = base(problems);
    String from = tokenFile != null ? "--token-file " + tokenFile : TOKEN_ENV;
    String token = token(problems);
    TlsContexts.checkAuthorities("--server-ca", ca, problems);
    TlsContexts.check("--client-cert", clientCert, "--client-key", clientKey, problems);
    ServerClient client = null;
    if (base != null && problems.isEmpty()) {
      try {
        client = new ServerClient(base, null, ca, clientCert, clientKey, CONNECT, TIMEOUT);
      } catch (IOException e) { // a file changed since it was checked
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new UserError(problems);
    }
    List<Path> files = new ArrayList<>();
    if (tokenFile != null) {
      files.add(tokenFile);
    }
    for (Path p : new Path[] {ca, clientCert, clientKey}) {
      if (p != null) {
        files.add(p);
      }
    }
    return new Connection(client, token, from, List.copyOf(files));
  }

  private URI base(List<String> problems) {
    String expected = " (expected the server's base URL, e.g. https://bootfleet.example:8443)";
    ServerClient.BaseUrlProblem problem = ServerClient.baseUrlProblem(server);
    if (problem == ServerClient.BaseUrlProblem.NOT_HTTP) {
      problems.add("--server " + dev.bootfleet.core.text.Quote.of(server) + ": not an http(s) URL" + expected);
      return null;
    }
    if (problem == ServerClient.BaseUrlProblem.USER_QUERY_OR_FRAGMENT) {
      // not quoted: a password in the URL would end up in CI logs
      problems.add("--server: has a user, query or fragment" + expected + "; the credential goes in --token-file or "
          + TOKEN_ENV);
      return null;
    }
    URI uri = URI.create(server);
    if ((ca != null || clientCert != null) && !"https".equals(uri.getScheme())) {
      problems.add((ca != null ? "--server-ca" : "--client-cert") + " goes with an https:// --server (got "
          + uri.getScheme() + "://)");
    }
    return uri;
  }

  /** The operator's token from --token-file or the environment; never shown in a message. */
  private String token(List<String> problems) {
    String expected = " (expected one line: an operator token, such as the server's DATA/operator.token)";
    String t;
    if (tokenFile != null) {
      try {
        t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      } catch (NoSuchFileException e) {
        problems.add("--token-file " + tokenFile + ": no such file" + expected);
        return null;
      } catch (IOException e) {
        problems.add("--token-file " + tokenFile + ": cannot read (" + e.getClass().getSimpleName() + ")" + expected);
        return null;
      }
    } else {
      t = env.get(TOKEN_ENV);
      if (t == null || t.isBlank()) {
        problems.add("--server needs the operator credential: --token-file FILE or the environment variable "
            + TOKEN_ENV + " (never a flag's value)");
        return null;
      }
      t = t.strip();
    }
    if (t.isEmpty() || t.chars().anyMatch(c -> c <= ' ' || c > '~')) {
      problems.add((tokenFile != null ? "--token-file " + tokenFile : TOKEN_ENV) + ": is not a credential" + expected);
      return null;
    }
    return t;
  }
}
