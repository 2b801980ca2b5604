package dev.bootfleet.adapters.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys in PEM files, read with the JDK alone (ADR 0019): X.509 certificates
 * through its {@link CertificateFactory}, an unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}, RSA or
 * EC) through its {@link KeyFactory}. The agent, the registry client and the server share this one
 * reader. A {@link Problem} names the file and what is wrong with it, never a byte of a key.
 */
public final class Pem {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  private Pem() {}

  /** A PEM file that cannot be used: the file and why, in one line without its content. */
  public static final class Problem extends IOException {
    private final String reason;

    Problem(Path file, String reason) {
      super(file + ": " + reason);
      this.reason = reason;
    }

    /** What is wrong, without the file's name. */
    public String reason() {
      return reason;
    }
  }

  /** The certificates in {@code file}, in order (a server's chain: its own first); at least one. */
  public static List<X509Certificate> certificates(Path file) throws Problem {
    String text = new String(read(file, "certificates"), StandardCharsets.US_ASCII);
    StringBuilder blocks = new StringBuilder();
    boolean key = false;
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (m.group(1).equals("CERTIFICATE")) {
        blocks.append(m.group()).append('\n');
      } else {
        key |= m.group(1).endsWith("PRIVATE KEY");
      }
    }
    if (blocks.isEmpty()) {
      throw new Problem(file, (key ? "holds a private key but no certificate" : "holds no certificate")
          + " (expected PEM: -----BEGIN CERTIFICATE-----)");
    }
    List<X509Certificate> certs = new ArrayList<>();
    try {
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(
          new ByteArrayInputStream(blocks.toString().getBytes(StandardCharsets.US_ASCII)))) {
        certs.add((X509Certificate) c);
      }
    } catch (CertificateException e) {
      throw new Problem(file, "not PEM certificates (expected -----BEGIN CERTIFICATE----- blocks)");
    }
    return List.copyOf(certs);
  }

  /** The one unencrypted PKCS#8 private key (RSA or EC) in {@code file}. */
  public static PrivateKey privateKey(Path file) throws Problem {
    String text = new String(read(file, "private key"), StandardCharsets.US_ASCII);
    Matcher m = BLOCK.matcher(text);
    String found = null;
    byte[] der = null;
    while (m.find()) {
      String label = m.group(1);
      if (label.equals("PRIVATE KEY")) {
        if (der != null) {
          throw new Problem(file, "holds more than one private key (expected one)");
        }
        try {
          der = Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
          throw new Problem(file, "the private key is not valid base64 (expected PEM)");
        }
      } else if (found == null && label.endsWith("PRIVATE KEY")) {
        found = label;
      }
    }
    if (der == null) {
      if (found == null) {
        throw new Problem(file, "holds no private key (expected PEM: -----BEGIN PRIVATE KEY-----, PKCS#8)");
      }
      throw new Problem(file, "holds -----BEGIN " + found + "----- (expected an unencrypted PKCS#8 -----BEGIN PRIVATE KEY-----;"
          + " convert it with openssl pkcs8 -topk8 -nocrypt)");
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException e) {
        // not this algorithm: try the next
      } catch (GeneralSecurityException e) {
        throw new Problem(file, "cannot read the key (" + e.getClass().getSimpleName() + ")");
      }
    }
    throw new Problem(file, "the private key is neither RSA nor EC (expected a PKCS#8 RSA or EC key)");
  }

  /** Whether {@code key} is the private half of {@code cert}'s public key (a signature it makes verifies). */
  public static boolean matches(PrivateKey key, X509Certificate cert) {
    PublicKey pub = cert.getPublicKey();
    if (!pub.getAlgorithm().equals(key.getAlgorithm())) {
      return false;
    }
    String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(challenge);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(algorithm);
      v.initVerify(pub);
      v.update(challenge);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static byte[] read(Path file, String what) throws Problem {
    if (Files.isDirectory(file)) {
      throw new Problem(file, "is a folder (expected a file of " + what + " in PEM)");
    }
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new Problem(file, "no such file (expected " + what + " in PEM)");
    } catch (AccessDeniedException e) {
      throw new Problem(file, "cannot read: permission denied");
    } catch (IOException e) {
      throw new Problem(file, "cannot read (" + e.getClass().getSimpleName() + ")");
    }
  }
}
