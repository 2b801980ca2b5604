package dev.bootfleet.core.manifest;

import dev.bootfleet.core.yaml.Pos;
import java.util.List;
import java.util.Map;

/** A document of the fleet repository: a {@link Host} or a {@link HostGroup}. */
public sealed interface Manifest permits Manifest.Host, Manifest.HostGroup {
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

  /** What a Host or a HostGroup declares in its spec; anything may be left out. */
  record Spec(ImageDecl image, List<EtcEntry> etc, List<KargDecl> kargs) {
    public Spec {
      etc = List.copyOf(etc);
      kargs = List.copyOf(kargs);
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
}
