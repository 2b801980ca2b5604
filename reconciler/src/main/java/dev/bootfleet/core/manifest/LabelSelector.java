package dev.bootfleet.core.manifest;

import java.util.List;
import java.util.Map;

/** A Kubernetes label selector: every label and every expression must hold. Empty matches everything. */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
  public enum Operator { In, NotIn, Exists, DoesNotExist }

  /** Matches every host. */
  public static final LabelSelector ALL = new LabelSelector(Map.of(), List.of());

  public record Requirement(String key, Operator operator, List<String> values) {
    public Requirement {
      values = List.copyOf(values);
    }

    boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (operator) {
        case In -> v != null && values.contains(v);
        case NotIn -> v == null || !values.contains(v);
        case Exists -> v != null;
        case DoesNotExist -> v == null;
      };
    }
  }

  public LabelSelector {
    matchLabels = Map.copyOf(matchLabels);
    matchExpressions = List.copyOf(matchExpressions);
  }

  public boolean matches(Map<String, String> labels) {
    for (var e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (Requirement r : matchExpressions) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }
}
