package dev.bootfleet.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL for one test class: started before its first test, stopped after its last.
 * {@code @RegisterExtension static final PostgresExtension pg = new PostgresExtension();}
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {
  private PostgresServer server;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server = PostgresServer.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** The running server; fails outside the class's tests. */
  public PostgresServer server() {
    if (server == null) {
      throw new IllegalStateException("PostgreSQL runs only during the class's tests");
    }
    return server;
  }
}
