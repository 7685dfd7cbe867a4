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
  /** Default zstd level of data chunks: ≈ 260 MiB/s per core on page-like data. */
  public static final int DEFAULT_COMPRESSION_LEVEL = 3;

  /**
   * Default zstd level of WAL: the backlog drain is bound by compressing WAL on the storing thread
   * (docs/explanation/performance.md, "WAL backlog drain"); see that page for the measurements.
   */
  public static final int DEFAULT_WAL_COMPRESSION_LEVEL = 1;

  /** Default pack size: 16 MiB. */
  public static final int DEFAULT_PACK_TARGET_SIZE = 16 * 1024 * 1024;

  private final ChunkerParams chunker;
  private final int compressionLevel;
  private final int walCompressionLevel;
  private final int packTargetSize;
  private final char[] passphrase;
  private final Argon2idParams kdf;

  private RepositoryOptions(
      ChunkerParams chunker,
      int compressionLevel,
      int walCompressionLevel,
      int packTargetSize,
      char[] passphrase,
      Argon2idParams kdf) {
    this.chunker = chunker;
    this.compressionLevel = compressionLevel;
    this.walCompressionLevel = walCompressionLevel;
    this.packTargetSize = packTargetSize;
    this.passphrase = passphrase;
    this.kdf = kdf;
  }

  /**
   * Defaults: 64/256/1024 KiB chunks, zstd {@value #DEFAULT_COMPRESSION_LEVEL} for data and {@value
   * #DEFAULT_WAL_COMPRESSION_LEVEL} for WAL, 16 MiB packs, encryption {@code none}.
   */
  public static RepositoryOptions defaults() {
    return new RepositoryOptions(
        ChunkerParams.DEFAULT,
        DEFAULT_COMPRESSION_LEVEL,
        DEFAULT_WAL_COMPRESSION_LEVEL,
        DEFAULT_PACK_TARGET_SIZE,
        null,
        null);
  }

  /** With other chunk size limits. */
  public RepositoryOptions withChunker(ChunkerParams chunker) {
    return new RepositoryOptions(
        Objects.requireNonNull(chunker),
        compressionLevel,
        walCompressionLevel,
        packTargetSize,
        passphrase,
        kdf);
  }

  /** With another zstd level for data chunks (validated at init, see {@link RepositoryConfig}). */
  public RepositoryOptions withCompressionLevel(int level) {
    return new RepositoryOptions(
        chunker, level, walCompressionLevel, packTargetSize, passphrase, kdf);
  }

  /** With another zstd level for WAL (validated at init, see {@link RepositoryConfig}). */
  public RepositoryOptions withWalCompressionLevel(int level) {
    return new RepositoryOptions(chunker, compressionLevel, level, packTargetSize, passphrase, kdf);
  }

  /** With another pack target size (64 KiB – 1 GiB, validated at init). */
  public RepositoryOptions withPackTargetSize(int bytes) {
    return new RepositoryOptions(
        chunker, compressionLevel, walCompressionLevel, bytes, passphrase, kdf);
  }

  /**
   * AES-256-GCM encryption with a passphrase key slot, Argon2id with the RFC 9106 defaults (64 MiB,
   * t = 3, p = 4). The passphrase is copied.
   */
  public RepositoryOptions withPassphrase(char[] passphrase) {
    return new RepositoryOptions(
        chunker, compressionLevel, walCompressionLevel, packTargetSize, passphrase.clone(), null);
  }

  /** AES-256-GCM encryption with a passphrase and explicit Argon2id parameters. */
  public RepositoryOptions withPassphrase(char[] passphrase, Argon2idParams kdf) {
    return new RepositoryOptions(
        chunker,
        compressionLevel,
        walCompressionLevel,
        packTargetSize,
        passphrase.clone(),
        Objects.requireNonNull(kdf));
  }

  ChunkerParams chunker() {
    return chunker;
  }

  int compressionLevel() {
    return compressionLevel;
  }

  int walCompressionLevel() {
    return walCompressionLevel;
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
