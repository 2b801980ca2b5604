package dev.bootfleet.testing;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/** Upstream bootc's {@code host-v1.schema.json} (the test copy of shared/fixtures/bootc), for validating documents. */
public final class BootcSchema {
  private static final Schema SCHEMA = load();

  private BootcSchema() {}

  private static Schema load() {
    try (InputStream in = BootcSchema.class.getResourceAsStream("/fixtures/bootc/host-v1.schema.json")) {
      if (in == null) {
        throw new IllegalStateException("fixtures/bootc/host-v1.schema.json is missing from the test resources");
      }
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every schema violation of a status document, as {@code /json/pointer: message}; empty when valid. */
  public static List<String> errors(String json) {
    return SCHEMA.validate(JsonMapper.shared().readTree(json)).stream()
        .map(e -> e.getInstanceLocation() + ": " + e.getMessage())
        .toList();
  }
}
