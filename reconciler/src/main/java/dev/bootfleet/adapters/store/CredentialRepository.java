package dev.bootfleet.adapters.store;

import dev.bootfleet.core.port.FleetStore.Credential;
import dev.bootfleet.core.server.Tokens;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** Credentials by the SHA-256 of their token; the token itself is never stored. */
final class CredentialRepository {
  static final String INSERT = "INSERT INTO credentials (token_hash, kind, host, expires_ms, created_ms)"
      + " VALUES (:hash, :kind, :host, :expires, :created)";
  static final String BY_HASH = "SELECT token_hash, kind, host, expires_ms, created_ms FROM credentials"
      + " WHERE token_hash = :hash";
  static final String DELETE = "DELETE FROM credentials WHERE token_hash = :hash";
  static final String DELETE_HOST = "DELETE FROM credentials WHERE host = :host";
  static final String DELETE_HOST_KIND = "DELETE FROM credentials WHERE host = :host AND kind = :kind";
  static final String ANY_OPERATOR = "SELECT COUNT(*) FROM credentials WHERE kind = 'operator'";
  static final String OPERATORS = "SELECT token_hash, kind, host, expires_ms, created_ms FROM credentials"
      + " WHERE kind = 'operator' ORDER BY created_ms, token_hash";
  static final String LOCK_OPERATORS = "SELECT token_hash FROM credentials WHERE kind = 'operator' FOR UPDATE";
  /** One operator's credential, unless it is the last: a server never locks its operators out. */
  static final String DELETE_OPERATOR = "DELETE FROM credentials WHERE token_hash = :hash AND kind = 'operator'"
      + " AND (SELECT COUNT(*) FROM credentials WHERE kind = 'operator') > 1";

  private CredentialRepository() {}

  static void insert(Handle h, Credential c) {
    h.createUpdate(INSERT).bind("hash", c.hash()).bind("kind", c.kind().id()).bind("host", c.host())
        .bind("expires", c.expires() == null ? null : c.expires().toEpochMilli())
        .bind("created", c.created().toEpochMilli()).execute();
  }

  static Optional<Credential> byHash(Handle h, String hash) {
    return h.createQuery(BY_HASH).bind("hash", hash).map(CredentialRepository::row).findFirst();
  }

  static List<Credential> operators(Handle h) {
    return h.createQuery(OPERATORS).map(CredentialRepository::row).list();
  }

  /**
   * In its caller's transaction: the operators' rows are locked first, so that two revocations of the last
   * two at once cannot both pass the count (the second waits, then counts one).
   */
  static boolean deleteOperator(Handle h, String hash) {
    h.createQuery(LOCK_OPERATORS).mapTo(String.class).list();
    return h.createUpdate(DELETE_OPERATOR).bind("hash", hash).execute() == 1;
  }

  private static Credential row(ResultSet rs, StatementContext ctx) throws SQLException {
    long exp = rs.getLong("expires_ms");
    Instant expires = rs.wasNull() ? null : Instant.ofEpochMilli(exp);
    return new Credential(rs.getString("token_hash"), Tokens.Kind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)),
        rs.getString("host"), expires, Instant.ofEpochMilli(rs.getLong("created_ms")));
  }

  /** Deletes one credential; whether it was there (a second delete of the same row finds none). */
  static boolean delete(Handle h, String hash) {
    return h.createUpdate(DELETE).bind("hash", hash).execute() == 1;
  }

  static int deleteHost(Handle h, String host) {
    return h.createUpdate(DELETE_HOST).bind("host", host).execute();
  }

  static void deleteHostTokens(Handle h, String host) {
    h.createUpdate(DELETE_HOST_KIND).bind("host", host).bind("kind", Tokens.Kind.HOST.id()).execute();
  }

  static boolean anyOperator(Handle h) {
    return h.createQuery(ANY_OPERATOR).mapTo(Long.class).one() > 0;
  }
}
