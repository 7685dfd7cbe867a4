package org.pghardstorage.core.repo;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.pghardstorage.core.crypto.BlobCipher;
import org.pghardstorage.core.crypto.EncryptionMode;
import org.pghardstorage.core.crypto.IntegrityException;

/**
 * Encodes one chunk or frame as a blob (format spec §6): an 8-byte header {@code version = 1,
 * compression, 2 reserved, u32 raw_length} and a payload, zstd-compressed unless that does not
 * shrink it, then sealed by the cipher. Thread-safe.
 */
final class BlobCodec {
  static final int HEADER = 8;
  static final int VERSION = 1;
  static final int STORED = 0;
  static final int ZSTD = 1;
  static final int MAX_RAW = 4 * 1024 * 1024;

  /**
   * The largest sealed blob a writer produces: the header, {@link #MAX_RAW} bytes stored raw, and
   * the largest cipher overhead (AES-256-GCM's nonce and tag). Readers refuse longer lengths.
   */
  static final int MAX_SEALED = HEADER + MAX_RAW + EncryptionMode.AES_256_GCM.overhead();

  private final BlobCipher cipher;
  private final ZstdCodec zstd;

  /**
   * Where each thread compresses: a fresh zeroed array of the raw size per chunk cost the encoder
   * threads about a fifth of their samples in a backup profile (allocation, zeroing, GC), for
   * output that is mostly a few KiB. Grows to the largest blob a thread encoded (≤ 4 MiB).
   */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[0]);

  BlobCodec(BlobCipher cipher, ZstdCodec zstd) {
    this.cipher = cipher;
    this.zstd = zstd;
  }

  BlobCipher cipher() {
    return cipher;
  }

  /** The sealed blob of {@code raw[off, off+len)}. */
  byte[] encode(byte[] raw, int off, int len, byte[] aad) {
    if (len > MAX_RAW) {
      throw new IllegalArgumentException("a blob holds at most " + MAX_RAW + " bytes, got " + len);
    }
    // Room for the raw bytes is enough: compressed output is only kept if it is smaller.
    byte[] scratch = SCRATCH.get();
    if (scratch.length < HEADER + len) {
      scratch = new byte[HEADER + len];
      SCRATCH.set(scratch);
    }
    int compressed = zstd.compressIfSmaller(raw, off, len, scratch, HEADER);
    byte[] plain;
    int mode;
    if (compressed >= 0) {
      plain = Arrays.copyOf(scratch, HEADER + compressed);
      mode = ZSTD;
    } else {
      plain = new byte[HEADER + len];
      System.arraycopy(raw, off, plain, HEADER, len);
      mode = STORED;
    }
    ByteBuffer.wrap(plain)
        .put(0, (byte) VERSION)
        .put(1, (byte) mode)
        .putInt(4, len)
        .putShort(2, (short) 0);
    return cipher.seal(plain, aad);
  }

  /**
   * Opens and decodes a sealed blob.
   *
   * @throws DecodeException on a failed seal, bad header or bad payload
   */
  byte[] decode(byte[] sealed, int off, int len, byte[] aad) {
    byte[] plain;
    try {
      plain = cipher.open(sealed, off, len, aad);
    } catch (IntegrityException e) {
      throw new DecodeException(e.getMessage(), e);
    }
    if (plain.length < HEADER) {
      throw new DecodeException("blob of " + plain.length + " bytes has no complete header");
    }
    ByteBuffer header = ByteBuffer.wrap(plain);
    int version = header.get(0);
    int mode = header.get(1);
    int rawLength = header.getInt(4);
    if (version != VERSION || header.getShort(2) != 0) {
      throw new DecodeException("blob header has unknown version " + version);
    }
    if (rawLength < 0 || rawLength > MAX_RAW) {
      throw new DecodeException("blob raw length " + rawLength + " is out of range");
    }
    int payload = plain.length - HEADER;
    if (mode == STORED) {
      if (payload != rawLength) {
        throw new DecodeException(
            "stored blob has " + payload + " payload bytes, header says " + rawLength);
      }
      return Arrays.copyOfRange(plain, HEADER, plain.length);
    }
    if (mode == ZSTD) {
      return zstd.decompress(plain, HEADER, payload, rawLength);
    }
    throw new DecodeException("blob has unknown compression " + mode);
  }
}
