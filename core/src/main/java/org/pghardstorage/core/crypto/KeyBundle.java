package org.pghardstorage.core.crypto;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The repository's secret keys (format spec §7.4): the data key that seals everything and the
 * chunk-id key. Encoded as 68 bytes: {@code u8 version = 1, 3 reserved bytes, data key (32),
 * chunk-id key (32)}; stored only wrapped by a key-encryption key.
 */
public final class KeyBundle {
  /** Encoded length in bytes. */
  public static final int ENCODED_LENGTH = 68;

  private static final int VERSION = 1;
  private static final int KEY_LENGTH = 32;

  private final byte[] dataKey;
  private final byte[] chunkIdKey;

  private KeyBundle(byte[] dataKey, byte[] chunkIdKey) {
    this.dataKey = dataKey;
    this.chunkIdKey = chunkIdKey;
  }

  /** Fresh random keys. */
  public static KeyBundle generate(SecureRandom random) {
    byte[] data = new byte[KEY_LENGTH];
    byte[] id = new byte[KEY_LENGTH];
    random.nextBytes(data);
    random.nextBytes(id);
    return new KeyBundle(data, id);
  }

  /**
   * Decodes the 68-byte form.
   *
   * @throws IntegrityException if the length or version is wrong (an unwrapped bundle is
   *     authenticated, so this means a format this code does not know)
   */
  public static KeyBundle decode(byte[] encoded) {
    if (encoded.length != ENCODED_LENGTH || encoded[0] != VERSION) {
      throw new IntegrityException(
          "key bundle of "
              + encoded.length
              + " bytes with version "
              + (encoded.length > 0 ? encoded[0] : -1)
              + " is not a version "
              + VERSION
              + " bundle of "
              + ENCODED_LENGTH
              + " bytes",
          null);
    }
    return new KeyBundle(
        Arrays.copyOfRange(encoded, 4, 4 + KEY_LENGTH),
        Arrays.copyOfRange(encoded, 4 + KEY_LENGTH, ENCODED_LENGTH));
  }

  /** The 68-byte form. The caller should wipe it after use. */
  public byte[] encode() {
    return ByteBuffer.allocate(ENCODED_LENGTH)
        .put((byte) VERSION)
        .put(new byte[3])
        .put(dataKey)
        .put(chunkIdKey)
        .array();
  }

  /** A copy of the AES-256 data key. */
  public byte[] dataKey() {
    return dataKey.clone();
  }

  /** A copy of the HMAC-SHA-256 chunk-id key. */
  public byte[] chunkIdKey() {
    return chunkIdKey.clone();
  }

  @Override
  public String toString() {
    return "KeyBundle[secret]";
  }
}
