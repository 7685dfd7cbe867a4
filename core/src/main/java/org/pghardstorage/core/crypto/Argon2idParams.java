package org.pghardstorage.core.crypto;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id (RFC 9106, version 0x13) parameters of a passphrase key slot, and the derivation of the
 * 32-byte key-encryption key from a passphrase. The passphrase is used as its UTF-8 bytes, without
 * Unicode normalisation. Bouncy Castle computes Argon2; the result only wraps the key bundle, so
 * its speed does not matter for bulk data.
 */
public final class Argon2idParams {
  /** Argon2 version 1.3 (0x13), the only one we write. */
  public static final int VERSION = 19;

  /** Default memory: 64 MiB (RFC 9106 §4, second recommended option). */
  public static final int DEFAULT_MEMORY_KIB = 65536;

  /** Default passes: 3 (RFC 9106 §4). */
  public static final int DEFAULT_ITERATIONS = 3;

  /** Default lanes: 4 (RFC 9106 §4). */
  public static final int DEFAULT_PARALLELISM = 4;

  private static final int KEY_LENGTH = 32;
  private static final int SALT_LENGTH = 16;

  private final int memoryKib;
  private final int iterations;
  private final int parallelism;
  private final byte[] salt;

  /**
   * Validated parameters.
   *
   * @param memoryKib memory in KiB, at least {@code 8 × parallelism}, at most 4 GiB
   * @param iterations passes over memory, 1–64
   * @param parallelism lanes, 1–16
   * @param salt at least 16 random bytes (copied)
   */
  public Argon2idParams(int memoryKib, int iterations, int parallelism, byte[] salt) {
    if (parallelism < 1 || parallelism > 16) {
      throw new IllegalArgumentException("argon2id parallelism " + parallelism + " is not 1..16");
    }
    if (memoryKib < 8 * parallelism || memoryKib > 4 * 1024 * 1024) {
      throw new IllegalArgumentException(
          "argon2id memory_kib "
              + memoryKib
              + " is not "
              + 8 * parallelism
              + ".."
              + 4 * 1024 * 1024);
    }
    if (iterations < 1 || iterations > 64) {
      throw new IllegalArgumentException("argon2id iterations " + iterations + " is not 1..64");
    }
    if (salt.length < SALT_LENGTH) {
      throw new IllegalArgumentException(
          "argon2id salt has " + salt.length + " bytes, needs at least " + SALT_LENGTH);
    }
    this.memoryKib = memoryKib;
    this.iterations = iterations;
    this.parallelism = parallelism;
    this.salt = salt.clone();
  }

  /** The RFC 9106 defaults with a fresh random salt. */
  public static Argon2idParams defaults(SecureRandom random) {
    return withCost(DEFAULT_MEMORY_KIB, DEFAULT_ITERATIONS, DEFAULT_PARALLELISM, random);
  }

  /** Chosen costs with a fresh random salt (low costs are for tests only). */
  public static Argon2idParams withCost(
      int memoryKib, int iterations, int parallelism, SecureRandom random) {
    byte[] salt = new byte[SALT_LENGTH];
    random.nextBytes(salt);
    return new Argon2idParams(memoryKib, iterations, parallelism, salt);
  }

  /** Memory cost in KiB. */
  public int memoryKib() {
    return memoryKib;
  }

  /** Number of passes. */
  public int iterations() {
    return iterations;
  }

  /** Number of lanes. */
  public int parallelism() {
    return parallelism;
  }

  /** A copy of the salt. */
  public byte[] salt() {
    return salt.clone();
  }

  /** Derives the 32-byte key-encryption key. The caller should wipe it after use. */
  public byte[] deriveKey(char[] passphrase) {
    ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
    byte[] password = Arrays.copyOfRange(utf8.array(), utf8.position(), utf8.limit());
    Arrays.fill(utf8.array(), (byte) 0);
    try {
      return derive(password, null, null);
    } finally {
      Arrays.fill(password, (byte) 0);
    }
  }

  /** Raw Argon2id; {@code secret} and {@code associated} exist only for the RFC test vector. */
  byte[] derive(byte[] password, byte[] secret, byte[] associated) {
    Argon2Parameters.Builder builder =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(memoryKib)
            .withIterations(iterations)
            .withParallelism(parallelism)
            .withSalt(salt);
    if (secret != null) {
      builder.withSecret(secret);
    }
    if (associated != null) {
      builder.withAdditional(associated);
    }
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(builder.build());
    byte[] out = new byte[KEY_LENGTH];
    generator.generateBytes(password, out);
    return out;
  }
}
