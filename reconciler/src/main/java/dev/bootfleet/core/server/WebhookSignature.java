package dev.bootfleet.core.server;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Whether a Git webhook comes from the forge that knows the shared secret: GitHub's {@code
 * X-Hub-Signature-256: sha256=<hex>} and Gitea's {@code X-Gitea-Signature: <hex>} (both HMAC-SHA256 of
 * the raw body), or GitLab's {@code X-Gitlab-Token: <secret>}. Every comparison takes the same time
 * whatever the bytes ({@link MessageDigest#isEqual}); the GitLab token is compared through its SHA-256
 * so that its length does not show either. Pure.
 */
public final class WebhookSignature {
  public static final String GITHUB = "x-hub-signature-256";
  public static final String GITEA = "x-gitea-signature";
  public static final String GITLAB = "x-gitlab-token";

  private WebhookSignature() {}

  /**
   * @param headers the request's headers, names in lower case
   * @param secret the shared secret (never empty)
   */
  public static boolean verify(Map<String, String> headers, byte[] body, byte[] secret) {
    if (secret.length == 0) {
      return false;
    }
    String github = headers.get(GITHUB);
    if (github != null) {
      return github.startsWith("sha256=") && hexEquals(github.substring("sha256=".length()), hmac(secret, body));
    }
    String gitea = headers.get(GITEA);
    if (gitea != null) {
      return hexEquals(gitea, hmac(secret, body));
    }
    String gitlab = headers.get(GITLAB);
    if (gitlab != null) {
      return MessageDigest.isEqual(Tokens.sha256(gitlab.getBytes(StandardCharsets.UTF_8)), Tokens.sha256(secret));
    }
    return false;
  }

  /** HMAC-SHA256 of {@code body} under {@code secret}. */
  public static byte[] hmac(byte[] secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static boolean hexEquals(String hex, byte[] expected) {
    byte[] given;
    try {
      given = HexFormat.of().parseHex(hex.strip().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(given, expected);
  }
}
