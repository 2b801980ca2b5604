package dev.bootfleet.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.bootfleet.app.server.ServeCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * charts/bootfleet rendered and linted by real Helm (helm-java's native library, no network, no
 * cluster), with the values chart-testing would use: {@code ci/default-values.yaml} (the one value
 * the chart cannot default) and {@code ci/ha-values.yaml} (three replicas, PostgreSQL, a PVC, a
 * PodDisruptionBudget and a ServiceMonitor).
 */
final class ChartTest {
  private static final Path ROOT = Path.of(System.getProperty("bootfleet.projectRoot", ".."));
  private static final Path CHART = ROOT.resolve("charts/bootfleet");
  private static final Path DEFAULT_VALUES = CHART.resolve("ci/default-values.yaml");
  private static final Path HA_VALUES = CHART.resolve("ci/ha-values.yaml");
  private static final Path TLS_VALUES = CHART.resolve("ci/tls-values.yaml");

  /** The options {@code bootfleet serve} has, from its command: the chart may pass no other. */
  private static final Set<String> SERVE_OPTIONS = new picocli.CommandLine(new ServeCommand()).getCommandSpec()
      .options().stream().flatMap(o -> Stream.of(o.names())).collect(java.util.stream.Collectors.toSet());
  /** What the chart must pass: these options, and the repository (BOOTFLEET_REPO, which serve reads). */
  private static final Set<String> SERVE_REQUIRED = Set.of("--data", "--listen");
  /** Read by the JVM itself, not by serve. */
  private static final Set<String> JVM_ENVIRONMENT = Set.of("JAVA_TOOL_OPTIONS");
  private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  private static Rendered render(Path values) {
    return Rendered.parse(new Helm(CHART).template().withName("fleet").withNamespace("ops").withValuesFile(values).call());
  }

  private static String renderFailure(Path values, Map<String, Object> set) {
    var template = new Helm(CHART).template().withName("fleet").withValuesFile(values);
    set.forEach(template::set);
    try {
      template.call();
    } catch (IllegalStateException e) {
      return e.getMessage();
    }
    throw new AssertionError("helm template accepted " + set);
  }

  @Test
  void template_rendersProbesOnHealthAndReadiness_withDefaultValues() {
    Map<String, Object> container = render(DEFAULT_VALUES).container();

    assertThat(path(container, "livenessProbe.httpGet.path")).isEqualTo("/healthz");
    assertThat(path(container, "readinessProbe.httpGet.path")).isEqualTo("/readyz");
    assertThat(path(container, "livenessProbe.httpGet.port")).isEqualTo("http");
    assertThat(path(container, "livenessProbe.httpGet.scheme")).isNull();
    assertThat(path(container, "ports")).asList().singleElement()
        .satisfies(p -> assertThat(path(p, "containerPort")).isEqualTo(8080));
    assertThat(path(container, "resources.limits.memory")).isEqualTo("768Mi");
  }

  @Test
  void template_servesHttpsFromTheTlsSecret_andProbesOverHttps() throws IOException {
    Path values = Files.writeString(Files.createTempFile("values", ".yaml"),
        "git: {repo: https://git.example.com/fleet.git}\ntls: {secretName: bootfleet-tls}\n");
    try {
      Rendered rendered = render(values);
      Map<String, Object> container = rendered.container();

      assertThat(rendered.serveOptions()).containsEntry("--tls-cert", "/etc/bootfleet/tls/tls.crt")
          .containsEntry("--tls-key", "/etc/bootfleet/tls/tls.key").doesNotContainKey("--client-ca");
      assertThat(path(rendered.volume("tls"), "secret.secretName")).isEqualTo("bootfleet-tls");
      assertThat(path(rendered.volume("tls"), "secret.defaultMode")).isEqualTo(0440);
      assertThat(mountPaths(container)).containsEntry("/etc/bootfleet/tls", "tls");
      for (String probe : List.of("livenessProbe", "readinessProbe")) {
        assertThat(path(container, probe + ".httpGet.scheme")).as(probe).isEqualTo("HTTPS");
        assertThat(path(container, probe + ".httpGet.port")).as(probe).isEqualTo("https");
      }
      assertThat(path(container, "ports")).asList().singleElement()
          .satisfies(p -> assertThat(path(p, "name")).isEqualTo("https"));
      assertThat(path(rendered.one("Service"), "spec.ports")).asList().singleElement()
          .satisfies(p -> assertThat(path(p, "targetPort")).isEqualTo("https"));
    } finally {
      Files.delete(values);
    }
  }

  @Test
  void template_asksForClientCertificates_andProbesTcp_withTlsValues() {
    Rendered rendered = render(TLS_VALUES);
    Map<String, Object> container = rendered.container();

    assertThat(rendered.serveOptions()).containsEntry("--tls-cert", "/etc/bootfleet/tls/tls.crt")
        .containsEntry("--client-ca", "/etc/bootfleet/client-ca/ca.crt");
    assertThat(path(rendered.volume("client-ca"), "secret.secretName")).isEqualTo("bootfleet-hosts-ca");
    assertThat(path(rendered.volume("client-ca"), "secret.items")).asList().singleElement()
        .satisfies(i -> assertThat(i).isEqualTo(Map.of("key", "hosts-ca.pem", "path", "ca.crt")));
    assertThat(mountPaths(container)).containsEntry("/etc/bootfleet/client-ca", "client-ca");
    // the kubelet cannot present a client certificate: a TCP connection is all it can check
    assertThat(path(container, "livenessProbe.tcpSocket.port")).isEqualTo("https");
    assertThat(path(container, "readinessProbe.httpGet")).isNull();
    Map<String, Object> endpoint = asMap(((List<?>) path(rendered.one("ServiceMonitor"), "spec.endpoints")).getFirst());
    assertThat(endpoint).containsEntry("scheme", "https").containsEntry("port", "https");
    assertThat(path(endpoint, "tlsConfig.keySecret.name")).isEqualTo("prometheus-client");
  }

  @Test
  void template_refusesAClientCa_withoutTls() {
    String error = renderFailure(DEFAULT_VALUES, Map.of("tls.clientCA.secretName", "hosts-ca"));

    assertThat(error).contains("tls.clientCA.secretName: \"hosts-ca\" without tls.secretName (expected both: mutual"
        + " TLS is on HTTPS)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ci/default-values.yaml", "ci/ha-values.yaml", "ci/tls-values.yaml"})
  void template_runsNonRootReadOnlyWithoutCapabilities_withEachValuesFile(String values) {
    Rendered rendered = render(CHART.resolve(values));
    Map<String, Object> pod = rendered.podSpec();
    Map<String, Object> container = rendered.container();

    assertThat(path(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
    assertThat(path(pod, "securityContext.runAsUser")).isEqualTo(65532);
    assertThat(path(pod, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");
    assertThat(path(pod, "automountServiceAccountToken")).isEqualTo(false);
    assertThat(path(container, "securityContext.runAsNonRoot")).isEqualTo(true);
    assertThat(path(container, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
    assertThat(path(container, "securityContext.allowPrivilegeEscalation")).isEqualTo(false);
    assertThat(path(container, "securityContext.capabilities.drop")).isEqualTo(List.of("ALL"));
    assertThat(path(container, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");
    assertThat(mountPaths(container)).containsEntry("/var/lib/bootfleet", "data").containsEntry("/tmp", "tmp");
  }

  @Test
  void template_passesServeItsOptions_withDefaultValues() {
    Rendered rendered = render(DEFAULT_VALUES);

    Map<String, String> options = rendered.serveOptions();

    assertThat(options).containsOnlyKeys("--branch", "--listen", "--data", "--poll-seconds",
        "--long-poll-seconds", "--stale-seconds", "--lease-ttl-seconds", "--default-reboot-slots");
    assertThat(rendered.env()).containsEntry("BOOTFLEET_REPO", "https://git.example.com/fleet/fleet.git");
    assertThat(options).containsEntry("--branch", "main")
        .containsEntry("--listen", "0.0.0.0:8080")
        .containsEntry("--data", "/var/lib/bootfleet")
        .containsEntry("--poll-seconds", "60")
        .containsEntry("--long-poll-seconds", "60")
        .containsEntry("--stale-seconds", "900");
    assertThat(rendered.volume("data")).containsKey("emptyDir");
    // values.yaml's lease settings are serve's own defaults: installing the chart changes none of them
    picocli.CommandLine.Model.CommandSpec serve = new picocli.CommandLine(new ServeCommand()).getCommandSpec();
    assertThat(options).containsEntry("--lease-ttl-seconds", serve.findOption("--lease-ttl-seconds").defaultValue())
        .containsEntry("--default-reboot-slots", serve.findOption("--default-reboot-slots").defaultValue());
  }

  @Test
  void template_passesServeTheLeaseOptions_withRebootLeaseValues(@TempDir Path dir) throws IOException {
    Path values = Files.writeString(dir.resolve("leases.yaml"), """
        git: {repo: https://git.example.com/fleet/fleet.git}
        rebootLeases:
          ttlSeconds: 300
          defaultSlots: 0
          slots: {web: 2, db.eu-1: 1}
        """);
    Rendered rendered = render(values);

    Map<String, String> options = rendered.serveOptions();

    assertThat(options).containsEntry("--lease-ttl-seconds", "300").containsEntry("--default-reboot-slots", "0");
    List<String> args = rendered.resolvedArgs();
    assertThat(args).filteredOn(a -> a.startsWith("--reboot-slots="))
        .containsExactly("--reboot-slots=db.eu-1=1", "--reboot-slots=web=2");
    // serve itself takes them: one --reboot-slots GROUP=N per group, the numbers as given
    picocli.CommandLine.ParseResult parsed = new picocli.CommandLine(new ServeCommand())
        .parseArgs(args.subList(1, args.size()).toArray(String[]::new));
    assertThat(parsed.matchedOptionValue("--reboot-slots", List.<String>of())).containsExactly("db.eu-1=1", "web=2");
    assertThat(parsed.matchedOptionValue("--lease-ttl-seconds", 0L)).isEqualTo(300L);
    assertThat(parsed.matchedOptionValue("--default-reboot-slots", -1)).isZero();
  }

  @Test
  void template_readsRepositoryAndCredentialsFromSecrets_withHaValues() {
    Rendered rendered = render(HA_VALUES);

    Map<String, String> options = rendered.serveOptions();

    assertThat(options).containsEntry("--branch", "production")
        .containsEntry("--path", "fleet");
    assertThat(rendered.secretEnv()).containsOnly(
        Map.entry("BOOTFLEET_REPO", "fleet-git/url"),
        Map.entry("BOOTFLEET_WEBHOOK_SECRET", "fleet-webhook/secret"),
        Map.entry("BOOTFLEET_OPERATOR_TOKEN", "bootfleet-operator/token"),
        Map.entry("BOOTFLEET_DATABASE_URL", "bootfleet-db/url"),
        Map.entry("BOOTFLEET_DATABASE_PASSWORD", "bootfleet-db/password"));
    assertThat(rendered.secretEnv().keySet()).as("every variable serve reads, each from a Secret")
        .containsExactlyInAnyOrderElementsOf(ServeCommand.ENVIRONMENT);
    assertThat(rendered.kinds()).doesNotContain("Secret");
    assertThat(rendered.one("ConfigMap").get("data")).asString().doesNotContain("fleet-git");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ci/default-values.yaml", "ci/ha-values.yaml"})
  void template_setsOnlyVariablesServeReadsOrItsArgumentsUse_withEachValuesFile(String values) {
    Rendered rendered = render(CHART.resolve(values));
    Set<String> referenced = rendered.argumentReferences();

    for (String name : rendered.env().keySet()) {
      assertThat(ServeCommand.ENVIRONMENT.contains(name) || referenced.contains(name) || JVM_ENVIRONMENT.contains(name))
          .as("%s is read by bootfleet serve (ServeCommand.ENVIRONMENT %s), used by an argument, or the JVM's", name,
              ServeCommand.ENVIRONMENT).isTrue();
    }
    for (String name : rendered.secretEnv().keySet()) {
      assertThat(ServeCommand.ENVIRONMENT).as("%s, from a Secret, is read by the server itself", name).contains(name);
      assertThat(referenced).as("%s, from a Secret, never reaches the command line", name).doesNotContain(name);
    }
    assertThat(rendered.env()).as("the repository, which serve needs").containsKey("BOOTFLEET_REPO");
  }

  @Test
  void template_rendersPdbServiceMonitorAndClaim_withHaValues() {
    Rendered rendered = render(HA_VALUES);

    assertThat(path(rendered.one("Deployment"), "spec.replicas")).isEqualTo(3);
    assertThat(path(rendered.one("PodDisruptionBudget"), "spec.minAvailable")).isEqualTo(2);
    assertThat(path(rendered.one("PodDisruptionBudget"), "spec.selector.matchLabels"))
        .isEqualTo(path(rendered.one("Deployment"), "spec.selector.matchLabels"));
    Map<String, Object> monitor = rendered.one("ServiceMonitor");
    assertThat(path(monitor, "metadata.labels.release")).isEqualTo("prometheus");
    assertThat(path(monitor, "spec.endpoints")).asList().singleElement()
        .satisfies(e -> assertThat(path(e, "path")).isEqualTo("/metrics"));
    Map<String, Object> claim = rendered.one("PersistentVolumeClaim");
    assertThat(path(claim, "spec.resources.requests.storage")).isEqualTo("5Gi");
    assertThat(path(claim, "spec.storageClassName")).isEqualTo("fast");
    assertThat(path(rendered.volume("data"), "persistentVolumeClaim.claimName")).isEqualTo(path(claim, "metadata.name"));
  }

  @Test
  void template_rendersNoPdbMonitorOrClaim_withDefaultValues() {
    assertThat(render(DEFAULT_VALUES).kinds()).containsExactlyInAnyOrder("ConfigMap", "Service", "Deployment");
  }

  @Test
  void template_usesChartAppVersionAsImageTag_thatTheImageProfileBuilds() throws IOException {
    String pom = Files.readString(ROOT.resolve("reconciler/pom.xml"));
    Matcher repository = Pattern.compile("<image\\.repository>([^<]+)</image\\.repository>").matcher(pom);
    assertThat(repository.find()).as("reconciler/pom.xml sets image.repository").isTrue();

    Object image = path(render(DEFAULT_VALUES).container(), "image");

    assertThat(image).isEqualTo(repository.group(1) + ":" + System.getProperty("bootfleet.version"));
  }

  @Test
  void template_pinsImageByDigest_whenDigestAndTagAreSet() throws IOException {
    String digest = "sha256:" + "ab".repeat(32);
    Path values = Files.writeString(Files.createTempFile("values", ".yaml"),
        "git: {repo: https://git.example.com/fleet.git}\nimage: {tag: '9.9.9', digest: '" + digest + "'}\n");
    try {
      assertThat(path(render(values).container(), "image")).isEqualTo("ghcr.io/bootfleet/bootfleet@" + digest);
    } finally {
      Files.delete(values);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "replicas | three | at '/replicas': got string, want integer",
      "image.digest | sha256:12 | at '/image/digest'",
      "webhook.secret.value | hunter2 | at '/webhook/secret': additional properties 'value' not allowed",
      "securityContext.runAsUser | 0 | at '/securityContext/runAsUser'",
      "podDisruptionBudget.minAvailable | -1 | at '/podDisruptionBudget/minAvailable'",
      "rebootLeases.ttlSeconds | 0 | at '/rebootLeases/ttlSeconds'",
      "rebootLeases.defaultSlots | -1 | at '/rebootLeases/defaultSlots'",
      "rebootLeases.slots.web | -2 | at '/rebootLeases/slots/web'",
      "rebootLeases.slots.web_eu | 1 | 'web_eu' does not match pattern",
  })
  void template_refusesValue_thatTheSchemaForbids(String key, String value, String named) {
    Object typed = value.matches("-?[0-9]+") ? Integer.valueOf(value) : value;

    String error = renderFailure(DEFAULT_VALUES, Map.of(key, typed));

    assertThat(error).contains("values don't meet the specifications of the schema").contains(named);
  }

  @Test
  void template_namesEveryProblemAtOnce_whenValuesDoNotCombine() throws IOException {
    Path values = Files.writeString(Files.createTempFile("values", ".yaml"),
        "replicas: 2\npersistence: {enabled: true}\ndatabase: {passwordSecret: {name: db}}\n");
    try {
      String error = renderFailure(values, Map.of());

      assertThat(error).contains(
          "git.repo: empty (expected the fleet repository's URL, or git.urlSecret.name naming a Secret that holds it)",
          "replicas: 2 without database.urlSecret.name (expected 1, or a PostgreSQL store the replicas share",
          "database.passwordSecret.name: set without database.urlSecret.name (expected both, or neither)",
          "persistence.accessModes: ReadWriteOnce with replicas: 2 (expected ReadWriteMany");
    } finally {
      Files.delete(values);
    }
  }

  @Test
  void template_refusesRepositoryUrlWithPassword_withoutRepeatingIt() {
    String error = renderFailure(DEFAULT_VALUES, Map.of("git.repo", "https://ci:s3cr3t-t0ken@git.example.com/fleet.git"));

    assertThat(error).contains("git.repo: holds a password").doesNotContain("s3cr3t-t0ken");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ci/default-values.yaml", "ci/ha-values.yaml", "ci/tls-values.yaml"})
  void lint_passesStrict_withEachValuesFile(String values, @TempDir Path dir) throws IOException {
    // helm-java's lint takes no --values: lint a copy whose values.yaml has the file laid over it, as
    // chart-testing's `ct lint` runs `helm lint --strict --values ci/<file>`.
    Path chart = copyWithValues(dir, CHART.resolve(values));

    LintResult result = new Helm(chart).lint().strict().call();

    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Test
  void lint_passesStrict_withTheChartAsShipped() {
    // Helm's lint takes a template's `fail` (here: git.repo is empty) as a missing value, not a fault of
    // the chart; the templates themselves are linted with each ci/ values file above.
    LintResult result = new Helm(CHART).lint().strict().call();

    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  // --- helpers

  private static Path copyWithValues(Path dir, Path overlay) throws IOException {
    Path copy = dir.resolve("bootfleet");
    try (Stream<Path> files = Files.walk(CHART)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = copy.resolve(CHART.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    Load load = new Load(LoadSettings.builder().build());
    Map<String, Object> merged = merge(asMap(load.loadFromString(Files.readString(CHART.resolve("values.yaml")))),
        asMap(load.loadFromString(Files.readString(overlay))));
    Files.writeString(copy.resolve("values.yaml"), new Dump(DumpSettings.builder().build()).dumpToString(merged));
    return copy;
  }

  private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overlay) {
    Map<String, Object> merged = new LinkedHashMap<>(base);
    overlay.forEach((key, value) -> merged.merge(key, value,
        (a, b) -> a instanceof Map<?, ?> && b instanceof Map<?, ?> ? merge(asMap(a), asMap(b)) : b));
    return merged;
  }

  private static Map<String, String> mountPaths(Map<String, Object> container) {
    Map<String, String> mounts = new HashMap<>();
    for (Object mount : (List<?>) path(container, "volumeMounts")) {
      mounts.put((String) path(mount, "mountPath"), (String) path(mount, "name"));
    }
    return mounts;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    return (Map<String, Object>) o;
  }

  /** The value at a dotted path of maps, or null. */
  private static Object path(Object node, String dotted) {
    Object at = node;
    for (String key : dotted.split("\\.")) {
      if (!(at instanceof Map<?, ?> map)) {
        return null;
      }
      at = map.get(key);
    }
    return at;
  }

  /** The documents {@code helm template} printed, by kind. */
  private record Rendered(List<Map<String, Object>> documents) {
    static Rendered parse(String yaml) {
      List<Map<String, Object>> documents = new ArrayList<>();
      for (Object document : new Load(LoadSettings.builder().build()).loadAllFromString(yaml)) {
        if (document != null) {
          documents.add(asMap(document));
        }
      }
      return new Rendered(documents);
    }

    List<String> kinds() {
      return documents.stream().map(d -> (String) d.get("kind")).toList();
    }

    Map<String, Object> one(String kind) {
      List<Map<String, Object>> found = documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
      assertThat(found).as(kind).hasSize(1);
      return found.getFirst();
    }

    Map<String, Object> podSpec() {
      return asMap(path(one("Deployment"), "spec.template.spec"));
    }

    Map<String, Object> container() {
      List<?> containers = (List<?>) podSpec().get("containers");
      assertThat(containers).hasSize(1);
      return asMap(containers.getFirst());
    }

    Map<String, Object> volume(String name) {
      return ((List<?>) podSpec().get("volumes")).stream().map(Rendered::map)
          .filter(v -> name.equals(v.get("name"))).findFirst().orElseThrow();
    }

    /** Each env var read from a Secret, as {@code name/key}. */
    Map<String, String> secretEnv() {
      Map<String, String> env = new LinkedHashMap<>();
      for (Object entry : (List<?>) container().get("env")) {
        Object ref = path(entry, "valueFrom.secretKeyRef");
        if (ref != null) {
          env.put((String) path(entry, "name"), path(ref, "name") + "/" + path(ref, "key"));
        }
      }
      return env;
    }

    /**
     * Each variable the container sets, by value: the ConfigMap's, or {@code secret NAME/KEY} for one read
     * from a Secret.
     */
    Map<String, String> env() {
      Map<String, Object> container = container();
      Map<String, Object> configMap = asMap(one("ConfigMap").get("data"));
      Map<String, String> env = new HashMap<>();
      for (Object entry : (List<?>) container.get("env")) {
        String name = (String) path(entry, "name");
        Object fromConfig = path(entry, "valueFrom.configMapKeyRef");
        Object fromSecret = path(entry, "valueFrom.secretKeyRef");
        if (fromConfig != null) {
          assertThat(path(fromConfig, "name")).isEqualTo(path(one("ConfigMap"), "metadata.name"));
          assertThat(configMap).as("ConfigMap key of " + name).containsKey((String) path(fromConfig, "key"));
          env.put(name, String.valueOf(configMap.get((String) path(fromConfig, "key"))));
        } else if (fromSecret != null) {
          env.put(name, "secret " + path(fromSecret, "name") + "/" + path(fromSecret, "key"));
        } else {
          env.put(name, String.valueOf(path(entry, "value")));
        }
      }
      return env;
    }

    /** The container's arguments with each {@code $(NAME)} resolved as the kubelet does (see {@link #serveOptions}). */
    List<String> resolvedArgs() {
      Map<String, String> env = env();
      List<String> out = new ArrayList<>();
      for (Object arg : (List<?>) container().get("args")) {
        Matcher reference = ENV_REFERENCE.matcher((String) arg);
        StringBuilder value = new StringBuilder();
        while (reference.find()) {
          reference.appendReplacement(value, Matcher.quoteReplacement(env.get(reference.group(1))));
        }
        reference.appendTail(value);
        out.add(value.toString());
      }
      return out;
    }

    /** The variables the container's arguments refer to as {@code $(NAME)}. */
    Set<String> argumentReferences() {
      Set<String> names = new java.util.TreeSet<>();
      for (Object arg : (List<?>) container().get("args")) {
        Matcher m = ENV_REFERENCE.matcher((String) arg);
        while (m.find()) {
          names.add(m.group(1));
        }
      }
      return names;
    }

    /**
     * The options the container passes {@code bootfleet serve}, with each {@code $(NAME)} resolved as the
     * kubelet does: from the ConfigMap's value, or {@code secret NAME/KEY} for one read from a Secret.
     * Fails unless the first argument is {@code serve} and every option is one serve has.
     */
    Map<String, String> serveOptions() {
      Map<String, Object> container = container();
      Map<String, String> env = env();
      List<?> args = (List<?>) container.get("args");
      assertThat(args.getFirst()).isEqualTo("serve");
      Map<String, String> options = new LinkedHashMap<>();
      for (Object arg : args.subList(1, args.size())) {
        String text = (String) arg;
        int equals = text.indexOf('=');
        assertThat(equals).as("%s is --option=value", text).isPositive();
        Matcher reference = ENV_REFERENCE.matcher(text.substring(equals + 1));
        StringBuilder value = new StringBuilder();
        while (reference.find()) {
          assertThat(env).as("%s refers to $(%s)", text, reference.group(1)).containsKey(reference.group(1));
          reference.appendReplacement(value, Matcher.quoteReplacement(env.get(reference.group(1))));
        }
        reference.appendTail(value);
        options.put(text.substring(0, equals), value.toString());
      }
      assertThat(SERVE_OPTIONS).as("options bootfleet serve has").containsAll(options.keySet());
      assertThat(options).as("options bootfleet serve requires").containsKeys(SERVE_REQUIRED.toArray(String[]::new));
      return options;
    }

    private static Map<String, Object> map(Object o) {
      return asMap(o);
    }
  }
}
