package dev.bootfleet.core.manifest;

import java.util.List;
import java.util.Map;

/**
 * What Git says one host must be, after its groups are merged and its templates rendered.
 *
 * @param etc desired /etc files, sorted by path
 * @param groups the groups that matched, lowest priority first
 * @param file the repository file that declares the host
 */
public record DesiredHost(String name, Map<String, String> labels, ImageSpec image, List<EtcFile> etc,
    Kargs kargs, List<String> groups, String file) {
  public DesiredHost {
    labels = Map.copyOf(labels);
    etc = List.copyOf(etc);
    groups = List.copyOf(groups);
  }
}
