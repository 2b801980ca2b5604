package dev.bootfleet.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made by a test (Bouncy Castle, EC P-256): it signs a server certificate for
 * 127.0.0.1 (the registry's and the token server's TLS) and a signing certificate (bearer tokens).
 * Nothing is trusted outside the test: clients get the CA as a PEM file or an SSL context.
 */
public final class TestCa {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  private final Path dir;
  private final KeyPair caKeys;
  private final X509Certificate caCert;

  private TestCa(Path dir, KeyPair caKeys, X509Certificate caCert) {
    this.dir = dir;
    this.caKeys = caKeys;
    this.caCert = caCert;
  }

  /** A new CA; its certificate is written to {@code dir/ca.crt}. */
  public static TestCa create(Path dir) throws IOException {
    try {
      Files.createDirectories(dir);
      KeyPair keys = ecKeys();
      X500Name name = new X500Name("CN=bootfleet test CA " + SERIAL.incrementAndGet());
      JcaX509v3CertificateBuilder b = builder(name, name, keys);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate cert = sign(b, keys);
      TestCa ca = new TestCa(dir, keys, cert);
      Files.writeString(ca.caFile(), pem(cert));
      return ca;
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create a test CA", e);
    }
  }

  /** {@code ca.crt}: the CA certificate, PEM. */
  public Path caFile() {
    return dir.resolve("ca.crt");
  }

  public X509Certificate certificate() {
    return caCert;
  }

  /** A key pair and its certificate (signed by this CA), with the PEM files written for Go programs. */
  public record Issued(KeyPair keys, X509Certificate cert, X509Certificate ca, Path certFile, Path keyFile) {
    /** A key store holding the key and its chain, for the JDK's HTTPS server. */
    public KeyStore keyStore() {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("key", keys.getPrivate(), new char[0], new X509Certificate[] {cert, ca});
        return ks;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** An SSL context serving this certificate. */
    public SSLContext serverContext() {
      try {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore(), new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A TLS server certificate for 127.0.0.1 and localhost, written to {@code name.crt}/{@code name.key}. */
  public Issued issueServer(String name) throws IOException {
    try {
      KeyPair keys = ecKeys();
      JcaX509v3CertificateBuilder b = builder(new X500Name(caCert.getSubjectX500Principal().getName()),
          new X500Name("CN=127.0.0.1"), keys);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress()),
          new GeneralName(GeneralName.dNSName, "localhost")}));
      return write(name, keys, sign(b, caKeys));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a server certificate", e);
    }
  }

  /** A TLS client certificate (mutual TLS) for {@code CN=name}, written to {@code name.crt}/{@code name.key}. */
  public Issued issueClient(String name) throws IOException {
    try {
      KeyPair keys = ecKeys();
      JcaX509v3CertificateBuilder b = builder(new X500Name(caCert.getSubjectX500Principal().getName()),
          new X500Name("CN=" + name), keys);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      return write(name, keys, sign(b, caKeys));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a client certificate", e);
    }
  }

  /** A TLS server certificate for 127.0.0.1 like {@link #issueServer}, with an RSA 2048 key. */
  public Issued issueServerRsa(String name) throws IOException {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048, new SecureRandom());
      KeyPair keys = g.generateKeyPair();
      JcaX509v3CertificateBuilder b = builder(new X500Name(caCert.getSubjectX500Principal().getName()),
          new X500Name("CN=127.0.0.1"), keys);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress())}));
      return write(name, keys, sign(b, caKeys));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue an RSA server certificate", e);
    }
  }

  /** A certificate for signing tokens (digital signature only). */
  public Issued issueSigner(String name) throws IOException {
    try {
      KeyPair keys = ecKeys();
      JcaX509v3CertificateBuilder b = builder(new X500Name(caCert.getSubjectX500Principal().getName()),
          new X500Name("CN=" + name), keys);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      return write(name, keys, sign(b, caKeys));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a signing certificate", e);
    }
  }

  /** An SSL context for clients that trusts this CA only. */
  public SSLContext clientContext() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("ca", caCert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Issued write(String name, KeyPair keys, X509Certificate cert) throws IOException {
    Path crt = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    Files.writeString(crt, pem(cert));
    Files.writeString(key, pem(keys.getPrivate()));
    return new Issued(keys, cert, caCert, crt, key);
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
        keys.getPublic());
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair signer)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
    X509CertificateHolder holder = b.build(s);
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  static String pem(Object o) {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      if (o instanceof java.security.PrivateKey k) {
        p.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null));
      } else {
        p.writeObject(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }
}
