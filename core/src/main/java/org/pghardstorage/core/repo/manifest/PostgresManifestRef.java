package org.pghardstorage.core.repo.manifest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Size and SHA-256 of PostgreSQL's own {@code backup_manifest}, stored beside the manifest.
 *
 * @param size its length in bytes
 * @param sha256 64 lower-case hex digits
 */
public record PostgresManifestRef(long size, String sha256) {
  /** Validates the fields. */
  public PostgresManifestRef {
    Objects.requireNonNull(sha256, "sha256");
    if (size < 0 || !sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "invalid backup_manifest reference: size " + size + ", sha256 '" + sha256 + "'");
    }
  }

  /** The reference describing {@code content}. */
  public static PostgresManifestRef of(byte[] content) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
      return new PostgresManifestRef(content.length, HexFormat.of().formatHex(digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** Whether {@code content} is what this reference describes. */
  public boolean matches(byte[] content) {
    return of(content).equals(this);
  }
}
