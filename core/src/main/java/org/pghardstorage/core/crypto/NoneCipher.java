package org.pghardstorage.core.crypto;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The {@code none} mode: {@code plaintext ‖ u32be CRC32C(aad ‖ plaintext)}. No secrecy, but the
 * same failure behaviour as AES-GCM, so every reader checks integrity the same way whatever the
 * mode; CRC32C is hardware-accelerated and costs far less than compression.
 */
final class NoneCipher implements BlobCipher {
  static final NoneCipher INSTANCE = new NoneCipher();

  private NoneCipher() {}

  @Override
  public EncryptionMode mode() {
    return EncryptionMode.NONE;
  }

  @Override
  public byte[] seal(byte[] plaintext, byte[] aad) {
    byte[] out = Arrays.copyOf(plaintext, plaintext.length + 4);
    ByteBuffer.wrap(out).putInt(plaintext.length, crc(aad, plaintext, 0, plaintext.length));
    return out;
  }

  @Override
  public byte[] open(byte[] sealed, int offset, int length, byte[] aad) {
    if (length < 4) {
      throw new IntegrityException(
          "sealed data of " + length + " bytes is shorter than its 4-byte checksum", null);
    }
    int n = length - 4;
    int stored = ByteBuffer.wrap(sealed).getInt(offset + n);
    int actual = crc(aad, sealed, offset, n);
    if (stored != actual) {
      throw new IntegrityException(
          String.format(
              "CRC32C mismatch: stored %08x, computed %08x over %d bytes", stored, actual, n),
          null);
    }
    return Arrays.copyOfRange(sealed, offset, offset + n);
  }

  private static int crc(byte[] aad, byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(aad);
    crc.update(data, offset, length);
    return (int) crc.getValue();
  }
}
