package dev.bootfleet.adapters.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code WWW-Authenticate} challenge (RFC 7235): a scheme and its parameters, e.g.
 * {@code Bearer realm="https://auth.example/token",service="registry.example",scope="repository:x:pull"}.
 */
record Challenge(String scheme, Map<String, String> params) {
  Challenge {
    params = Map.copyOf(params);
  }

  boolean isBearer() {
    return scheme.equalsIgnoreCase("bearer");
  }

  boolean isBasic() {
    return scheme.equalsIgnoreCase("basic");
  }

  Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name));
  }

  /** Parses the first challenge of a header value; empty when there is none. */
  static Optional<Challenge> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String h = header.strip();
    int i = 0;
    while (i < h.length() && isToken(h.charAt(i))) {
      i++;
    }
    if (i == 0) {
      return Optional.empty();
    }
    String scheme = h.substring(0, i);
    Map<String, String> params = new LinkedHashMap<>();
    while (i < h.length()) {
      while (i < h.length() && (h.charAt(i) == ' ' || h.charAt(i) == ',')) {
        i++;
      }
      int nameStart = i;
      while (i < h.length() && isToken(h.charAt(i))) {
        i++;
      }
      String name = h.substring(nameStart, i).toLowerCase(Locale.ROOT);
      while (i < h.length() && h.charAt(i) == ' ') {
        i++;
      }
      if (name.isEmpty() || i >= h.length() || h.charAt(i) != '=') {
        break; // another scheme begins, or the header ends: the first challenge is complete
      }
      i++;
      while (i < h.length() && h.charAt(i) == ' ') {
        i++;
      }
      StringBuilder value = new StringBuilder();
      if (i < h.length() && h.charAt(i) == '"') {
        i++;
        while (i < h.length() && h.charAt(i) != '"') {
          if (h.charAt(i) == '\\' && i + 1 < h.length()) {
            i++;
          }
          value.append(h.charAt(i++));
        }
        i++; // the closing quote
      } else {
        while (i < h.length() && h.charAt(i) != ',') {
          value.append(h.charAt(i++));
        }
      }
      params.put(name, value.toString().strip());
    }
    return Optional.of(new Challenge(scheme, params));
  }

  private static boolean isToken(char c) {
    return c > ' ' && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
  }
}
