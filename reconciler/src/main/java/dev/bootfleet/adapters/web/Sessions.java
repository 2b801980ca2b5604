package dev.bootfleet.adapters.web;

import dev.bootfleet.core.server.Tokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * The dashboard's sessions (ADR 0024): in this replica's memory, keyed by the SHA-256 of the cookie's random id
 * (a heap dump shows no usable cookie), each bound to the operator credential it was opened with and carrying
 * its own CSRF token. A session ends after {@link #IDLE} without a request or {@link #LIFETIME} in all.
 */
final class Sessions {
  static final Duration IDLE = Duration.ofMinutes(30);
  static final Duration LIFETIME = Duration.ofHours(12);
  /** Sessions held at most; the oldest expired ones go first, then a new login is refused. */
  static final int MAX = 10_000;
  private static final int ID_BYTES = 32;

  /** One operator's session: the credential's hash (checked again on each request) and id, and its CSRF token. */
  record Session(String operatorHash, String operatorId, String csrf, Instant created, Instant seen) {
    /** Whether {@code given} is this session's CSRF token, compared in constant time. */
    boolean csrfMatches(String given) {
      return given != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
          given.getBytes(StandardCharsets.UTF_8));
    }
  }

  private final Map<String, Session> byHash = new ConcurrentHashMap<>();
  private final Clock clock;
  private final RandomGenerator random;

  Sessions(Clock clock, RandomGenerator random) {
    this.clock = clock;
    this.random = random;
  }

  /** Opens a session for the operator credential; returns the cookie's value, or null when {@link #MAX} are open. */
  String open(String operatorHash, String operatorId) {
    Instant now = clock.instant();
    if (byHash.size() >= MAX) {
      byHash.entrySet().removeIf(e -> expired(e.getValue(), now));
      if (byHash.size() >= MAX) {
        return null;
      }
    }
    String id = randomText();
    byHash.put(Tokens.hash(id), new Session(operatorHash, operatorId, randomText(), now, now));
    return id;
  }

  /** The live session of cookie value {@code id}, its idle time restarted; empty when none or expired. */
  Optional<Session> find(String id) {
    if (id == null || id.isEmpty() || id.length() > 100) {
      return Optional.empty();
    }
    String key = Tokens.hash(id);
    Session s = byHash.get(key);
    Instant now = clock.instant();
    if (s == null) {
      return Optional.empty();
    }
    if (expired(s, now)) {
      byHash.remove(key, s);
      return Optional.empty();
    }
    Session touched = new Session(s.operatorHash(), s.operatorId(), s.csrf(), s.created(), now);
    byHash.replace(key, s, touched);
    return Optional.of(touched);
  }

  /** Ends the session of cookie value {@code id} (logout, or its credential revoked). */
  void close(String id) {
    if (id != null && !id.isEmpty() && id.length() <= 100) {
      byHash.remove(Tokens.hash(id));
    }
  }

  int size() {
    return byHash.size();
  }

  private static boolean expired(Session s, Instant now) {
    return !now.isBefore(s.seen().plus(IDLE)) || !now.isBefore(s.created().plus(LIFETIME));
  }

  private String randomText() {
    byte[] b = new byte[ID_BYTES];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
