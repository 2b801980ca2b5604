package dev.bootfleet.adapters.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Quartz's own tables for its clustered job store (ADR 0018), on PostgreSQL only: the script Quartz ships
 * in its jar ({@code tables_postgres.sql}), read from there rather than copied, so the tables always match
 * the Quartz on the class path. Its {@code DROP} and {@code COMMIT} statements are left out (Flyway owns
 * the transaction, and there is nothing to drop in a new schema). The embedded store runs one replica with
 * Quartz in memory and needs none: the migration is recorded there and does nothing.
 */
final class V2__Quartz_tables extends BaseJavaMigration {
  static final String SCRIPT = "org/quartz/impl/jdbcjobstore/tables_postgres.sql";

  @Override
  public void migrate(Context context) throws Exception {
    if (!"PostgreSQL".equals(context.getConnection().getMetaData().getDatabaseProductName())) {
      return;
    }
    try (Statement s = context.getConnection().createStatement()) {
      for (String sql : statements(script())) {
        s.execute(sql);
      }
    }
  }

  static String script() throws IOException {
    try (InputStream in = org.quartz.Scheduler.class.getClassLoader().getResourceAsStream(SCRIPT)) {
      if (in == null) {
        throw new IOException("the Quartz jar has no " + SCRIPT);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The script's statements without comments, {@code DROP} and {@code COMMIT}. */
  static List<String> statements(String script) {
    StringBuilder text = new StringBuilder();
    for (String line : script.split("\n")) {
      int comment = line.indexOf("--");
      text.append(comment < 0 ? line : line.substring(0, comment)).append('\n');
    }
    List<String> out = new ArrayList<>();
    for (String sql : text.toString().split(";")) {
      String s = sql.strip();
      String first = s.isEmpty() ? "" : s.split("\\s+", 2)[0].toUpperCase(java.util.Locale.ROOT);
      if (!s.isEmpty() && !first.equals("DROP") && !first.equals("COMMIT")) {
        out.add(s);
      }
    }
    return out;
  }
}
