package org.pghardstorage.core.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Wraps the {@link KeyBundle} under a 32-byte key-encryption key with AES-256-GCM, AAD {@code 0x04
 * ‖ repository id} (format spec §7.4), so a bundle cannot be moved to another repository's config.
 */
public final class KeyWrap {
  private static final byte DOMAIN = 0x04;

  private KeyWrap() {}

  /** {@code nonce ‖ ciphertext ‖ tag} of the encoded bundle. */
  public static byte[] wrap(byte[] kek, KeyBundle bundle, String repositoryId) {
    byte[] encoded = bundle.encode();
    try {
      return new AesGcmCipher(kek).seal(encoded, aad(repositoryId));
    } finally {
      Arrays.fill(encoded, (byte) 0);
    }
  }

  /**
   * Unwraps a bundle.
   *
   * @throws HardstorageException {@code crypto.wrong_key} (exit AUTHENTICATION) if the key does not
   *     open it, which is also what damage to the wrapped bytes looks like
   */
  public static KeyBundle unwrap(byte[] kek, byte[] wrapped, String repositoryId) {
    byte[] encoded;
    try {
      encoded = new AesGcmCipher(kek).open(wrapped, aad(repositoryId));
    } catch (IntegrityException e) {
      throw wrongKey(repositoryId, e);
    }
    try {
      return KeyBundle.decode(encoded);
    } finally {
      Arrays.fill(encoded, (byte) 0);
    }
  }

  /** The error for key material that opens no key slot of the repository. */
  public static HardstorageException wrongKey(String repositoryId, Throwable cause) {
    return new HardstorageException(
        "crypto.wrong_key",
        ExitCode.AUTHENTICATION,
        "the passphrase or key does not open any key slot of repository " + repositoryId,
        "check the repository passphrase (or KMS key) this process was given",
        cause);
  }

  private static byte[] aad(String repositoryId) {
    byte[] id = repositoryId.getBytes(StandardCharsets.US_ASCII);
    byte[] aad = new byte[1 + id.length];
    aad[0] = DOMAIN;
    System.arraycopy(id, 0, aad, 1, id.length);
    return aad;
  }
}
