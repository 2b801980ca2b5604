package dev.bootfleet.adapters.registry;

import dev.bootfleet.adapters.tls.TlsContexts;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

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
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS trust: " + e.getMessage(), e);
    }
    return TlsContexts.client(caFiles, true, null, null);
  }
}
