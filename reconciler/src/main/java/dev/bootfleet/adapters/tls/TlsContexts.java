package dev.bootfleet.adapters.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Key stores and SSL contexts made from PEM files ({@link Pem}): the certificate authorities a client
 * or the server trusts, and the certificate with its key that one presents. The stores live in memory
 * only; a key store's password is random and never leaves the process.
 */
public final class TlsContexts {
  /** The protocols offered and accepted: TLS 1.2 and newer. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private TlsContexts() {}

  /** A certificate and its key in a key store (alias {@code identity}), with the store's password. */
  public record Identity(KeyStore store, String password) {
    public KeyManagerFactory keyManagers() throws IOException {
      try {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password.toCharArray());
        return kmf;
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot set up the TLS key (" + e.getClass().getSimpleName() + ")");
      }
    }
  }

  /**
   * The chain in {@code certFile} (its own certificate first) with the key in {@code keyFile}, which must
   * be that certificate's. A problem names the file; a key that does not match names {@code keyFile}.
   */
  public static Identity identity(Path certFile, Path keyFile) throws Pem.Problem {
    List<X509Certificate> chain = Pem.certificates(certFile);
    PrivateKey key = Pem.privateKey(keyFile);
    if (!Pem.matches(key, chain.getFirst())) {
      throw mismatch(keyFile, certFile);
    }
    return identity(chain, key);
  }

  /**
   * Checks a certificate and its key given as command-line options, both or neither: each problem is one
   * line {@code OPTION FILE: reason} added to {@code problems}, every one at once, none showing a key.
   */
  public static void check(String certOption, Path certFile, String keyOption, Path keyFile, List<String> problems) {
    if ((certFile == null) != (keyFile == null)) {
      String both = " (expected both: " + certOption + " FILE " + keyOption + " FILE)";
      problems.add(certFile == null ? keyOption + " " + keyFile + ": given without " + certOption + both
          : certOption + " " + certFile + ": given without " + keyOption + both);
    }
    List<X509Certificate> chain = null;
    PrivateKey key = null;
    if (certFile != null) {
      try {
        chain = Pem.certificates(certFile);
      } catch (Pem.Problem e) {
        problems.add(certOption + " " + e.getMessage());
      }
    }
    if (keyFile != null) {
      try {
        key = Pem.privateKey(keyFile);
      } catch (Pem.Problem e) {
        problems.add(keyOption + " " + e.getMessage());
      }
    }
    if (chain != null && key != null && !Pem.matches(key, chain.getFirst())) {
      problems.add(keyOption + " " + mismatch(keyFile, certFile).getMessage());
    }
  }

  /** Checks a file of certificate authorities given as {@code option}: its problem added to {@code problems}. */
  public static void checkAuthorities(String option, Path caFile, List<String> problems) {
    if (caFile != null) {
      try {
        Pem.certificates(caFile);
      } catch (Pem.Problem e) {
        problems.add(option + " " + e.getMessage());
      }
    }
  }

  /** The problem of a key that is not the certificate's: names both files, shows neither. */
  public static Pem.Problem mismatch(Path keyFile, Path certFile) {
    return new Pem.Problem(keyFile, "is not the key of the first certificate in " + certFile
        + " (expected the private key of that certificate)");
  }

  /** A key store holding {@code key} and {@code chain}. */
  public static Identity identity(List<X509Certificate> chain, PrivateKey key) {
    try {
      byte[] random = new byte[16];
      new SecureRandom().nextBytes(random);
      String password = HexFormat.of().formatHex(random);
      KeyStore ks = emptyStore();
      ks.setKeyEntry("identity", key, password.toCharArray(), chain.toArray(X509Certificate[]::new));
      return new Identity(ks, password);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot hold a key in memory: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * A trust store of the certificates in {@code caFiles}, and the JDK's own authorities too when
   * {@code withJdk}.
   */
  public static KeyStore trust(List<Path> caFiles, boolean withJdk) throws Pem.Problem {
    KeyStore store = emptyStore();
    try {
      int n = 0;
      if (withJdk) {
        TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        jdk.init((KeyStore) null);
        for (var tm : jdk.getTrustManagers()) {
          if (tm instanceof X509TrustManager x) {
            for (X509Certificate c : x.getAcceptedIssuers()) {
              store.setCertificateEntry("jdk-" + n++, c);
            }
          }
        }
      }
      for (Path f : caFiles) {
        for (X509Certificate c : Pem.certificates(f)) {
          store.setCertificateEntry("ca-" + n++, c);
        }
      }
      return store;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot hold certificates in memory: " + e.getClass().getSimpleName(), e);
    }
  }

  private static KeyStore emptyStore() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot make a key store in memory: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * A client's SSL context: it trusts the authorities in {@code caFiles} (only those, or the JDK's too
   * when {@code withJdk}; the JDK's alone when there are none) and presents the certificate in
   * {@code certFile} with the key in {@code keyFile} when they are given (mutual TLS).
   */
  public static SSLContext client(List<Path> caFiles, boolean withJdk, Path certFile, Path keyFile)
      throws IOException {
    try {
      TrustManagerFactory tmf = null;
      if (!caFiles.isEmpty()) {
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust(caFiles, withJdk));
      }
      KeyManagerFactory kmf = certFile == null ? null : identity(certFile, keyFile).keyManagers();
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS (" + e.getClass().getSimpleName() + ")");
    }
  }
}
