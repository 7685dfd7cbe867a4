package org.pghardstorage.core.repo;

import java.util.Objects;
import java.util.Optional;
import org.pghardstorage.core.crypto.Argon2idParams;

/**
 * One entry of {@code encryption.key_slots} (format spec §7.4): a key-encryption key source and the
 * key bundle wrapped under it.
 *
 * @param id 16 hex digits
 * @param kekType {@code passphrase}, or a reserved type such as {@code kms}
 * @param kdf the Argon2id parameters of a passphrase slot, empty otherwise
 * @param wrappedBundle the wrapped key bundle
 */
record KeySlot(String id, String kekType, Optional<Argon2idParams> kdf, byte[] wrappedBundle) {
  static final String PASSPHRASE = "passphrase";

  KeySlot {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kekType, "kekType");
    Objects.requireNonNull(kdf, "kdf");
    wrappedBundle = wrappedBundle.clone();
    if (kekType.equals(PASSPHRASE) && kdf.isEmpty()) {
      throw new IllegalArgumentException("passphrase key slot " + id + " has no kdf");
    }
  }

  @Override
  public byte[] wrappedBundle() {
    return wrappedBundle.clone();
  }
}
