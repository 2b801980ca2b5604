package dev.bootfleet.testing;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * An htpasswd line as distribution reads it: {@code user:$2y$...}, bcrypt (the only hash its htpasswd
 * access controller accepts), made with Bouncy Castle rather than Debian's apache2-utils.
 */
final class Htpasswd {
  private Htpasswd() {}

  static String line(String user, String password) {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    // Cost 5 (the minimum Go accepts is 4): fast to check, and nothing here protects a real secret.
    return user + ":" + OpenBSDBCrypt.generate("2y", password.getBytes(StandardCharsets.UTF_8), salt, 5);
  }
}
