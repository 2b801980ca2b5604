package dev.bootfleet.adapters.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DashboardTest {
  @Test
  void cookie_isHttpOnlyAndSameSiteStrict_andSecureOnlyUnderTls() {
    assertThat(Dashboard.cookie("abc", 60, false))
        .isEqualTo("bootfleet_session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict");
    assertThat(Dashboard.cookie("abc", 60, true)).endsWith("; HttpOnly; SameSite=Strict; Secure");
  }

  @Test
  void csp_allowsOnlyThisServersScriptsAndStyles_andNoFrame() {
    assertThat(Dashboard.CSP).contains("default-src 'none'", "script-src 'self'", "style-src 'self'",
        "frame-ancestors 'none'", "form-action 'self'").doesNotContain("unsafe", "*", "http:", "https:", "data:");
  }

  @ParameterizedTest
  @CsvSource(nullValues = "-", value = {
      // Sec-Fetch-Site, Origin, Host: refused?
      "same-origin, http://127.0.0.1:8080, 127.0.0.1:8080, false",
      "-, -, 127.0.0.1:8080, false",
      "none, -, 127.0.0.1:8080, false",
      "cross-site, -, 127.0.0.1:8080, true",
      "same-site, -, fleet.example.com, true",
      "-, https://evil.example, fleet.example.com, true",
      "-, https://fleet.example.com, fleet.example.com, false",
      "-, null, fleet.example.com, false",
      "cross-site, null, fleet.example.com, true",
  })
  void crossSite_refusesWhatTheBrowserSaysCameFromElsewhere(String fetchSite, String origin, String host,
      boolean refused) {
    assertThat(Dashboard.crossSite(fetchSite, origin, host)).isEqualTo(refused);
  }
}
