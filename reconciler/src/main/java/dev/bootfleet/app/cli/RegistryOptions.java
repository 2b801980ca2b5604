package dev.bootfleet.app.cli;

import dev.bootfleet.adapters.registry.HttpImageRegistry;
import dev.bootfleet.adapters.registry.RegistrySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** How to reach registries; shared by pin, bake and plan --verify-images. */
final class RegistryOptions {
  @Option(names = "--plain-http", paramLabel = "HOST[:PORT]", split = ",",
      description = "Speak plain HTTP to this registry (repeat or separate with commas; also "
          + "BOOTFLEET_PLAIN_HTTP). Every other registry is HTTPS; nothing falls back on its own.")
  List<String> plainHttp = new ArrayList<>();

  @Option(names = "--registry-ca", paramLabel = "PEM",
      description = "Trust the certificate authorities in this PEM file for registries, besides the JDK's "
          + "(repeatable). certs.d/<host[:port]>/*.crt under /etc/containers and /etc/docker is read too.")
  List<Path> caFiles = new ArrayList<>();

  @Option(names = "--auth-file", paramLabel = "FILE",
      description = "Registry credentials (containers auth.json format). Default: REGISTRY_AUTH_FILE, then "
          + "$XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json, ~/.docker/config.json.")
  Path authFile;

  @Option(names = "--registry-timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "Time for each registry request as a whole: to connect and to receive the whole answer, "
          + "its redirects included (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--registry-deadline", paramLabel = "SECONDS", defaultValue = "300",
      description = "Time for all of the command's registry requests together, retries and their waits "
          + "included; past it every lookup still running fails (default: ${DEFAULT-VALUE}).")
  int deadlineSeconds;

  @Option(names = "--registry-concurrency", paramLabel = "N", defaultValue = "16",
      description = "Registry requests in flight at most (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--registry-tries", paramLabel = "N", defaultValue = "4",
      description = "Tries per registry request on 429, 5xx and connection failures, with doubling waits "
          + "that honour Retry-After (default: ${DEFAULT-VALUE}; 1 = no retry).")
  int tries;

  RegistrySettings settings() {
    List<String> problems = new ArrayList<>();
    atLeastOne(problems, "--registry-timeout", timeoutSeconds, "seconds");
    atLeastOne(problems, "--registry-deadline", deadlineSeconds, "seconds");
    atLeastOne(problems, "--registry-concurrency", concurrency, "requests");
    atLeastOne(problems, "--registry-tries", tries, "tries");
    for (Path ca : caFiles) {
      if (!Files.isRegularFile(ca)) {
        problems.add("--registry-ca " + ca + ": no such file (expected a PEM file of CA certificates)");
      }
    }
    if (authFile != null && !Files.isRegularFile(authFile)) {
      problems.add("--auth-file " + authFile + ": no such file (expected a containers auth.json)");
    }
    if (!problems.isEmpty()) {
      throw new UserError(problems);
    }
    Set<String> plain = new LinkedHashSet<>();
    String env = System.getenv("BOOTFLEET_PLAIN_HTTP");
    if (env != null) {
      for (String h : env.split(",")) {
        if (!h.isBlank()) {
          plain.add(h.strip());
        }
      }
    }
    plainHttp.stream().map(String::strip).filter(h -> !h.isEmpty()).forEach(plain::add);
    return RegistrySettings.defaults(System.getenv())
        .withPlainHttp(plain)
        .withCaFiles(caFiles)
        .withAuthFile(authFile)
        .withTimeout(Duration.ofSeconds(timeoutSeconds))
        .withDeadline(Duration.ofSeconds(deadlineSeconds))
        .withConcurrency(concurrency)
        .withRetries(tries, Duration.ofMillis(250), Duration.ofSeconds(60));
  }

  private static void atLeastOne(List<String> problems, String option, int value, String unit) {
    if (value < 1) {
      problems.add(option + " " + value + ": too small (expected a whole number of " + unit + ", at least 1)");
    }
  }

  HttpImageRegistry open() {
    return new HttpImageRegistry(settings());
  }
}
