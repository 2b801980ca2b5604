package dev.bootfleet.adapters.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities trusted for one registry: the JDK's, the {@code --registry-ca} files, and
 * the registry's own {@code certs.d/<host[:port]>/*.crt} files (the containers and docker convention).
 */
final class Trust {
  private Trust() {}

  /** The CA files for {@code registry}: the given ones, then those under each certs.d folder. */
  static List<Path> caFiles(RegistrySettings settings, String registry) throws IOException {
    List<Path> files = new ArrayList<>(settings.caFiles());
    for (Path dir : settings.certsDirs()) {
      Path d = dir.resolve(registry.replace("[", "").replace("]", ""));
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (DirectoryStream<Path> s = Files.newDirectoryStream(d, "*.crt")) {
        List<Path> found = new ArrayList<>();
        s.forEach(found::add);
        found.sort(null);
        files.addAll(found);
      }
    }
    return files;
  }

  /** An SSL context trusting the JDK's authorities and those in {@code caFiles}; the default when none. */
  static SSLContext context(List<Path> caFiles) throws IOException {
    try {
      if (caFiles.isEmpty()) {
        return SSLContext.getDefault();
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      jdk.init((KeyStore) null);
      int n = 0;
      for (var tm : jdk.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          for (X509Certificate c : x.getAcceptedIssuers()) {
            store.setCertificateEntry("jdk-" + n++, c);
          }
        }
      }
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Path f : caFiles) {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(f)) {
          certs = factory.generateCertificates(in);
        } catch (java.security.cert.CertificateException e) {
          throw new IOException(f + ": not a PEM certificate file (" + e.getMessage() + ")");
        }
        if (certs.isEmpty()) {
          throw new IOException(f + ": holds no certificate (expected PEM)");
        }
        for (Certificate c : certs) {
          store.setCertificateEntry("ca-" + n++, c);
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS trust: " + e.getMessage(), e);
    }
  }
}
