package dev.bootfleet.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium for one test class, driven by Debian's chromedriver through Selenium WebDriver:
 * {@code @RegisterExtension static final Chromium browser = new Chromium();}. When either binary is missing the
 * class FAILS (never skips), naming the Debian packages to install. Selenium's own driver download is off.
 */
public final class Chromium implements BeforeAllCallback, AfterAllCallback {
  /** Where Debian installs them; {@code BOOTFLEET_CHROMIUM} and {@code BOOTFLEET_CHROMEDRIVER} may name others. */
  static final Path BROWSER = Path.of(env("BOOTFLEET_CHROMIUM", "/usr/bin/chromium"));
  static final Path DRIVER = Path.of(env("BOOTFLEET_CHROMEDRIVER", "/usr/bin/chromedriver"));
  private final Path browser;
  private final Path chromedriver;
  private ChromeDriver driver;

  public Chromium() {
    this(BROWSER, DRIVER);
  }

  Chromium(Path browser, Path chromedriver) {
    this.browser = browser;
    this.chromedriver = chromedriver;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(browser)) {
      missing.add(browser + " (Debian package chromium)");
    }
    if (!Files.isExecutable(chromedriver)) {
      missing.add(chromedriver + " (Debian package chromium-driver)");
    }
    if (!missing.isEmpty()) {
      throw new AssertionError(String.join(" and ", missing) + " missing: install them with apt-get install "
          + "chromium chromium-driver");
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1280,1200", "--no-first-run", "--disable-extensions", "--disable-background-networking",
        "--disable-sync", "--disable-default-apps");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(30));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (driver != null) {
      driver.quit();
    }
  }

  /** The browser; fails outside the class's tests. */
  public ChromeDriver driver() {
    if (driver == null) {
      throw new IllegalStateException("Chromium runs only during the class's tests");
    }
    return driver;
  }

  private static String env(String name, String otherwise) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? otherwise : v;
  }
}
