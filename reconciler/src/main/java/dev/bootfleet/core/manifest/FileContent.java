package dev.bootfleet.core.manifest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The bytes of a desired file and their SHA-256, compared by hash. */
public final class FileContent {
  /** The largest file bootfleet manages under /etc. Bigger files belong in the image. */
  public static final int MAX_BYTES = 1024 * 1024;

  private final byte[] bytes;
  private final String sha256;

  private FileContent(byte[] bytes) {
    this.bytes = bytes;
    this.sha256 = sha256(bytes);
  }

  public static FileContent of(byte[] bytes) {
    return new FileContent(bytes.clone());
  }

  public static FileContent of(String text) {
    return new FileContent(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Cloned per use: cheaper than looking the provider up every time (a few percent of a large plan). */
  private static final MessageDigest SHA256 = newSha256();

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  public static String sha256(byte[] bytes) {
    MessageDigest md;
    try {
      md = (MessageDigest) SHA256.clone();
    } catch (CloneNotSupportedException e) {
      md = newSha256();
    }
    return HexFormat.of().formatHex(md.digest(bytes));
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public int size() {
    return bytes.length;
  }

  public String sha256() {
    return sha256;
  }

  /** The content as text when it is valid UTF-8 without NUL bytes, else null (binary). */
  public String textOrNull() {
    for (byte b : bytes) {
      if (b == 0) {
        return null;
      }
    }
    var decoder = StandardCharsets.UTF_8.newDecoder();
    try {
      return decoder.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileContent f && f.sha256.equals(sha256);
  }

  @Override
  public int hashCode() {
    return sha256.hashCode();
  }

  @Override
  public String toString() {
    return "sha256:" + sha256.substring(0, 12) + " (" + bytes.length + " bytes)";
  }
}
