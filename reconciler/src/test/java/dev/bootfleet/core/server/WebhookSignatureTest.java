package dev.bootfleet.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookSignatureTest {
  /** GitHub's documented example: "Validating webhook deliveries". */
  static final String GITHUB_SECRET = "It's a Secret to Everybody";
  static final String GITHUB_BODY = "Hello, World!";
  static final String GITHUB_SIGNATURE = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      x-hub-signature-256 | sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17 | true
      x-hub-signature-256 | sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17 | true
      x-hub-signature-256 | 757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17        | false
      x-hub-signature-256 | sha256=657107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17 | false
      x-hub-signature-256 | sha256=757107ea                                                         | false
      x-hub-signature-256 | sha256=not-hex                                                          | false
      x-gitea-signature   | 757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17        | true
      x-gitea-signature   | sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17 | false
      x-gitlab-token      | It's a Secret to Everybody                                              | true
      x-gitlab-token      | It's a Secret to Everybod                                               | false
      x-gitlab-token      | ''                                                                      | false
      x-other-signature   | 757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17        | false
      """)
  void verify_acceptsOnlyTheForgesSignature_givenHeader(String header, String value, boolean ok) {
    boolean got = WebhookSignature.verify(Map.of(header, value), GITHUB_BODY.getBytes(StandardCharsets.UTF_8),
        GITHUB_SECRET.getBytes(StandardCharsets.UTF_8));
    assertThat(got).isEqualTo(ok);
  }

  @ParameterizedTest
  @CsvSource({"Hello, World!", "Hello, World?"})
  void hmac_matchesGitHubsExample_onlyForItsBody(String body) {
    String hex = HexFormat.of().formatHex(WebhookSignature.hmac(GITHUB_SECRET.getBytes(StandardCharsets.UTF_8),
        body.getBytes(StandardCharsets.UTF_8)));
    assertThat(hex.equals(GITHUB_SIGNATURE)).isEqualTo(body.equals(GITHUB_BODY));
  }

  @ParameterizedTest
  @CsvSource({"x-gitlab-token, ''", "x-gitea-signature, b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"})
  void verify_refusesEverything_withAnEmptySecret(String header, String value) {
    // the HMAC of an empty body under an empty key: an empty secret must not make it valid
    assertThat(WebhookSignature.verify(Map.of(header, value), new byte[0], new byte[0])).isFalse();
  }
}
