package dev.bootfleet.adapters.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finds the credentials for a registry the way podman, skopeo and docker do (containers-auth.json(5)):
 *
 * <ol>
 *   <li>the explicit auth file ({@code --auth-file}, else {@code REGISTRY_AUTH_FILE}), else
 *       {@code $XDG_RUNTIME_DIR/containers/auth.json};
 *   <li>{@code $XDG_CONFIG_HOME/containers/auth.json} (default {@code ~/.config}), unless a file was
 *       given explicitly;
 *   <li>{@code $DOCKER_CONFIG/config.json} (default {@code ~/.docker/config.json}).
 * </ol>
 *
 * <p>In each file, in this order: a {@code credHelpers} entry for the registry (run
 * {@code docker-credential-<name> get}), the most specific {@code auths} key ({@code registry},
 * {@code registry/namespace} or {@code registry/namespace/repo}; docker's {@code https://host/v1/}
 * keys count as {@code host}), then {@code credsStore} (the helper for every registry). The first file
 * that has an answer wins. Secrets are never printed: {@link Credential#toString()} hides them.
 */
final class Credentials {
  /** Built on first use: a lookup that needs no JSON (a HEAD) does not pay for Jackson's start-up. */
  private static final class Json {
    static final JsonMapper MAPPER = JsonMapper.builder().build();
  }
  private static final Pattern HELPER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final long HELPER_TIMEOUT_SECONDS = 30;

  private final RegistrySettings settings;

  public Credentials(RegistrySettings settings) {
    this.settings = settings;
  }

  /**
   * A user name and secret for a registry.
   *
   * @param source where it came from, for messages ({@code ~/.docker/config.json}, {@code
   *     docker-credential-pass}); never the secret
   * @param identityToken whether the secret is an OAuth refresh token (docker's {@code <token>} user)
   */
  public record Credential(String username, String secret, String source, boolean identityToken) {
    @Override
    public String toString() {
      return "Credential[" + username + " from " + source + ", secret hidden]";
    }
  }

  /** The files searched, in order (existing or not), for messages. */
  public List<Path> searchPath() {
    List<Path> files = new ArrayList<>();
    Map<String, String> env = settings.env();
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    Path explicit = settings.authFile() != null ? settings.authFile()
        : nonEmpty(env.get("REGISTRY_AUTH_FILE")) ? Path.of(env.get("REGISTRY_AUTH_FILE")) : null;
    if (explicit != null) {
      files.add(explicit);
    } else if (nonEmpty(env.get("XDG_RUNTIME_DIR"))) {
      files.add(Path.of(env.get("XDG_RUNTIME_DIR"), "containers", "auth.json"));
    }
    if (explicit == null && home != null) {
      String config = nonEmpty(env.get("XDG_CONFIG_HOME")) ? env.get("XDG_CONFIG_HOME") : home + "/.config";
      files.add(Path.of(config, "containers", "auth.json"));
    }
    if (nonEmpty(env.get("DOCKER_CONFIG"))) {
      files.add(Path.of(env.get("DOCKER_CONFIG"), "config.json"));
    } else if (home != null) {
      files.add(Path.of(home, ".docker", "config.json"));
    }
    return files;
  }

  /**
   * The credential for {@code repository} ({@code registry/path}) on {@code registry}, or empty for
   * anonymous access.
   *
   * @throws IOException when an auth file exists but cannot be read or parsed, or a helper fails
   *     other than by "not found"; the message names the file or helper, never a secret
   */
  public Optional<Credential> find(String registry, String repository) throws IOException {
    for (Path file : searchPath()) {
      if (!Files.isRegularFile(file)) {
        continue;
      }
      JsonNode root;
      try {
        root = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
      } catch (JacksonException e) {
        throw new IOException(file + ": not a JSON auth file (" + oneLine(e.getOriginalMessage()) + ")");
      }
      if (root == null || !root.isObject()) {
        continue;
      }
      JsonNode helpers = root.get("credHelpers");
      if (helpers != null && helpers.get(registry) != null && helpers.get(registry).isString()) {
        Optional<Credential> c = helper(helpers.get(registry).asString(), registry);
        if (c.isPresent()) {
          return c;
        }
      }
      Optional<Credential> fromAuths = auths(root.get("auths"), registry, repository, file);
      if (fromAuths.isPresent()) {
        return fromAuths;
      }
      JsonNode store = root.get("credsStore");
      if (store != null && store.isString() && !store.asString().isEmpty()) {
        Optional<Credential> c = helper(store.asString(), registry);
        if (c.isPresent()) {
          return c;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Credential> auths(JsonNode auths, String registry, String repository, Path file)
      throws IOException {
    if (auths == null || !auths.isObject()) {
      return Optional.empty();
    }
    String bestKey = null;
    JsonNode best = null;
    for (Map.Entry<String, JsonNode> e : auths.properties()) {
      String key = normalize(e.getKey());
      boolean matches = key.equals(registry) || key.equals(repository)
          || repository.startsWith(key + "/") && key.startsWith(registry + "/");
      if (registry.equals("docker.io") && key.equals("index.docker.io")) {
        matches = true;
      }
      if (matches && (bestKey == null || key.length() > bestKey.length())) {
        bestKey = key;
        best = e.getValue();
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    String where = file + " (auths." + bestKey + ")";
    JsonNode auth = best.get("auth");
    if (auth != null && auth.isString() && !auth.asString().isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.asString()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IOException(where + ": auth is not base64 (expected base64 of user:password)");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new IOException(where + ": auth does not decode to user:password");
      }
      return Optional.of(new Credential(decoded.substring(0, colon), decoded.substring(colon + 1), where, false));
    }
    JsonNode token = best.get("identitytoken");
    if (token != null && token.isString() && !token.asString().isEmpty()) {
      return Optional.of(new Credential("<token>", token.asString(), where, true));
    }
    return Optional.empty();
  }

  /** {@code https://index.docker.io/v1/} as {@code index.docker.io}; other keys as written. */
  static String normalize(String key) {
    String k = key;
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
      int slash = k.indexOf('/');
      if (slash >= 0) {
        k = k.substring(0, slash); // docker's keys with a scheme name a host; the path is the API version
      }
    }
    while (k.endsWith("/")) {
      k = k.substring(0, k.length() - 1);
    }
    return k;
  }

  /** Runs {@code docker-credential-<name> get}; empty when the helper has nothing for the registry. */
  private Optional<Credential> helper(String name, String registry) throws IOException {
    if (!HELPER.matcher(name).matches()) {
      throw new IOException("credential helper name " + name + " is not valid (expected letters, digits, . _ -)");
    }
    String program = "docker-credential-" + name;
    String serverUrl = registry.equals("docker.io") ? "https://index.docker.io/v1/" : registry;
    Path binary = onPath(program);
    if (binary == null) {
      throw new IOException("credential helper " + program + " for " + registry + " is not on PATH");
    }
    Process p;
    try {
      p = new ProcessBuilder(binary.toString(), "get").redirectErrorStream(false).start();
    } catch (IOException e) {
      throw new IOException("credential helper " + program + " for " + registry + " cannot be run: "
          + oneLine(e.getMessage()) + " (is it on PATH?)");
    }
    try (OutputStream in = p.getOutputStream()) {
      in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
    } catch (IOException closedEarly) {
      // the helper did not read its input; its exit status and output say what happened
    }
    byte[] out;
    byte[] err;
    try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
      out = o.readNBytes(1 << 20);
      err = e.readNBytes(4096);
      if (!p.waitFor(HELPER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("credential helper " + program + " did not answer within "
            + HELPER_TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + program);
    }
    String stdout = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      String msg = (stdout + new String(err, StandardCharsets.UTF_8)).strip();
      if (msg.toLowerCase(java.util.Locale.ROOT).contains("credentials not found")) {
        return Optional.empty();
      }
      throw new IOException("credential helper " + program + " failed for " + registry + " (exit "
          + p.exitValue() + "): " + oneLine(msg));
    }
    JsonNode answer;
    try {
      answer = Json.MAPPER.readTree(stdout);
    } catch (JacksonException e) {
      throw new IOException("credential helper " + program + " printed no JSON for " + registry);
    }
    String user = answer.path("Username").asString("");
    String secret = answer.path("Secret").asString("");
    if (secret.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Credential(user, secret, program, user.equals("<token>")));
  }

  /** The program in the settings' PATH (the environment bootfleet runs in), or null. */
  private Path onPath(String program) {
    String path = settings.env().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static boolean nonEmpty(String s) {
    return s != null && !s.isEmpty();
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() > 200 ? one.substring(0, 200) + "…" : one;
  }
}
