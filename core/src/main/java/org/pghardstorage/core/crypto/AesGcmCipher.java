package org.pghardstorage.core.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM on the JDK provider: {@code nonce(12) ‖ ciphertext ‖ tag(16)} with a fresh random
 * nonce per call. SunJCE uses AES-NI/CLMUL intrinsics (≈ 1.1 GiB/s per core); Bouncy Castle's GCM
 * is about 20× slower, so it is never used here.
 */
final class AesGcmCipher implements BlobCipher {
  static final int KEY_LENGTH = 32;
  static final int NONCE_LENGTH = 12;
  static final int TAG_BITS = 128;
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";

  /**
   * Plaintext is fed to the cipher this many bytes at a time. HotSpot uses its AES-CTR and GHASH
   * intrinsics only inside C2-compiled callers, and a caller is compiled after thousands of calls:
   * one {@code doFinal} per 1 MiB blob reaches that after gigabytes, so a backup process ran GCM in
   * plain Java (≈ 60 MiB/s here, measured with JFR). Calls of 4 KiB get there after tens of MiB.
   * The bytes are the same: GCM is a stream.
   */
  static final int SLICE = 4096;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  AesGcmCipher(byte[] key) {
    if (key.length != KEY_LENGTH) {
      throw new IllegalArgumentException(
          "an AES-256 key has " + KEY_LENGTH + " bytes, got " + key.length);
    }
    this.key = new SecretKeySpec(key, "AES");
  }

  @Override
  public EncryptionMode mode() {
    return EncryptionMode.AES_256_GCM;
  }

  @Override
  public byte[] seal(byte[] plaintext, byte[] aad) {
    byte[] nonce = new byte[NONCE_LENGTH];
    RANDOM.nextBytes(nonce);
    try {
      // A fresh Cipher per call: JCE refuses to re-use a (key, nonce) pair, and instances are not
      // thread-safe.
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad);
      byte[] out = new byte[NONCE_LENGTH + cipher.getOutputSize(plaintext.length)];
      System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
      int in = 0;
      int at = NONCE_LENGTH;
      for (; plaintext.length - in > SLICE; in += SLICE) {
        at += cipher.update(plaintext, in, SLICE, out, at);
      }
      cipher.doFinal(plaintext, in, plaintext.length - in, out, at);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM sealing failed on the JDK provider", e);
    }
  }

  @Override
  public byte[] open(byte[] sealed, int offset, int length, byte[] aad) {
    if (length < NONCE_LENGTH + TAG_BITS / 8) {
      throw new IntegrityException(
          "sealed data of " + length + " bytes is shorter than a GCM nonce and tag", null);
    }
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(
          Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, offset, NONCE_LENGTH));
      cipher.updateAAD(aad);
      return cipher.doFinal(sealed, offset + NONCE_LENGTH, length - NONCE_LENGTH);
    } catch (AEADBadTagException e) {
      throw new IntegrityException(
          "AES-GCM authentication failed: wrong key, or damaged or misplaced data", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM opening failed on the JDK provider", e);
    }
  }
}
