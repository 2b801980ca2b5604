package dev.bootfleet.adapters.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where credentials come from, in the order podman and docker use. */
class CredentialsTest {
  @TempDir
  Path tmp;

  static String auth(String userPass) {
    return Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  Path write(String relative, String json) throws IOException {
    Path f = tmp.resolve(relative);
    Files.createDirectories(f.getParent());
    Files.writeString(f, json);
    return f;
  }

  Credentials credentials(Map<String, String> env) {
    return new Credentials(RegistrySettings.defaults(env));
  }

  @Test
  void find_mostSpecificAuthsKeyWins() throws Exception {
    write("home/.config/containers/auth.json", """
        {"auths": {
          "reg.example": {"auth": "%s"},
          "reg.example/team": {"auth": "%s"},
          "reg.example/team/os": {"auth": "%s"}}}
        """.formatted(auth("all:1"), auth("team:2"), auth("os:3")));
    Credentials c = credentials(Map.of("HOME", tmp.resolve("home").toString()));

    assertThat(c.find("reg.example", "reg.example/team/os")).get().extracting(Credentials.Credential::username)
        .isEqualTo("os");
    assertThat(c.find("reg.example", "reg.example/team/web")).get().extracting(Credentials.Credential::username)
        .isEqualTo("team");
    assertThat(c.find("reg.example", "reg.example/other/os")).get().extracting(Credentials.Credential::username)
        .isEqualTo("all");
    assertThat(c.find("reg.example", "reg.example/teamster/os")).get().extracting(Credentials.Credential::username)
        .isEqualTo("all");
    assertThat(c.find("other.example", "other.example/team/os")).isEmpty();
  }

  @Test
  void find_registryAuthFile_comesFirst_andHidesTheXdgConfigFile_butNotDockers() throws Exception {
    Path explicit = write("explicit.json", "{\"auths\":{\"a.example\":{\"auth\":\"" + auth("explicit:x") + "\"}}}");
    write("home/.config/containers/auth.json", "{\"auths\":{\"b.example\":{\"auth\":\"" + auth("xdg:x") + "\"}}}");
    write("home/.docker/config.json", "{\"auths\":{\"https://c.example/v1/\":{\"auth\":\"" + auth("docker:x") + "\"}}}");
    Credentials c = credentials(Map.of("HOME", tmp.resolve("home").toString(), "REGISTRY_AUTH_FILE", explicit.toString()));

    assertThat(c.find("a.example", "a.example/os")).get().extracting(Credentials.Credential::username)
        .isEqualTo("explicit");
    assertThat(c.find("b.example", "b.example/os")).isEmpty();
    assertThat(c.find("c.example", "c.example/os")).get().extracting(Credentials.Credential::username)
        .isEqualTo("docker");
    assertThat(c.searchPath()).containsExactly(explicit, tmp.resolve("home/.docker/config.json"));
  }

  @Test
  void find_xdgRuntimeDirFileComesBeforeTheConfigFile() throws Exception {
    write("run/containers/auth.json", "{\"auths\":{\"a.example\":{\"auth\":\"" + auth("runtime:x") + "\"}}}");
    write("home/.config/containers/auth.json", "{\"auths\":{\"a.example\":{\"auth\":\"" + auth("config:x") + "\"}}}");
    Credentials c = credentials(Map.of("HOME", tmp.resolve("home").toString(),
        "XDG_RUNTIME_DIR", tmp.resolve("run").toString()));

    assertThat(c.find("a.example", "a.example/os")).get().extracting(Credentials.Credential::username)
        .isEqualTo("runtime");
  }

  @Test
  void credential_toString_hidesTheSecret() throws Exception {
    write("home/.docker/config.json", "{\"auths\":{\"a.example\":{\"auth\":\"" + auth("me:topsecret") + "\"}}}");
    var found = credentials(Map.of("HOME", tmp.resolve("home").toString())).find("a.example", "a.example/os");

    assertThat(found).get().asString().contains("me").doesNotContain("topsecret");
  }

  @Test
  void find_brokenAuthFile_namesTheFile() throws Exception {
    Path f = write("home/.docker/config.json", "{not json");
    Credentials c = credentials(Map.of("HOME", tmp.resolve("home").toString()));

    assertThatThrownBy(() -> c.find("a.example", "a.example/os")).isInstanceOf(IOException.class)
        .hasMessageStartingWith(f + ": not a JSON auth file");
  }

  @Test
  void find_missingHelper_saysItIsNotOnPath() throws Exception {
    write("home/.docker/config.json", "{\"credsStore\":\"nonexistent-store\"}");
    Credentials c = credentials(Map.of("HOME", tmp.resolve("home").toString(), "PATH", tmp.toString()));

    assertThatThrownBy(() -> c.find("a.example", "a.example/os")).isInstanceOf(IOException.class)
        .hasMessage("credential helper docker-credential-nonexistent-store for a.example is not on PATH");
  }

  @Test
  void normalize_dockerKeys() {
    assertThat(Credentials.normalize("https://index.docker.io/v1/")).isEqualTo("index.docker.io");
    assertThat(Credentials.normalize("http://reg.example:5000")).isEqualTo("reg.example:5000");
    assertThat(Credentials.normalize("reg.example/team/")).isEqualTo("reg.example/team");
  }
}
