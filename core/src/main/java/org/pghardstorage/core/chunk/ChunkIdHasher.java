package org.pghardstorage.core.chunk;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes keyed chunk ids: {@code HMAC-SHA-256(id key, plaintext)} (format spec §4). The key is
 * random per repository, so equal content in two repositories gets unrelated ids. Thread-safe: each
 * call uses its own {@link Mac}.
 */
public final class ChunkIdHasher {
  /** The algorithm name stored in the repository config. */
  public static final String ALGORITHM = "hmac-sha256";

  /** Length of the id key in bytes. */
  public static final int KEY_LENGTH = 32;

  private static final String JCA_NAME = "HmacSHA256";

  private final SecretKeySpec key;

  /** A hasher with the repository's 32-byte id key (copied). */
  public ChunkIdHasher(byte[] idKey) {
    if (idKey.length != KEY_LENGTH) {
      throw new IllegalArgumentException(
          "the chunk id key has " + KEY_LENGTH + " bytes, got " + idKey.length);
    }
    this.key = new SecretKeySpec(idKey, JCA_NAME);
  }

  /** The id of {@code data[offset, offset+length)}. */
  public ChunkId idOf(byte[] data, int offset, int length) {
    Mac mac = newMac();
    mac.update(data, offset, length);
    return ChunkId.of(mac.doFinal());
  }

  /** The id of {@code data}. */
  public ChunkId idOf(byte[] data) {
    return idOf(data, 0, data.length);
  }

  /** Whether {@code data} has id {@code expected}, compared in constant time. */
  public boolean matches(ChunkId expected, byte[] data) {
    return MessageDigest.isEqual(expected.bytes(), newMac().doFinal(data));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(JCA_NAME);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(JCA_NAME + " is required by every Java platform", e);
    }
  }
}
