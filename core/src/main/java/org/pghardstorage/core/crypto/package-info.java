/**
 * Sealing and keys (format spec §7). {@link org.pghardstorage.core.crypto.BlobCipher} seals every
 * blob, pack trailer and sealed-object frame: {@code none} adds a CRC32C (integrity against
 * accidents), {@code aes-256-gcm} encrypts and authenticates with the JDK provider. Keys form an
 * envelope: a key-encryption key from a passphrase ({@link
 * org.pghardstorage.core.crypto.Argon2idParams}) or, later, a KMS wraps the {@link
 * org.pghardstorage.core.crypto.KeyBundle} (data key and chunk-id key) with {@link
 * org.pghardstorage.core.crypto.KeyWrap}. Nothing here knows about storage or JSON.
 */
package org.pghardstorage.core.crypto;
