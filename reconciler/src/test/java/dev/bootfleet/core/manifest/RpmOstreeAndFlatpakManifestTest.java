package dev.bootfleet.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootfleet.adapters.git.WorkTreeFiles;
import dev.bootfleet.testing.Example;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** driver, packages and flatpak: parsed from YAML text, merged over groups, carried into DesiredHost. */
class RpmOstreeAndFlatpakManifestTest {
  private static final String IMAGE = "quay.io/fedora/fedora-silverblue:42@sha256:" + "ab".repeat(32);
  private static final String COMMIT = "0123456789abcdef".repeat(4);

  @TempDir
  Path repo;

  private Fleet load(Map<String, String> files) throws IOException {
    for (var e : files.entrySet()) {
      Path p = repo.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, e.getValue());
    }
    return FleetLoader.load(new WorkTreeFiles(repo), FleetLoader.Options.DEFAULT);
  }

  private static String host(String name, String labels, String spec) {
    return "apiVersion: bootfleet.dev/v1alpha1\nkind: Host\nmetadata:\n  name: " + name + "\n  labels: " + labels
        + "\nspec:\n" + spec.indent(2);
  }

  private static String group(String name, int priority, String spec) {
    return "apiVersion: bootfleet.dev/v1alpha1\nkind: HostGroup\nmetadata:\n  name: " + name + "\nspec:\n"
        + "  selector: {}\n  priority: " + priority + "\n" + spec.indent(2);
  }

  @Test
  void everyField_isParsed_intoTheDesiredHost() throws IOException {
    Fleet fleet = load(Map.of("hosts/ws-01.yaml", host("ws-01", "{}", """
          driver: rpm-ostree
          image: {ref: %s}
          packages:
            install: [zsh, htop]
            remove: [firefox]
          flatpak:
            remotes:
              - {name: flathub, url: "https://dl.flathub.org/repo/"}
              - {name: local, url: "file:///srv/flatpak/repo", installation: user}
            apps:
              - {ref: app/org.mozilla.firefox/x86_64/beta, remote: flathub}
              - {id: org.gnome.Calculator, remote: local, installation: user, commit: %s}
              - {id: org.gnome.Maps, arch: aarch64, branch: "48", remote: flathub}
              - {id: org.example.Old, state: absent}
          """.formatted(IMAGE, COMMIT))));

    assertThat(fleet.problems()).extracting(Problem::format).containsExactly("hosts/ws-01.yaml:9:3: warning:"
        + " spec.packages: layered packages: bootc advises installing them in the image instead (RUN dnf install"
        + " in the Containerfile); layering makes the deployment incompatible with bootc, and only rpm-ostree can"
        + " update it");
    DesiredHost ws = fleet.host("ws-01").orElseThrow();
    assertThat(ws.driver()).isEqualTo(HostDriverKind.RPM_OSTREE);
    assertThat(ws.packages().install()).containsExactly("htop", "zsh");
    assertThat(ws.packages().remove()).containsExactly("firefox");
    assertThat(ws.flatpak().remotes()).containsExactly(
        new FlatpakRemote("flathub", "https://dl.flathub.org/repo/", FlatpakInstallation.SYSTEM),
        new FlatpakRemote("local", "file:///srv/flatpak/repo", FlatpakInstallation.USER));
    assertThat(ws.flatpak().apps()).containsExactlyInAnyOrder(
        new FlatpakApp("org.mozilla.firefox", "x86_64", "beta", "flathub", FlatpakInstallation.SYSTEM, null, false),
        new FlatpakApp("org.gnome.Calculator", null, "stable", "local", FlatpakInstallation.USER, COMMIT, false),
        new FlatpakApp("org.gnome.Maps", "aarch64", "48", "flathub", FlatpakInstallation.SYSTEM, null, false),
        new FlatpakApp("org.example.Old", null, "stable", null, FlatpakInstallation.SYSTEM, null, true));
  }

  @Test
  void nothingDeclared_isAutoWithoutPackagesOrFlatpaks() throws IOException {
    Fleet fleet = load(Map.of("hosts/web-01.yaml", host("web-01", "{}", "image: {ref: " + IMAGE + "}\n")));

    DesiredHost web = fleet.host("web-01").orElseThrow();
    assertThat(fleet.problems()).isEmpty();
    assertThat(web.driver()).isEqualTo(HostDriverKind.AUTO);
    assertThat(web.packages()).isEqualTo(Packages.NONE);
    assertThat(web.flatpak()).isEqualTo(Flatpaks.NONE);
  }

  @Test
  void higherLayersWin_forDriverRemotesAndApps_andPackagesAddUp() throws IOException {
    Fleet fleet = load(Map.of(
        "groups/base.yaml", group("base", 0, """
              driver: bootc
              image: {ref: %s}
              flatpak:
                remotes: [{name: flathub, url: "https://dl.flathub.org/repo/"}]
                apps:
                  - {id: org.gnome.Calculator, remote: flathub}
                  - {id: org.gnome.Maps, remote: flathub, commit: %s}
                  - {id: org.gnome.Weather, remote: flathub}
              """.formatted(IMAGE, COMMIT)),
        "groups/desktop.yaml", group("desktop", 10, """
              driver: rpm-ostree
              packages: {install: [htop], remove: [firefox]}
              flatpak:
                remotes: [{name: flathub, url: "https://mirror.example.com/flathub/"}]
                apps: [{id: org.gnome.Maps, remote: flathub}]
              """),
        "hosts/ws-01.yaml", host("ws-01", "{}", """
              packages: {install: [zsh]}
              flatpak:
                apps: [{id: org.gnome.Calculator, state: absent}]
              """)));

    assertThat(fleet.hasErrors()).as("%s", fleet.problems()).isFalse();
    DesiredHost ws = fleet.host("ws-01").orElseThrow();
    assertThat(ws.driver()).isEqualTo(HostDriverKind.RPM_OSTREE);
    assertThat(ws.packages()).isEqualTo(new Packages(new java.util.TreeSet<>(java.util.List.of("htop", "zsh")),
        new java.util.TreeSet<>(java.util.List.of("firefox"))));
    assertThat(ws.flatpak().remotes()).extracting(FlatpakRemote::url).containsExactly("https://mirror.example.com/flathub/");
    assertThat(ws.flatpak().apps()).extracting(a -> a.id() + (a.absent() ? " absent" : "")
        + (a.commit() == null ? "" : " pinned")).containsExactlyInAnyOrder(
            "org.gnome.Calculator absent", "org.gnome.Maps", "org.gnome.Weather");
    assertThat(fleet.problems()).extracting(Problem::severity).containsOnly(Problem.Severity.WARNING).hasSize(2);
  }

  @Test
  void exampleFleet_validates_withItsDesktopsAndCoreOsHost() throws IOException {
    Fleet fleet = Example.fleet();

    assertThat(fleet.hasErrors()).as("%s", fleet.problems()).isFalse();
    assertThat(fleet.problems()).extracting(p -> p.file() + " " + p.field()).containsExactly(
        "groups/defaults.yaml spec.kargs", "groups/desktop.yaml spec.packages", "groups/edge.yaml spec.kargs");
    DesiredHost ws1 = fleet.host("ws-01").orElseThrow();
    assertThat(ws1.driver()).isEqualTo(HostDriverKind.RPM_OSTREE);
    assertThat(ws1.image().ref()).startsWith("quay.io/fedora/fedora-silverblue:42@sha256:");
    assertThat(ws1.packages().install()).containsExactly("htop", "tailscale", "zsh");
    assertThat(ws1.packages().remove()).containsExactly("firefox", "firefox-langpacks");
    assertThat(ws1.flatpak().apps()).hasSize(3).filteredOn(a -> a.commit() != null).hasSize(1);
    DesiredHost ws2 = fleet.host("ws-02").orElseThrow();
    assertThat(ws2.flatpak().apps()).extracting(FlatpakApp::key, FlatpakApp::absent).contains(
        org.assertj.core.groups.Tuple.tuple("system:org.gnome.Calculator//stable", true),
        org.assertj.core.groups.Tuple.tuple("user:org.gnome.TextEditor//stable", false));
    DesiredHost core = fleet.host("core-01").orElseThrow();
    assertThat(core.driver()).isEqualTo(HostDriverKind.RPM_OSTREE);
    assertThat(core.image().ref()).startsWith("quay.io/fedora/fedora-coreos:stable@sha256:");
    assertThat(core.kargs().append()).contains("mitigations=auto,nosmt");
    assertThat(core.flatpak()).isEqualTo(Flatpaks.NONE);
    assertThat(fleet.host("web-01").orElseThrow().driver()).isEqualTo(HostDriverKind.AUTO);
  }
}
