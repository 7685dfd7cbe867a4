package org.pghardstorage.core.crypto;

/**
 * Seals and opens byte strings with associated data (format spec §7.1). Every mode detects any
 * change to the sealed bytes or to the associated data: {@link #open} never returns bytes that
 * differ from what was sealed. Implementations are thread-safe.
 */
public interface BlobCipher {

  /** The mode this cipher implements. */
  EncryptionMode mode();

  /** Bytes that {@link #seal} adds to a plaintext. */
  default int overhead() {
    return mode().overhead();
  }

  /**
   * Seals {@code plaintext}, binding it to {@code aad} (which is not stored). Calls should stay at
   * or below 4 MiB of plaintext: JCE's GCM slows badly on larger buffers.
   */
  byte[] seal(byte[] plaintext, byte[] aad);

  /**
   * Opens {@code sealed[offset, offset+length)}.
   *
   * @throws IntegrityException if the bytes were altered or {@code aad} differs from the sealing
   *     call's
   */
  byte[] open(byte[] sealed, int offset, int length, byte[] aad);

  /** Opens a whole array; see {@link #open(byte[], int, int, byte[])}. */
  default byte[] open(byte[] sealed, byte[] aad) {
    return open(sealed, 0, sealed.length, aad);
  }

  /** The {@code none} cipher: CRC32C integrity, no secrecy. */
  static BlobCipher none() {
    return NoneCipher.INSTANCE;
  }

  /** AES-256-GCM under a 32-byte data key (copied). */
  static BlobCipher aes256Gcm(byte[] dataKey) {
    return new AesGcmCipher(dataKey);
  }
}
