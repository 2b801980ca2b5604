package dev.bootfleet.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServeCommandTest {
  @ParameterizedTest
  @CsvSource({"127.0.0.1, true", "127.0.0.2, true", "::1, true", "localhost, true", "0.0.0.0, false",
      "10.1.2.3, false", "::, false"})
  void loopback_isTrue_onlyForLoopbackAddresses(String host, boolean loopback) {
    assertThat(ServeCommand.loopback(host)).isEqualTo(loopback);
  }
}
