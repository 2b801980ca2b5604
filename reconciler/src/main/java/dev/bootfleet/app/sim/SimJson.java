package dev.bootfleet.app.sim;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The simulators' two JSON forms: one shared pair, so that both simulators print alike. */
final class SimJson {
  /** Indented: {@code rpm-ostree status --json}, and {@code sim.json} for people reading a test's folder. */
  static final JsonMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  /** One line, map keys sorted: {@code bootc status --json}, and JSON embedded in image labels. */
  static final JsonMapper SORTED = JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();

  private SimJson() {}
}
