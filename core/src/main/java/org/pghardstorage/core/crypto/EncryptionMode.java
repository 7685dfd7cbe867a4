package org.pghardstorage.core.crypto;

import java.util.Arrays;
import java.util.Optional;

/** The repository-wide sealing mode, named in {@code config} and numbered in binary headers. */
public enum EncryptionMode {
  /** Integrity only: {@code plaintext ‖ CRC32C(aad ‖ plaintext)}. */
  NONE("none", 0, 4),
  /** AES-256-GCM: {@code nonce(12) ‖ ciphertext ‖ tag(16)}. */
  AES_256_GCM("aes-256-gcm", 1, 28);

  private final String configName;
  private final int id;
  private final int overhead;

  EncryptionMode(String configName, int id, int overhead) {
    this.configName = configName;
    this.id = id;
    this.overhead = overhead;
  }

  /** The name used in the repository config, e.g. {@code aes-256-gcm}. */
  public String configName() {
    return configName;
  }

  /** The cipher id byte in pack footers and sealed-object headers. */
  public int id() {
    return id;
  }

  /** Bytes that sealing adds to a plaintext. */
  public int overhead() {
    return overhead;
  }

  /** The mode with this config name, if any. */
  public static Optional<EncryptionMode> fromConfigName(String name) {
    return Arrays.stream(values()).filter(m -> m.configName.equals(name)).findFirst();
  }

  /** The mode with this cipher id byte, if any. */
  public static Optional<EncryptionMode> fromId(int id) {
    return Arrays.stream(values()).filter(m -> m.id == id).findFirst();
  }
}
