package dev.bootfleet.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real registry (Debian's {@code docker-registry}) for one test class, holding two tiny images of one
 * repository, {@code fleet/web-os:42.1} and {@code :42.2}: what an agent test switches a host between.
 * {@code @RegisterExtension static final WebOsImages IMAGES = new WebOsImages();}
 */
public final class WebOsImages implements BeforeAllCallback, AfterAllCallback {
  private RegistryServer registry;
  private TestImages.Image v1;
  private TestImages.Image v2;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    registry = RegistryServer.start();
    TestImages images = new TestImages(registry);
    v1 = images.push("fleet/web-os", "42.1");
    v2 = images.push("fleet/web-os", "42.2");
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (registry != null) {
      registry.close();
      registry = null;
    }
  }

  public RegistryServer registry() {
    return registry;
  }

  /** {@code fleet/web-os:42.1}. */
  public TestImages.Image v1() {
    return v1;
  }

  /** {@code fleet/web-os:42.2}. */
  public TestImages.Image v2() {
    return v2;
  }
}
