package org.pghardstorage.core.repo;

import java.util.Objects;
import java.util.Optional;
import org.pghardstorage.core.chunk.ChunkerParams;
import org.pghardstorage.core.crypto.Argon2idParams;

/**
 * The format choices made once, at {@code init}, and stored in {@code config}. Immutable; {@code
 * with…} methods return a modified copy.
 */
public final class RepositoryOptions {
  /** Default zstd level: ≈ 260 MiB/s per core on page-like data. */
  public static final int DEFAULT_COMPRESSION_LEVEL = 3;

  /** Default pack size: 16 MiB. */
  public static final int DEFAULT_PACK_TARGET_SIZE = 16 * 1024 * 1024;

  private final ChunkerParams chunker;
  private final int compressionLevel;
  private final int packTargetSize;
  private final char[] passphrase;
  private final Argon2idParams kdf;

  private RepositoryOptions(
      ChunkerParams chunker,
      int compressionLevel,
      int packTargetSize,
      char[] passphrase,
      Argon2idParams kdf) {
    this.chunker = chunker;
    this.compressionLevel = compressionLevel;
    this.packTargetSize = packTargetSize;
    this.passphrase = passphrase;
    this.kdf = kdf;
  }

  /** Defaults: 64/256/1024 KiB chunks, zstd 3, 16 MiB packs, encryption {@code none}. */
  public static RepositoryOptions defaults() {
    return new RepositoryOptions(
        ChunkerParams.DEFAULT, DEFAULT_COMPRESSION_LEVEL, DEFAULT_PACK_TARGET_SIZE, null, null);
  }

  /** With other chunk size limits. */
  public RepositoryOptions withChunker(ChunkerParams chunker) {
    return new RepositoryOptions(
        Objects.requireNonNull(chunker), compressionLevel, packTargetSize, passphrase, kdf);
  }

  /** With another zstd level (1–19, validated at init). */
  public RepositoryOptions withCompressionLevel(int level) {
    return new RepositoryOptions(chunker, level, packTargetSize, passphrase, kdf);
  }

  /** With another pack target size (64 KiB – 1 GiB, validated at init). */
  public RepositoryOptions withPackTargetSize(int bytes) {
    return new RepositoryOptions(chunker, compressionLevel, bytes, passphrase, kdf);
  }

  /**
   * AES-256-GCM encryption with a passphrase key slot, Argon2id with the RFC 9106 defaults (64 MiB,
   * t = 3, p = 4). The passphrase is copied.
   */
  public RepositoryOptions withPassphrase(char[] passphrase) {
    return new RepositoryOptions(
        chunker, compressionLevel, packTargetSize, passphrase.clone(), null);
  }

  /** AES-256-GCM encryption with a passphrase and explicit Argon2id parameters. */
  public RepositoryOptions withPassphrase(char[] passphrase, Argon2idParams kdf) {
    return new RepositoryOptions(
        chunker, compressionLevel, packTargetSize, passphrase.clone(), Objects.requireNonNull(kdf));
  }

  ChunkerParams chunker() {
    return chunker;
  }

  int compressionLevel() {
    return compressionLevel;
  }

  int packTargetSize() {
    return packTargetSize;
  }

  Optional<char[]> passphrase() {
    return Optional.ofNullable(passphrase).map(char[]::clone);
  }

  Optional<Argon2idParams> kdf() {
    return Optional.ofNullable(kdf);
  }
}
