package dev.bootfleet.core.manifest;

import dev.bootfleet.core.yaml.Pos;
import java.util.List;
import java.util.Map;

/** A document of the fleet repository: a {@link Host}, a {@link HostGroup} or a {@link Rollout}. */
public sealed interface Manifest permits Manifest.Host, Manifest.HostGroup, Manifest.Rollout {
  String API_VERSION = "bootfleet.dev/v1alpha1";
  String GROUP = "bootfleet.dev";

  String name();

  /** Where the document starts. */
  Origin origin();

  /** Where {@code metadata.name} stands, for problems about the name. */
  Pos namePos();

  /** A declared image together with where it was written. */
  record ImageDecl(ImageSpec spec, Origin origin) {}

  /** A declared kernel argument: appended (must be present) or deleted (must be absent). */
  record KargDecl(String karg, boolean append, Origin origin) {}

  /** A declared driver ({@code spec.driver}) together with where it was written. */
  record DriverDecl(HostDriverKind kind, Origin origin) {}

  /** A declared package: layered ({@code install}) or a base package removed ({@code remove}). */
  record PackageDecl(String name, boolean install, Origin origin) {}

  /** A declared Flatpak remote, with where it was written. */
  record RemoteDecl(FlatpakRemote remote, Origin origin) {
    /** What identifies the remote on a host: installation and name. */
    String key() {
      return remote.installation().id() + ":" + remote.name();
    }
  }

  /** A declared Flatpak app, with where it was written. */
  record AppDecl(FlatpakApp app, Origin origin) {}

  /**
   * What a Host or a HostGroup declares in its spec; anything may be left out.
   *
   * @param driver the driver named, or null
   */
  record Spec(ImageDecl image, List<EtcEntry> etc, List<KargDecl> kargs, DriverDecl driver,
      List<PackageDecl> packages, List<RemoteDecl> remotes, List<AppDecl> apps) {
    public Spec {
      etc = List.copyOf(etc);
      kargs = List.copyOf(kargs);
      packages = List.copyOf(packages);
      remotes = List.copyOf(remotes);
      apps = List.copyOf(apps);
    }

    /** A spec with an image, /etc files and kernel arguments only. */
    public Spec(ImageDecl image, List<EtcEntry> etc, List<KargDecl> kargs) {
      this(image, etc, kargs, null, List.of(), List.of(), List.of());
    }

    /** The same spec with other /etc entries (their source files read). */
    public Spec withEtc(List<EtcEntry> other) {
      return new Spec(image, other, kargs, driver, packages, remotes, apps);
    }
  }

  record Host(String name, Map<String, String> labels, Map<String, String> annotations, Spec spec,
      Origin origin, Pos namePos) implements Manifest {
    public Host {
      labels = Map.copyOf(labels);
      annotations = Map.copyOf(annotations);
    }
  }

  record HostGroup(String name, int priority, LabelSelector selector, Spec spec, Origin origin, Pos namePos)
      implements Manifest {}

  /** How a new image reaches the hosts its policy's selector matches (ADR 0021). */
  record Rollout(String name, RolloutPolicy policy, Origin origin, Pos namePos) implements Manifest {}
}
