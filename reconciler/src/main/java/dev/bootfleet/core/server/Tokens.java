package dev.bootfleet.core.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * The server's credentials (ADR 0016): 32 random bytes, base64url without padding, after a prefix that
 * says what the token is for, as GitHub's {@code ghp_} does, so that a leaked one is recognised. The
 * store keeps only {@link #hash}: a stolen database yields no usable token. Pure; the randomness is
 * passed in (a {@code SecureRandom} in the server).
 */
public final class Tokens {
  /** What a token grants. */
  public enum Kind {
    /** An operator: every operator route. */
    OPERATOR("bfo_"),
    /** One host: its own target and status routes only. */
    HOST("bfh_"),
    /** A one-time, expiring token exchanged for a host's own credential. */
    ENROLLMENT("bfe_");

    private final String prefix;

    Kind(String prefix) {
      this.prefix = prefix;
    }

    public String prefix() {
      return prefix;
    }

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public static final int BYTES = 32;
  /** The base64url length of {@link #BYTES} bytes without padding. */
  private static final int ENCODED = 43;

  private Tokens() {}

  public static String generate(Kind kind, RandomGenerator random) {
    byte[] b = new byte[BYTES];
    random.nextBytes(b);
    return kind.prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The kind a well-formed token is of, or null for anything else (wrong prefix, length or alphabet). */
  public static Kind kindOf(String token) {
    if (token == null) {
      return null;
    }
    for (Kind k : Kind.values()) {
      if (token.startsWith(k.prefix) && token.length() == k.prefix.length() + ENCODED
          && token.substring(k.prefix.length()).chars().allMatch(Tokens::base64url)) {
        return k;
      }
    }
    return null;
  }

  /** What the store keeps: the SHA-256 of the token's text, in hex. */
  public static String hash(String token) {
    return HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or null. */
  public static String bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String t = authorization.substring(7).strip();
    return t.isEmpty() ? null : t;
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static boolean base64url(int c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
  }
}
