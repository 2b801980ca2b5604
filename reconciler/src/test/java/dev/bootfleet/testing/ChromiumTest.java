package dev.bootfleet.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChromiumTest {
  @Test
  void beforeAll_fails_namingThePackagesToInstall_whenTheBrowserOrDriverIsMissing(@TempDir Path tmp) {
    Chromium c = new Chromium(tmp.resolve("chromium"), tmp.resolve("chromedriver"));
    assertThatThrownBy(() -> c.beforeAll(null)).isInstanceOf(AssertionError.class)
        .hasMessage(tmp.resolve("chromium") + " (Debian package chromium) and " + tmp.resolve("chromedriver")
            + " (Debian package chromium-driver) missing: install them with apt-get install chromium chromium-driver");
  }
}
