package org.pghardstorage.core.repo;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.pghardstorage.core.chunk.ChunkIdHasher;
import org.pghardstorage.core.crypto.Argon2idParams;
import org.pghardstorage.core.crypto.BlobCipher;
import org.pghardstorage.core.crypto.EncryptionMode;
import org.pghardstorage.core.crypto.KeyBundle;
import org.pghardstorage.core.crypto.KeyWrap;
import org.pghardstorage.core.error.HardstorageException;

/**
 * The cipher and chunk-id hasher of an open repository, created at init or recovered from {@code
 * config} and key material (format spec §7.4).
 */
record RepositoryKeys(BlobCipher cipher, ChunkIdHasher hasher) {

  /**
   * Fresh keys for a new repository, with the {@code config} secrets that record them.
   *
   * @return the keys and, in {@code slots}/{@code clearIdKey}, what {@code config} must store
   */
  static Created create(RepositoryOptions options, String repositoryId, SecureRandom random) {
    Optional<char[]> passphrase = options.passphrase();
    if (passphrase.isEmpty()) {
      byte[] idKey = new byte[ChunkIdHasher.KEY_LENGTH];
      random.nextBytes(idKey);
      return new Created(
          new RepositoryKeys(BlobCipher.none(), new ChunkIdHasher(idKey)),
          Optional.of(idKey),
          List.of());
    }
    KeyBundle bundle = KeyBundle.generate(random);
    Argon2idParams kdf = options.kdf().orElseGet(() -> Argon2idParams.defaults(random));
    byte[] kek = kdf.deriveKey(passphrase.get());
    Arrays.fill(passphrase.get(), '\0');
    try {
      byte[] wrapped = KeyWrap.wrap(kek, bundle, repositoryId);
      byte[] slotId = new byte[8];
      random.nextBytes(slotId);
      KeySlot slot =
          new KeySlot(
              HexFormat.of().formatHex(slotId), KeySlot.PASSPHRASE, Optional.of(kdf), wrapped);
      return new Created(fromBundle(bundle), Optional.empty(), List.of(slot));
    } finally {
      Arrays.fill(kek, (byte) 0);
    }
  }

  /**
   * The keys of an existing repository.
   *
   * @throws HardstorageException {@code crypto.key_required}, {@code crypto.wrong_key}, {@code
   *     crypto.key_unexpected} for key material given to an unencrypted repository, or {@code
   *     repo.format_too_new} when only key slot types this release cannot use exist
   */
  static RepositoryKeys resolve(
      ConfigJson.Stored stored, Optional<char[]> passphrase, String where) {
    RepositoryConfig config = stored.config();
    if (config.encryption() == EncryptionMode.NONE) {
      if (passphrase.isPresent()) {
        Arrays.fill(passphrase.get(), '\0');
        throw RepositoryErrors.keyUnexpected(where);
      }
      return new RepositoryKeys(
          BlobCipher.none(), new ChunkIdHasher(stored.clearIdKey().orElseThrow()));
    }
    List<KeySlot> usable = new ArrayList<>();
    List<String> unusable = new ArrayList<>();
    for (KeySlot slot : stored.slots()) {
      if (slot.kekType().equals(KeySlot.PASSPHRASE)) {
        usable.add(slot);
      } else {
        unusable.add(slot.kekType());
      }
    }
    if (usable.isEmpty()) {
      throw new HardstorageException(
          RepositoryErrors.FORMAT_TOO_NEW,
          org.pghardstorage.core.error.ExitCode.PREFLIGHT_REFUSED,
          "repository "
              + where
              + " is unlocked only by key slot types "
              + unusable
              + ", which this release does not support",
          "upgrade pg_hardstorage to a release that supports these key slot types");
    }
    if (passphrase.isEmpty()) {
      throw RepositoryErrors.keyRequired(where);
    }
    HardstorageException last = null;
    for (KeySlot slot : usable) {
      byte[] kek = slot.kdf().orElseThrow().deriveKey(passphrase.get());
      try {
        return fromBundle(KeyWrap.unwrap(kek, slot.wrappedBundle(), config.repositoryId()));
      } catch (HardstorageException e) {
        last = e;
      } finally {
        Arrays.fill(kek, (byte) 0);
      }
    }
    throw KeyWrap.wrongKey(config.repositoryId(), last);
  }

  private static RepositoryKeys fromBundle(KeyBundle bundle) {
    byte[] data = bundle.dataKey();
    byte[] id = bundle.chunkIdKey();
    try {
      return new RepositoryKeys(BlobCipher.aes256Gcm(data), new ChunkIdHasher(id));
    } finally {
      Arrays.fill(data, (byte) 0);
      Arrays.fill(id, (byte) 0);
    }
  }

  /** Keys of a new repository and the secrets its {@code config} records. */
  record Created(RepositoryKeys keys, Optional<byte[]> clearIdKey, List<KeySlot> slots) {}
}
