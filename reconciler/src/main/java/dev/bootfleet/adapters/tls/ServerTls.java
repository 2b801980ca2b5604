package dev.bootfleet.adapters.tls;

import java.nio.file.Path;

/**
 * The server's TLS (ADR 0019): its certificate chain and key in PEM, and, for mutual TLS, the PEM file
 * of the authorities a client's certificate must be signed by.
 *
 * @param certFile the server's certificate first, then its intermediates
 * @param keyFile the certificate's unencrypted PKCS#8 key (RSA or EC)
 * @param clientCaFile the authorities of client certificates, or null: no client certificate is asked for
 */
public record ServerTls(Path certFile, Path keyFile, Path clientCaFile) {}
